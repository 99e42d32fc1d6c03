"""Log line formats: readable text for a terminal, or one JSON object per line for a log
pipeline (PENGHUBUNG_LOG_FORMAT=json). Both carry the request id; what they carry has
passed the personal-data filter first (gateway.log_privacy)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """time, level, logger, request_id, message (and the traceback, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def formatter(kind: str) -> logging.Formatter:
    """The formatter for PENGHUBUNG_LOG_FORMAT's value."""
    if kind not in FORMATS:
        raise ValueError(f"PENGHUBUNG_LOG_FORMAT is '{kind}', expected one of {', '.join(FORMATS)}")
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)
