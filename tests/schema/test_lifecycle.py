"""The state machine, as a table and as properties over any sequence of actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from schema.canonical import Status
from schema.deadlines import FINAL, Deadlines, EscalationLevel, escalation
from schema.lifecycle import TRANSITIONS, Action, IllegalTransition, allowed_actions, transition
from schema.working_days import WorkingCalendar


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (Status.BELUM_TERVERIFIKASI, Action.VERIFY, Status.TERVERIFIKASI),
        (Status.BELUM_TERVERIFIKASI, Action.HOLD, Status.TUNDA),
        (Status.TUNDA, Action.REPLY, Status.BELUM_TERVERIFIKASI),
        (Status.BELUM_TERVERIFIKASI, Action.NOT_OUR_AUTHORITY, Status.DILIMPAHKAN),
        (Status.DILIMPAHKAN, Action.VERIFY, Status.TERVERIFIKASI),
        (Status.TERVERIFIKASI, Action.DISPOSE, Status.DIDISPOSISIKAN),
        (Status.DIDISPOSISIKAN, Action.POST_FOLLOW_UP, Status.DITINDAKLANJUTI),
        (Status.MENUNGGU_TANGGAPAN, Action.REPLY, Status.DIDISPOSISIKAN),
        (Status.MENUNGGU_TANGGAPAN, Action.CLOSE, Status.SELESAI),
        (Status.SELESAI, Action.RATE, Status.SELESAI),
        (Status.TERVERIFIKASI, Action.ARCHIVE, Status.ARSIP),
    ],
)
def test_transitions(status: Status, action: Action, expected: Status) -> None:
    assert transition(status, action) == expected


def test_a_final_answer_opens_the_reply_window() -> None:
    assert transition(Status.DIDISPOSISIKAN, Action.POST_FOLLOW_UP, final=True) is Status.MENUNGGU_TANGGAPAN


def test_an_illegal_transition_names_the_status_and_what_is_allowed() -> None:
    with pytest.raises(IllegalTransition) as info:
        transition(Status.BELUM_TERVERIFIKASI, Action.CLOSE)
    assert str(info.value) == (
        "cannot CLOSE a complaint in status BELUM_TERVERIFIKASI; allowed: VERIFY, HOLD, NOT_OUR_AUTHORITY, ARCHIVE"
    )
    with pytest.raises(IllegalTransition, match="allowed: none"):
        transition(Status.ARSIP, Action.VERIFY)


@given(st.lists(st.tuples(st.sampled_from(Action), st.booleans()), max_size=40))
def test_no_sequence_of_actions_reaches_an_invalid_state(steps: list[tuple[Action, bool]]) -> None:
    status = Status.BELUM_TERVERIFIKASI
    for action, final in steps:
        try:
            after = transition(status, action, final=final)
        except IllegalTransition as exc:
            assert action not in allowed_actions(status)
            assert exc.status is status
            continue
        assert action in allowed_actions(status)
        assert after in TRANSITIONS  # a known status, with its own rules
        if status in FINAL:
            # Nothing leaves SELESAI or ARSIP; only a rating is added to SELESAI.
            assert after is status and action is Action.RATE
        status = after


class Lifecycle(RuleBasedStateMachine):
    """Random walks: whatever happens, the complaint is in exactly one known status."""

    def __init__(self) -> None:
        super().__init__()
        self.status = Status.BELUM_TERVERIFIKASI
        self.closed_once = False

    @rule(action=st.sampled_from(Action), final=st.booleans())
    def act(self, action: Action, final: bool) -> None:
        if action in allowed_actions(self.status):
            self.status = transition(self.status, action, final=final)
        else:
            with pytest.raises(IllegalTransition):
                transition(self.status, action, final=final)
        self.closed_once = self.closed_once or self.status in FINAL

    @invariant()
    def closed_stays_closed(self) -> None:
        assert not self.closed_once or self.status in FINAL

    @invariant()
    def every_open_status_has_a_way_forward(self) -> None:
        assert self.status in FINAL or allowed_actions(self.status)


TestLifecycleMachine = Lifecycle.TestCase


def test_only_agency_clocks_escalate() -> None:
    long_ago = datetime(2026, 1, 5, tzinfo=UTC)
    met = Deadlines(
        verification_due=long_ago,
        verified_at=long_ago,
        follow_up_due=long_ago,
        first_follow_up_at=long_ago,
        reply_due=long_ago,
        resolution_due=long_ago,
        resolved_at=long_ago,
        closed_at=None,
    )
    now = datetime(2026, 3, 2, tzinfo=UTC)
    # Only the reporter's reply window has passed: nobody escalates.
    assert escalation(met, Status.MENUNGGU_TANGGAPAN, now, "16.05", WorkingCalendar()) is None
    late = replace(met, verified_at=None)
    assert escalation(late, Status.BELUM_TERVERIFIKASI, now, "16.05", WorkingCalendar()) is EscalationLevel.NATIONAL
