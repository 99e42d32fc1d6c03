"""What several commands share: the failure message, logging set-up, server flags, checks.

Everything here is light to import: it runs before every command.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]


def fail(message: str) -> int:
    """Tell the operator what is wrong, on stderr; returns the exit code of a usage error."""
    print(f"penghubung: {message}", file=sys.stderr)
    return 2


def configure_logging(level: str, kind: str | None = None) -> None:
    """Log to stderr with request ids, personal data redacted, in text or JSON."""
    from gateway.edge.middleware.request_id import RequestIdLogFilter
    from gateway.log_format import formatter as log_formatter
    from gateway.log_privacy import AccessLogPrivacy, RedactPersonalData

    handler = logging.StreamHandler()
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(log_formatter(kind or os.environ.get("PENGHUBUNG_LOG_FORMAT", "text")))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("uvicorn.access").addFilter(AccessLogPrivacy())
    # Tortoise announces every connection close at INFO; that is noise for operators.
    logging.getLogger("tortoise").setLevel(max(logging.WARNING, logging.getLogger().level))


def add_log_level(p: argparse.ArgumentParser) -> None:
    """The --log-level flag of the long-running commands."""
    p.add_argument(
        "--log-level",
        default="info",
        choices=LOG_LEVELS,
        help="log level (default info)",
    )


def add_server_args(p: argparse.ArgumentParser) -> None:
    """The flags of a command that serves HTTP: where to listen, how much to log."""
    p.add_argument("--host", default=DEFAULT_HOST, help=f"bind address (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"bind port (default {DEFAULT_PORT})")
    add_log_level(p)


def port_in_use(host: str, port: int) -> str | None:
    """Why (host, port) cannot be bound, or None if it can; checked before any setup."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def cannot_listen(host: str, port: int) -> int | None:
    """The exit code when the server could not listen on (host, port), after saying why."""
    if (busy := port_in_use(host, port)) is None:
        return None
    return fail(f"cannot listen on {host}:{port} ({busy}); choose another port with --port")


async def pending_migrations(settings: GatewaySettings) -> list[str]:
    """The shipped migrations the settings' database lacks."""
    from gateway.store.database import pending_migrations as pending

    return await pending(settings.database_url)


def lacks_migrations(settings: GatewaySettings, pending: list[str]) -> str:
    """The start of the message for a database that lacks `pending` migrations."""
    from gateway.settings import redacted

    return f"database {redacted(settings.database_url)} lacks migrations {', '.join(pending)}"
