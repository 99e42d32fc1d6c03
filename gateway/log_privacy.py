"""A logging filter that masks personal data in warnings and errors.

Exception messages can carry a NIK, phone number, e-mail or name that arrived in a request
(UU 27/2022 PDP). Records at WARNING and above, with their tracebacks, are passed through
lokal-id's Samaran masker, which knows Indonesian identifiers; INFO and DEBUG lines are
written by our own code from values that hold no personal data, and masking them would
cost about half a millisecond each.
"""

from __future__ import annotations

import logging

from schema.privacy import mask_contacts


def redact(text: str) -> str:
    """The text with NIKs, phone numbers, e-mail addresses and names replaced (what the
    masker may miss for want of a label, "e-mail x@y" rather than "email: x@y", too)."""
    # Imported at the first redaction: the masker's detectors take half a second to load,
    # and every command configures logging, most without ever logging personal data.
    from lokal.samaran import mask_pii

    return mask_contacts(mask_pii(text).text)


class AccessLogPrivacy(logging.Filter):
    """uvicorn's access lines without the query string (it can hold variables: a NIK, a
    name) and with the client's address cut to its network (an IP can identify a reporter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3:
            client, method, path, *rest = args
            host, _, _port = str(client).rpartition(":")
            if "." in host:
                host = ".".join([*host.split(".")[:3], "0"])
            elif ":" in host:
                host = ":".join(host.split(":")[:3]) + "::"
            record.args = (host or str(client), method, str(path).split("?", 1)[0], *rest)
        return True


class RedactPersonalData(logging.Filter):
    """Rewrites WARNING+ records (message and traceback) with personal data masked."""

    def __init__(self) -> None:
        super().__init__()
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# Database drivers log every statement with its parameters at DEBUG, and parameters hold
# reporters' personal data; these loggers never go below INFO, whatever the log level.
SQL_LOGGERS = ("tortoise.db_client", "aiosqlite", "asyncpg", "db_client")


def silence_sql_parameter_logs() -> None:
    """Keep the database drivers' statement logs (with parameters) switched off."""
    for name in SQL_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
