"""The one protocol every source implements, and the values that cross it.

A source declares what it can do (`Capability`); the sync engine and the conformance check
ask only for those. A write carries the gateway's own reference (`external_ref`) so that,
after an unknown outcome, the same write can be recognised by the source (an idempotency key,
a unique field) instead of being applied twice.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from connectors.errors import ConnectorError
from connectors.records import SourceComplaint
from schema.canonical import Channel, Classification, Reporter, Status

if TYPE_CHECKING:
    from connectors.mapping import MappingError
    from connectors.spec_types import SourceSpec


class Capability(StrEnum):
    """What a source supports."""

    LIST_CHANGES = "list_changes"  # records changed since a cursor
    READ_ONE = "read_one"  # one record by its id
    CREATE = "create"
    CHANGE_STATUS = "change_status"
    ADD_FOLLOW_UP = "add_follow_up"


class Unsupported(ConnectorError):
    """The source does not declare the capability asked for (a configuration problem)."""

    code = "UNSUPPORTED"


class UnmappedValue(Unsupported):
    """A write body's value has no word in its `[maps.*]` table (and the mapping gives no
    default): the write cannot be sent as the mapping stands. The message says which action,
    body key, value and table, and what to add; a personal value (reporter_*) is not quoted."""

    code = "UNMAPPED_VALUE"

    def __init__(self, source: str, *, action: str, key: str, value_name: str, value: str | None, table: str) -> None:
        self.action, self.key, self.value_name, self.value, self.table = action, key, value_name, value, table
        if value is None:
            found = f"this {value_name} (personal data, not shown)"
            add = f"its word under [maps.{table}]"
        else:
            found = f"{value_name} {value!r}"
            add = f'{_toml_key(value)} = "<your word>" under [maps.{table}]'
        super().__init__(
            source,
            f"{action}.body.{key}: [maps.{table}] has no word for {found}; add {add}, "
            f'or give {action}.body.{key} a default (with when_unmapped = "default") or when_unmapped = "omit"',
        )


def _toml_key(word: str) -> str:
    """A word as a TOML key: bare when it can be, quoted otherwise."""
    return (
        word
        if word.replace("_", "").replace("-", "").isalnum() and word.isascii()
        else json.dumps(word, ensure_ascii=False)
    )


@dataclass(frozen=True, slots=True)
class Batch:
    """One page of changes: what mapped, what did not, and the cursor after this page."""

    records: tuple[SourceComplaint, ...]
    rejected: tuple[Exception, ...]  # MappingErrors: skippable, reported, never fatal
    raw_count: int
    cursor: str | None = None  # resume here; None when the source gives no cursor
    # What a person must check although nothing failed (a full first page with no way to the
    # next one): the conformance check fails on these.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """A complaint to create in a source, in canonical values."""

    external_ref: str  # the gateway's id: how a retried create is recognised
    title: str
    content: str
    kode_wilayah: str
    created_at: datetime
    classification: Classification = Classification.PENGADUAN
    incident_date: date | None = None
    category_code: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    lapor_tracking_id: str | None = None
    agency_id: str | None = None  # the instansi it is routed to
    is_anonymous: bool = False
    is_secret: bool = False
    channel: Channel | None = None  # where it was written (kanal: web, app, SMS 1708, ...)
    # Only set when this destination may see who reported (docs/domain.md §1.6).
    reporter: Reporter | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Created:
    """What a source answered to a create."""

    source_id: str
    tracking_id: str | None = None  # the national tracking ID, when the source is LAPOR!
    transaction_id: str | None = None  # the legacy addstream's transaksiid
    replayed: bool = False  # the source recognised a retry and returned the original


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status to set on a source record."""

    external_ref: str  # the gateway's id of this change (for idempotency keys)
    status: Status
    reason: str | None = None
    unit: str | None = None  # the unit (OPD) disposed to, for DIDISPOSISIKAN


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A tindak lanjut (an agency's follow-up) or a reporter's reply, to add to a record."""

    external_ref: str
    text: str
    at: datetime
    author_agency: str | None = None
    from_reporter: bool = False


@runtime_checkable
class Connector(Protocol):
    """A source system as the sync engine sees it. Methods outside `capabilities` raise Unsupported."""

    @property
    def name(self) -> str:
        """The source's name, e.g. 16.05-musi-rawas."""
        ...

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this source supports."""
        ...

    @property
    def repeat_safe(self) -> frozenset[Capability]:
        """The writes the source recognises when repeated (idempotency key, unique field,
        or by nature, like setting a status); the others may be applied twice if resent."""
        ...

    def changes(self, since: str | None = None) -> AsyncIterator[Batch]:
        """Pages of records changed since a cursor (all records without one)."""
        ...

    async def read_one(self, source_id: str) -> SourceComplaint | None:
        """One record by the source's id, or None if the source has no such record."""
        ...

    async def create(self, complaint: NewComplaint) -> Created:
        """Create a record; a retry with the same external_ref must not create a second."""
        ...

    async def change_status(self, source_id: str, change: StatusChange) -> None:
        """Set a record's status."""
        ...

    async def add_follow_up(self, source_id: str, follow_up: FollowUp) -> None:
        """Add a follow-up (tindak lanjut) or reply to a record."""
        ...

    # What callers ask beyond the capabilities; `connectors.base.ConnectorBase` has the
    # cautious defaults.

    @property
    def spec(self) -> SourceSpec | None:
        """The mapping file behind this connector, if any."""
        ...

    @property
    def says_secret(self) -> bool:
        """Whether its records carry a secret (rahasia) flag."""
        ...

    @property
    def reads_follow_ups(self) -> bool:
        """Whether its records come with their follow-ups."""
        ...

    @property
    def takes_pushes(self) -> bool:
        """Whether it maps records pushed to the gateway (`map_body`)."""
        ...

    @property
    def circuit_state(self) -> str | None:
        """Its circuit breaker's state (closed, open, half_open); None without one."""
        ...

    def cursor_for(self, when: datetime) -> str | None:
        """A `changes` cursor for "changed since `when`"; None if the source cannot filter."""
        ...

    def status_as_read(self, status: Status) -> Status | None:
        """What a record set to `status` reads back as here; None if it has no word for it."""
        ...

    async def find(self, external_ref: str) -> str | None:
        """The id of the record created under `external_ref`; raises Unsupported where the
        source cannot be searched."""
        ...

    def map_body(self, body: bytes) -> tuple[list[SourceComplaint], list[MappingError]]:
        """Records pushed to the gateway in this source's format, mapped; raises Unsupported."""
        ...


def can_read_back(connector: Connector) -> bool:
    """Whether a record can be read back from this source at all (by id, or from its list)."""
    return bool({Capability.READ_ONE, Capability.LIST_CHANGES} & connector.capabilities)


async def read_back(connector: Connector, source_id: str) -> SourceComplaint | None:
    """The record as the source has it now: by id where it can, else found in its list
    (a whole read: for checks and in-doubt lookups, not for every delivery)."""
    if Capability.READ_ONE in connector.capabilities:
        return await connector.read_one(source_id)
    if Capability.LIST_CHANGES in connector.capabilities:
        async for batch in connector.changes():
            for record in batch.records:
                if record.source_id == source_id:
                    return record
    return None
