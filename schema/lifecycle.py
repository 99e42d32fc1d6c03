"""The complaint lifecycle: one state machine for every mutation and every synced change.

    BELUM_TERVERIFIKASI ─VERIFY─► TERVERIFIKASI ─DISPOSE─► DIDISPOSISIKAN
      │  ▲     │HOLD                   │                    │ POST_FOLLOW_UP (interim)
      │  └REPLY┘ TUNDA                 │                    ▼
      │ NOT_OUR_AUTHORITY ─► DILIMPAHKAN (the receiver       DITINDAKLANJUTI
      │                       verifies it as new)            │ POST_FOLLOW_UP (final)
      └─ARCHIVE─► ARSIP                                      ▼
                        SELESAI ◄─CLOSE── MENUNGGU_TANGGAPAN ─REPLY─► DIDISPOSISIKAN (re-open)
                        (RATE)

Every action is a pure function of the current status: `transition(status, action)` gives
the next status or raises `IllegalTransition`, naming the current status and what is
allowed from it (docs/domain.md §1.3).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from schema.canonical import Attachment, Kadar, Status
from schema.errors import LifecycleError


class Action(enum.Enum):
    """What someone can do to a complaint."""

    VERIFY = "VERIFY"  # A1 verifikasi
    HOLD = "HOLD"  # A2 tunda: wait for the reporter's clarification
    NOT_OUR_AUTHORITY = "NOT_OUR_AUTHORITY"  # A3 bukan wewenang: hand to the competent agency
    ARCHIVE = "ARCHIVE"  # A4 arsipkan, with a reason
    DISPOSE = "DISPOSE"  # disposisi to one or more units
    POST_FOLLOW_UP = "POST_FOLLOW_UP"  # tindak lanjut (interim, or final: opens the reply window)
    REPLY = "REPLY"  # the reporter's tanggapan (clarification, or re-opening)
    CLOSE = "CLOSE"  # selesai
    RATE = "RATE"  # the reporter's rating of a closed complaint


class IllegalTransition(LifecycleError, ValueError):
    """An action that the complaint's current status does not allow."""

    code = "ILLEGAL_TRANSITION"

    def __init__(self, status: Status, action: Action, allowed: tuple[Action, ...]) -> None:
        self.status, self.action, self.allowed = status, action, allowed
        names = ", ".join(a.value for a in allowed) or "none (the complaint is final)"
        super().__init__(f"cannot {action.value} a complaint in status {status.value}; allowed: {names}")


_WAITING = {
    Action.VERIFY: Status.TERVERIFIKASI,
    Action.HOLD: Status.TUNDA,
    Action.NOT_OUR_AUTHORITY: Status.DILIMPAHKAN,
    Action.ARCHIVE: Status.ARSIP,
}

# status -> action -> next status. POST_FOLLOW_UP's target depends on `final` (see below).
TRANSITIONS: Mapping[Status, Mapping[Action, Status]] = {
    Status.SUBMITTED: _WAITING,
    Status.BELUM_TERVERIFIKASI: _WAITING,
    # A delegated complaint is new to its receiver, who handles it like an unverified one.
    Status.DILIMPAHKAN: _WAITING,
    Status.TUNDA: {
        Action.VERIFY: Status.TERVERIFIKASI,
        Action.REPLY: Status.BELUM_TERVERIFIKASI,
        Action.NOT_OUR_AUTHORITY: Status.DILIMPAHKAN,
        Action.ARCHIVE: Status.ARSIP,
    },
    Status.TERVERIFIKASI: {
        Action.DISPOSE: Status.DIDISPOSISIKAN,
        Action.NOT_OUR_AUTHORITY: Status.DILIMPAHKAN,
        Action.ARCHIVE: Status.ARSIP,
    },
    Status.DIDISPOSISIKAN: {
        Action.DISPOSE: Status.DIDISPOSISIKAN,
        Action.POST_FOLLOW_UP: Status.DITINDAKLANJUTI,
        Action.NOT_OUR_AUTHORITY: Status.DILIMPAHKAN,
    },
    Status.DITINDAKLANJUTI: {
        Action.DISPOSE: Status.DIDISPOSISIKAN,
        Action.POST_FOLLOW_UP: Status.DITINDAKLANJUTI,
        Action.CLOSE: Status.SELESAI,
    },
    Status.MENUNGGU_TANGGAPAN: {
        Action.REPLY: Status.DIDISPOSISIKAN,
        Action.CLOSE: Status.SELESAI,
    },
    Status.SELESAI: {Action.RATE: Status.SELESAI},
    Status.ARSIP: {},
}


def allowed_actions(status: Status) -> tuple[Action, ...]:
    """The actions the status allows, in a stable order."""
    return tuple(a for a in Action if a in TRANSITIONS[status])


def transition(status: Status, action: Action, *, final: bool = False) -> Status:
    """The status after `action`; raises IllegalTransition if the status does not allow it.

    Args:
        final: for POST_FOLLOW_UP, whether this answer is final (it opens the reporter's
            reply window: MENUNGGU_TANGGAPAN) or interim (DITINDAKLANJUTI).
    """
    target = TRANSITIONS[status].get(action)
    if target is None:
        raise IllegalTransition(status, action, allowed_actions(status))
    if action is Action.POST_FOLLOW_UP and final:
        return Status.MENUNGGU_TANGGAPAN
    return target


class ComplaintNotFound(LifecycleError, LookupError):
    """No complaint with that id in the caller's case scope (or at all)."""

    code = "NOT_FOUND"
    http_status = 404

    def __init__(self) -> None:
        super().__init__("no complaint with that id in your case scope")


class ActionForbidden(LifecycleError, PermissionError):
    """The caller's roles do not allow this action."""

    code = "FORBIDDEN"
    http_status = 403

    def __init__(self, action: Action) -> None:
        self.action = action
        super().__init__(f"your roles may not {action.value} complaints")


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """An action with what it needs; which fields matter depends on the action."""

    action: Action
    note: str | None = None  # why (required to ARCHIVE or HOLD)
    kadar: Kadar | None = None  # VERIFY: the handling tier, sets the resolution deadline
    title: str | None = None  # VERIFY: the admin's intisari of the title
    category_id: str | None = None  # VERIFY
    to_agency_id: str | None = None  # NOT_OUR_AUTHORITY: the competent agency
    unit_ids: tuple[str, ...] = ()  # DISPOSE: the units that must act
    content: str | None = None  # POST_FOLLOW_UP, REPLY
    final: bool = False  # POST_FOLLOW_UP: the answer (opens the reply window)
    attachments: tuple[Attachment, ...] = ()  # POST_FOLLOW_UP
    score: int | None = None  # RATE: 1 to 5


# How far along a complaint is, for sync: a status from another system is applied only
# when it is further along, so a late or repeated delivery never moves a complaint back.
# (Re-opening after a reporter's reply is an action in the gateway, not a sync.)
PROGRESS: dict[Status, int] = {
    Status.SUBMITTED: 0,
    Status.BELUM_TERVERIFIKASI: 1,
    Status.TUNDA: 2,
    Status.TERVERIFIKASI: 3,
    Status.DILIMPAHKAN: 4,
    Status.DIDISPOSISIKAN: 5,
    Status.DITINDAKLANJUTI: 6,
    Status.MENUNGGU_TANGGAPAN: 7,
    Status.ARSIP: 8,
    Status.SELESAI: 9,
}


def is_further(new: Status, current: Status) -> bool:
    """Whether `new` is further along than `current` (sync applies only such moves)."""
    return PROGRESS[new] > PROGRESS[current]


def leads_to(current: Status, target: Status) -> bool:
    """Whether one action of the lifecycle moves `current` to `target` (a status another
    system reports may have got there by a step the gateway has no action for)."""
    steps = set(TRANSITIONS[current].values())
    if Action.POST_FOLLOW_UP in TRANSITIONS[current]:
        steps.add(Status.MENUNGGU_TANGGAPAN)
    return target in steps
