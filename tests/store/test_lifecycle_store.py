"""Property: any sequence of actions, applied to a stored complaint, leaves it in the
status the state machine says, with one status event and one audit entry per change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth.audit import AuditAction
from auth.policy import access_for
from auth.principal import Principal
from auth.roles import SCOPE_ALL_COMPLAINTS, Role
from gateway.domain.lifecycle import Lifecycle
from gateway.store.models import AuditEventRow, ComplaintRow, StatusEventRow
from gateway.store.writer import insert_complaints
from schema.canonical import Status
from schema.deadlines import DeadlinePolicy
from schema.lifecycle import Action, ActionRequest, IllegalTransition, transition
from tests.factories import make_complaint

# A connector with every complaint in scope may take every action, so the walk is
# limited by the state machine alone.
ACTOR = Principal(
    subject="connector-prop",
    roles=frozenset({Role.CONNECTOR_SERVICE}),
    agency_id="pemkab-16.05",
    scopes=frozenset({SCOPE_ALL_COMPLAINTS}),
)
LIFECYCLE = Lifecycle(DeadlinePolicy())


def _request(action: Action, final: bool, routed: str) -> ActionRequest:
    return ActionRequest(
        action,
        note="alasan yang jelas",
        # Handing it on names an agency other than the current one (the same is refused).
        to_agency_id="pemkab-16.08" if routed != "pemkab-16.08" else "pemkab-16.05",
        unit_ids=(f"{routed.removeprefix('pemkab-')}-pupr",),  # a unit of the current agency
        content="Isi tanggapan yang cukup panjang.",
        final=final,
        score=4,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(Action), st.booleans()), min_size=1, max_size=12))
async def test_any_sequence_is_applied_exactly_as_the_machine_says(
    database_url: str, steps: list[tuple[Action, bool]]
) -> None:
    start = make_complaint(status=Status.BELUM_TERVERIFIKASI, routed_agency_id="pemkab-16.05")
    start = replace(start, status_history=start.status_history[:2], rating=None, follow_ups=(), replies=())
    await insert_complaints([start])
    expected, rated, changes, routed = Status.BELUM_TERVERIFIKASI, False, 0, "pemkab-16.05"
    now = datetime.now(UTC)
    for n, (action, final) in enumerate(steps):
        try:
            after = transition(expected, action, final=final)
        except IllegalTransition:
            after = None
        if action is Action.RATE and rated:
            after = None  # one rating only: refused as invalid input
        request = _request(action, final, routed)
        try:
            await LIFECYCLE.apply(
                start.id,
                request,
                principal=ACTOR,
                access=access_for(ACTOR),
                now=now + timedelta(minutes=n),
                request_id="prop",
            )
        except Exception as exc:
            assert after is None, f"{action.value} from {expected.value} refused: {exc!r}"
            continue
        assert after is not None, f"{action.value} from {expected.value} was applied"
        expected, changes = after, changes + 1
        rated = rated or action is Action.RATE
        if action is Action.NOT_OUR_AUTHORITY:
            routed = request.to_agency_id or routed
    row = await ComplaintRow.get(id=start.id)
    assert row.status is expected
    audited = await AuditEventRow.filter(complaint_id=start.id, action=AuditAction.COMPLAINT_CHANGED.value).count()
    assert audited == changes
    events = await StatusEventRow.filter(complaint_id=start.id).count()
    assert events == 2 + changes - int(rated)  # a rating adds no status event
