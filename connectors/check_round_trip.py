"""The conformance check's write round trips: every declared write, read back and compared.

Two labelled test records are created with known values, so that each yes/no flag is
seen both ways (the first secret and not anonymous, the second the other way round: a
flag that is constant, or read from the other flag's key, cannot pass both). Each is read
back and every canonical value that [create] sends and the mapping reads is compared with
what was sent; a mismatch names the field, the value sent and the value read (personal
values masked). Then the first record's status is changed and a follow-up (tindak lanjut)
added, each read back: the status, and the follow-up's text and time.

A write that the connector cannot even build (a value with no word in an out-map) fails
here, naming the body key and the value: the sync engine would dead-letter every such
write.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import Enum
from typing import Literal

from connectors.check_mapping import Pair, picked_values, round_trip_pairs, spec_of, zone_of
from connectors.errors import ConnectorError
from connectors.failures import in_words
from connectors.protocol import (
    Capability,
    Connector,
    Created,
    FollowUp,
    NewComplaint,
    StatusChange,
    Unsupported,
    can_read_back,
    read_back,
)
from connectors.records import PERSONAL, SourceComplaint
from connectors.write_body import out_word
from schema.canonical import Reporter, Status

TEST_TITLE = "[TEST] Penghubung conformance check"
TEST_CONTENT = (
    "Uji koneksi Penghubung (connection test): this record was created by "
    "`penghubung connector check` and may be archived."
)
TEST_ADDRESS = "Alamat uji koneksi Penghubung (test address)"
TEST_FOLLOW_UP = "Tindak lanjut uji koneksi (test follow-up)."
# The gateway's own references are UUIDs and a mapping may accept only those, so a test
# record's is one too, starting 7e57c4ec: "test chec(k)" in hexadecimal.
TEST_REF_PREFIX = "7e57c4ec"
# Not anyone's data: a made-up reporter, so the reporter fields' mapping is compared too.
TEST_REPORTER = Reporter(name="Pelapor Uji Penghubung", email="uji.penghubung@example.invalid")
# A system that stamps its own receipt time is within this of the time sent; a wrong zone
# or a misread format is hours or days off.
TIME_SLACK = timedelta(seconds=60)
# Values the check sets itself; the other coded values come from the mapping's maps.
FIXED = frozenset(
    {
        "external_ref",
        "title",
        "content",
        "kode_wilayah",
        "created_at",
        "incident_date",
        "address",
        "is_anonymous",
        "is_secret",
        "lapor_tracking_id",
        "latitude",
        "longitude",
        *PERSONAL,
    }
)


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """The outcome of one write round trip."""

    capability: Capability
    ok: bool
    detail: str


def labelled_ref() -> str:
    """A fresh external_ref for a test record."""
    return TEST_REF_PREFIX + str(uuid.uuid4())[len(TEST_REF_PREFIX) :]


def labelled_records(
    connector: Connector, kode_wilayah: str, seen: Sequence[SourceComplaint]
) -> tuple[NewComplaint, NewComplaint]:
    """The two test complaints: known values, the flags one way and the other."""
    zone = zone_of(connector)
    now = datetime.now(UTC).replace(microsecond=0)
    picks: dict[str, object] = {}
    for name, word in picked_values(connector, seen, FIXED).items():
        if name not in NewComplaint.__dataclass_fields__:
            continue
        default = NewComplaint.__dataclass_fields__[name].default
        # Enum-typed values (classification) take the canonical member, the rest the word.
        # An out-map keyed by words that are no canonical value keeps the default: the
        # write then fails naming the key, which is the finding.
        try:
            picks[name] = type(default)(word) if isinstance(default, Enum) else word
        except ValueError:
            continue
    first = NewComplaint(
        external_ref=labelled_ref(),
        title=TEST_TITLE,
        content=TEST_CONTENT,
        kode_wilayah=kode_wilayah,
        created_at=now,
        incident_date=(now.astimezone(zone) - timedelta(days=3)).date(),
        address=TEST_ADDRESS,
        is_secret=True,
        is_anonymous=False,
        reporter=TEST_REPORTER,
        **picks,  # type: ignore[arg-type]  # picks holds the fields named by the source's own values
    )
    second = replace(first, external_ref=labelled_ref(), is_secret=False, is_anonymous=True, reporter=None)
    return first, second


def _value(thing: object, name: str) -> object:
    """A canonical value by name: reporter_x is the reporter's x."""
    if name in PERSONAL:
        reporter = getattr(thing, "reporter", None)
        return getattr(reporter, name.removeprefix("reporter_"), None) if reporter else None
    value = getattr(thing, name, None)
    return value.value if isinstance(value, Enum) else value


def _day(value: date | datetime, zone: timezone) -> date:
    return value.astimezone(zone).date() if isinstance(value, datetime) else value


def _midnight(value: datetime, zone: timezone) -> bool:
    return value.astimezone(zone).time() == time(0, 0)


def same(sent: object, read: object, *, exact: bool, date_only: bool, zone: timezone) -> bool:
    """Whether a value read back is the one sent, at the precision the source keeps."""
    if isinstance(sent, date) and isinstance(read, date):
        if not isinstance(sent, datetime) or not isinstance(read, datetime) or date_only or _midnight(read, zone):
            # A date, or a time the source keeps only to the day.
            return _day(sent, zone) == _day(read, zone)
        return abs(sent - read) <= TIME_SLACK
    if isinstance(sent, float) and isinstance(read, float | int):
        return abs(sent - read) < 1e-6
    if isinstance(sent, bool) or isinstance(read, bool):
        return sent is read
    if sent is None or read is None:
        return sent is read
    text, got = " ".join(str(sent).split()), " ".join(str(read).split())
    return text == got if exact else text in got


def _shown(name: str, value: object) -> str:
    if value is None:
        return "nothing"
    if name in PERSONAL:
        return "(a personal value, masked)"
    if isinstance(value, date):
        return value.isoformat()
    return repr(str(value)[:60]) if isinstance(value, str) else str(value)


def _same_code(connector: Connector, sent: str, found: SourceComplaint) -> bool:
    """Whether a category that reads back as another id still holds the very code sent:
    a parent's word that the system's read map files under a child. Only the same code is
    acceptable; any other is a mismatch."""
    spec = spec_of(connector)
    if spec is None or spec.writes.create is None or not found.category_code:
        return False
    for item in spec.writes.create.body:
        if item.value == "category_code" and item.map is not None:
            table = spec.maps[item.map]
            word = table.get(out_word(table, "category_code", sent))
            return word is not None and str(word) == found.category_code
    return False


def compare(connector: Connector, sent: NewComplaint, found: SourceComplaint, pairs: Sequence[Pair]) -> list[str]:
    """Each mismatch between a test record sent and read back: the field, sent and read."""
    zone = zone_of(connector)
    problems = []
    for pair in pairs:
        want, got = _value(sent, pair.name), _value(found, pair.read_name)
        holder = "reporter" if pair.name in PERSONAL else pair.name
        if want is None or not hasattr(found, holder):
            continue  # nothing was sent (absent values are left out), or records cannot hold it yet
        if not same(want, got, exact=pair.exact, date_only=pair.date_only, zone=zone):
            if pair.name == "category_code" and _same_code(connector, str(want), found):
                continue
            problems.append(f"{pair.name}: sent {_shown(pair.name, want)}, read back {_shown(pair.name, got)}")
    return problems


async def find_record(connector: Connector, source_id: str) -> SourceComplaint | Literal[False] | None:
    """The record as the source now has it; False when the source cannot be read at all."""
    return await read_back(connector, source_id) if can_read_back(connector) else False


def _not_sent(exc: Unsupported) -> str:
    return f"not sent: {exc.message}"


async def _create_one(
    connector: Connector, record: NewComplaint, pairs: Sequence[Pair]
) -> tuple[Created, list[str], str]:
    """Create one test record, read it back and compare; (created, problems, how it read back)."""
    created = await connector.create(record)
    found = await find_record(connector, created.source_id)
    if found is False:
        return created, [], "not read back (push only)"
    if found is None:
        return created, ["reading it back found nothing"], ""
    return created, compare(connector, record, found, pairs), f"read back as {found.status.value}"


async def create_trip(connector: Connector, records: Sequence[NewComplaint]) -> tuple[RoundTrip, str | None]:
    """Create the test records (the first twice where repeats are recognised); the first's id."""
    pairs = round_trip_pairs(connector)
    ids: list[str] = []
    problems: list[str] = []
    how = ""
    for number, record in enumerate(records):
        try:
            created, found, how_this = await _create_one(connector, record, pairs)
        except Unsupported as exc:
            which = "" if number == 0 else f"created {ids[0]}; the second test record "
            return RoundTrip(Capability.CREATE, False, f"{which}{_not_sent(exc)}"), None
        ids.append(created.source_id)
        problems += [p if number == 0 else f"{p} (second record)" for p in found]
        how = how or how_this
    ok = all(ids)
    detail = f"created {' and '.join(ids)}"
    if Capability.CREATE in connector.repeat_safe:
        again = await connector.create(records[0])
        ok = ok and again.source_id == ids[0]
        detail += (
            "; a repeat was recognised"
            if again.source_id == ids[0]
            else f"; but a repeat created another record ({again.source_id})"
        )
    else:
        detail += "; the source cannot recognise a repeated create (retries need a lookup first)"
    if problems:
        return RoundTrip(Capability.CREATE, False, f"{detail}; " + "; ".join(problems)), None
    if how.startswith("read back"):
        compared = ", ".join(p.name for p in pairs if any(_value(r, p.name) is not None for r in records))
        how += f"; as sent: {compared}" if compared else ""
    return RoundTrip(Capability.CREATE, ok, f"{detail}; {how}"), ids[0] if ok else None


def check_unit(connector: Connector, seen: Sequence[SourceComplaint]) -> str | None:
    """The OPD the status round trip disposes the test record to, picked like the test
    records' coded values: the first key of the out-map the change_status body sends `unit`
    through (so a correct mapping can express it); without a map, the OPD most records read
    are disposed to; None when the body sends no unit or nothing says one (an invented id
    fails a correct map)."""
    spec = spec_of(connector)
    if spec is not None and spec.writes.change_status is not None:
        sent = [item for item in spec.writes.change_status.body if item.value == "unit"]
        if not sent:
            return None  # the body sends no OPD: nothing to pick, nothing to compare
        if sent[0].map is not None:
            first = next(iter(spec.maps[sent[0].map]), None)
            # A bundled mapping keys its OPDs by "{kode_wilayah}-pupr": this source's own.
            return first.replace("{kode_wilayah}", spec.kode_wilayah) if first else None
    counts = Counter(r.disposed_to for r in seen if r.disposed_to)
    return counts.most_common(1)[0][0] if counts else None


async def status_trip(connector: Connector, source_id: str, ref: str, unit: str | None = None) -> RoundTrip:
    """Set DIDISPOSISIKAN (to `unit`) on the test record and read it back: the status, and
    the OPD where the mapping reads `disposed_to`."""
    target = Status.DIDISPOSISIKAN
    try:
        await connector.change_status(source_id, StatusChange(external_ref=f"{ref}:status", status=target, unit=unit))
    except Unsupported as exc:
        return RoundTrip(Capability.CHANGE_STATUS, False, _not_sent(exc))
    found = await find_record(connector, source_id)
    if found is False:
        return RoundTrip(Capability.CHANGE_STATUS, True, f"set {target.value}; not readable")
    now = found.status.value if found else "nothing"
    if found is None or found.status is not target:
        return RoundTrip(Capability.CHANGE_STATUS, False, f"set {target.value}, read back {now}")
    spec = spec_of(connector)
    if unit is None or spec is None or "disposed_to" not in spec.fields:
        return RoundTrip(Capability.CHANGE_STATUS, True, f"set {target.value}, read back {now}")
    mapped = spec.writes.change_status is not None and any(
        i.value == "unit" and i.map is not None for i in spec.writes.change_status.body
    )
    if found.disposed_to != unit and not mapped:
        # Sent as is, a registry id the system may keep under its own code: said, not failed.
        return RoundTrip(
            Capability.CHANGE_STATUS,
            True,
            f"set {target.value} to OPD {unit} (sent as is: no out-map), read back {now} with OPD "
            f"{found.disposed_to or 'none'}; give the body's unit a map to compare it",
        )
    if found.disposed_to != unit:
        return RoundTrip(
            Capability.CHANGE_STATUS,
            False,
            f"set {target.value} to OPD {unit}, read back {now} with OPD {found.disposed_to or 'none'}: "
            "check the map [change_status] body sends unit through and fields.disposed_to",
        )
    return RoundTrip(
        Capability.CHANGE_STATUS, True, f"set {target.value} to OPD {unit}, read back {now} with the same OPD"
    )


TEST_REPLY = "Tanggapan pelapor uji koneksi (test reply)."


async def follow_up_trip(
    connector: Connector, source_id: str, ref: str, *, unit: str | None = None, from_reporter: bool = False
) -> RoundTrip:
    """Add what the gateway really sends, read back its text and time (and who wrote it,
    where the mapping reads that): an agency's answer credited to `unit`, the OPD the
    record was disposed to, or with `from_reporter` the reporter's reply (no agency)."""
    zone = zone_of(connector)
    what = "the reporter's reply" if from_reporter else "the agency's answer" + (f" from OPD {unit}" if unit else "")
    text = TEST_REPLY if from_reporter else TEST_FOLLOW_UP
    key = "reply" if from_reporter else "tl"
    sent = FollowUp(
        external_ref=f"{ref}:{key}",
        text=text,
        at=datetime.now(UTC).replace(microsecond=0),
        author_agency=None if from_reporter else unit,
        from_reporter=from_reporter,
    )
    try:
        await connector.add_follow_up(source_id, sent)
    except Unsupported as exc:
        return RoundTrip(Capability.ADD_FOLLOW_UP, False, f"{what}: {_not_sent(exc)}")
    except ConnectorError as exc:
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            False,
            f"lifecycle step {'REPLY' if from_reporter else 'POST_FOLLOW_UP'} ({what}) was refused: {in_words(exc)}",
        )
    found = await find_record(connector, source_id)
    if found is False:
        return RoundTrip(Capability.ADD_FOLLOW_UP, True, f"added {what}; not readable")
    if found is None:
        return RoundTrip(Capability.ADD_FOLLOW_UP, False, f"added {what}, but the record is gone")
    if not connector.reads_follow_ups:
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            True,
            f"added {what}, record now {found.status.value}; its text is not verified "
            "(the mapping declares no [follow_ups] to read back)",
        )
    arrived = [f for f in found.follow_ups if f.text == sent.text]
    if not arrived:
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            False,
            f"sent {what}, but reading the record back does not show its text, record now {found.status.value}",
        )
    at = arrived[-1].at
    if not same(sent.at, at, exact=True, date_only=False, zone=zone):
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            False,
            f"added {what}, but its time reads back as {at.isoformat()} (sent {sent.at.isoformat()}): check the cast and time_zone of follow_ups.at",
        )
    spec = spec_of(connector)
    follow_ups = spec.follow_ups if spec is not None else None
    if follow_ups is not None and follow_ups.author is not None and arrived[-1].by_reporter is not from_reporter:
        read = "the reporter's reply" if arrived[-1].by_reporter else "an agency's answer"
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            False,
            f"added {what}, but it reads back as {read}: check the [follow_up] body and follow_ups.author",
        )
    if unit and follow_ups is not None and follow_ups.agency is not None and arrived[-1].agency != unit:
        return RoundTrip(
            Capability.ADD_FOLLOW_UP,
            False,
            f"added {what}, but it reads back from OPD {arrived[-1].agency or 'none'}: "
            "check the map the [follow_up] body sends author_agency through and follow_ups.agency",
        )
    return RoundTrip(
        Capability.ADD_FOLLOW_UP, True, f"added {what} and read back (text and time), record now {found.status.value}"
    )


__all__ = [
    "TEST_CONTENT",
    "TEST_TITLE",
    "RoundTrip",
    "create_trip",
    "find_record",
    "follow_up_trip",
    "labelled_records",
    "same",
    "status_trip",
]
