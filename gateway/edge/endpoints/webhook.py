"""Push intake: `POST /sync/webhook/{source}` for sources that can call us.

The body is what the source would list, in its own format (its mapping decodes and maps
it); each record goes through the same idempotent ingest as a pull. Only a connector
service token may push, and only for its own kab/kota's source (the national source
needs a token scoped to all complaints). Answers say what was applied and what could not
be mapped, and why, without quoting personal data.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth.roles import SCOPE_ALL_COMPLAINTS, Role
from connectors.errors import ConnectorError
from connectors.registry import NATIONAL_NAME
from gateway.edge.error_answer import ErrorAnswer
from gateway.edge.middleware.authentication import principal_of
from gateway.edge.state import app_state
from gateway.store import sync_state
from gateway.store.sync_notes import save_note
from gateway.updates.notify import announce_changed

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> Response:
    return ErrorAnswer(status, code, message).response()


async def _heard(source: str, now: datetime, records: int, rejected: int) -> None:
    """A push is the source's sync: its status (last success, lag, records seen) says when
    it was last heard from, as a pull's does (a push-only source has no pulls)."""
    await sync_state.pushed(source, at=now, records=records, rejected=rejected)


async def webhook(request: Request) -> Response:
    """Apply records a source pushed."""
    state = app_state(request.scope)
    sources = state.sources if state is not None else None
    ingestor = state.ingestor if state is not None else None
    name = request.path_params["source"]
    if sources is None or ingestor is None:
        return _error(404, "NOT_CONFIGURED", "this gateway has no sources file, so no push intake")
    connector = sources.connectors.get(name)
    if connector is None or not connector.takes_pushes:
        return _error(
            404, "UNKNOWN_SOURCE", f"no source {name!r} takes pushes here; expected one of the sources file's names"
        )
    principal = principal_of(request.scope)
    if principal.is_public:
        return _error(401, "UNAUTHENTICATED", "pushing needs a connector service token")
    regency = next((r.kode_wilayah for r in sources.config.connected if r.source_name == name), None)
    allowed = principal.has(Role.CONNECTOR_SERVICE) and (
        (name == NATIONAL_NAME and SCOPE_ALL_COMPLAINTS in principal.scopes)
        or (regency is not None and principal.kode_wilayah == regency)
    )
    if not allowed:
        return _error(
            403,
            "FORBIDDEN",
            f"this token may not push for {name}: it needs the connector service role for that kab/kota",
        )
    try:
        records, rejected = connector.map_body(await request.body())
    except ConnectorError as exc:
        return _error(400, exc.code, f"the body is not what {name}'s mapping reads: {exc.message}")
    now = datetime.now(UTC)
    outcomes: dict[str, int] = {}
    changed: list[str] = []
    notes: list[str] = []  # stored, but without an unmapped category or OPD: said in the answer
    for record in records:
        outcome = await ingestor.apply(name, record, now=now, changed=changed, notes=notes)
        outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
    await _heard(name, now, len(records), len(rejected))
    if notes:
        # Said in the answer and kept in sync status: a push-only source has no pulls to show it.
        await save_note(name, notes[0], now)
        log.warning("webhook %s: %d records stored without part of them, e.g. %s", name, len(notes), notes[0][:300])
    broker = state.broker if state is not None else None
    if broker is not None:
        await announce_changed(broker, changed)
    log.info("webhook %s: %s, %d not mapped", name, outcomes, len(rejected))
    return JSONResponse(
        {
            "applied": outcomes,
            "rejected": [{"record": e.record_ref, "field": e.field, "reason": e.reason} for e in rejected],
        }
        | ({"notes": notes} if notes else {}),
        status_code=200 if records or not rejected else 422,
    )
