"""Structured logs: one JSON object per line with the request id, personal data masked;
`penghubung serve` writes them when PENGHUBUNG_LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.edge.middleware.request_id import RequestIdLogFilter
from gateway.log_format import formatter
from gateway.log_privacy import AccessLogPrivacy, RedactPersonalData, redact
from tests.servers import clean_env, running


def test_a_json_line_carries_the_request_id_and_no_personal_data() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("test.json-lines")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("could not store the reporter NIK 1673014101900001, e-mail rina.kartika@example.com")
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert set(entry) >= {"time", "level", "logger", "request_id", "message"}
    assert entry["level"] == "WARNING" and entry["request_id"] == "-"
    assert "1673014101900001" not in stream.getvalue() and "rina.kartika" not in stream.getvalue()


def test_an_unknown_format_is_refused_with_what_is_expected(capsys: object, monkeypatch: object) -> None:
    monkeypatch.setenv("PENGHUBUNG_LOG_FORMAT", "xml")  # type: ignore[attr-defined]
    assert main(["migrate", "--list"]) == 2
    assert "expected one of text, json" in capsys.readouterr().err  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_gateway_writes_json_lines_with_request_ids(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with running(
        ["serve"], env=clean_env({"DATABASE_URL": database_url, "PENGHUBUNG_LOG_FORMAT": "json"}), log=log
    ) as port:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql",
            data=b'{"query": "{ publicComplaints(first: 1) { totalCount } }"}',
            headers={"content-type": "application/json", "x-request-id": "req-json-1"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is JSON
    assert any(e["request_id"] == "req-json-1" and "POST /graphql" in e["message"] for e in entries), lines[-5:]


def test_access_lines_lose_the_query_string_and_the_host_part_of_the_address() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.57:51234", "GET", "/graphql?variables=%7B%22nik%22%3A%221605014101900001%22%7D", "1.1", 200),
        None,
    )
    AccessLogPrivacy().filter(record)
    assert record.getMessage() == '203.0.113.0 - "GET /graphql HTTP/1.1" 200'


def test_the_mask_leaves_dates_times_and_ids_alone() -> None:
    text = "since 2026-03-13 10:00, complaint 550e8400-e29b-41d4-a716-446655440000, tracking 1000181"
    assert redact(text) == text
    assert "[NUMBER]" in redact("called 081234567890") or "[PHONE" in redact("called 081234567890")
