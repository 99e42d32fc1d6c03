"""What the conformance check learns from a connector's mapping file, when it has one.

The check compares values by their canonical names, so whatever a mapping reads and its
[create] sends is compared, including fields added to the canonical records later: the
pairs come from the mapping's own specs, never from a list kept here. A connector without
a mapping file (the legacy national addstream) gets the fallbacks.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timezone

from connectors.accepts import never_sent
from connectors.protocol import Connector
from connectors.records import SourceComplaint
from connectors.spec_types import SourceSpec
from connectors.time_formats import ZONES
from connectors.write_body import out_word
from schema.canonical import Status
from schema.regions import WIB


@dataclass(frozen=True, slots=True)
class Pair:
    """One canonical value the create sends and the read maps back: compared after a create."""

    name: str
    exact: bool  # False when it is sent inside a template: the read value must contain it
    date_only: bool  # the write or the read keeps only the day
    read_as: str = ""  # the read field it comes back in, when its name differs

    @property
    def read_name(self) -> str:
        """The canonical field the value is read back from."""
        return self.read_as or self.name


# A create sends the registry's category id (through the out-map to the source's code);
# the read side maps the source's code back to the registry's id as category_id, and
# keeps the source's own code as category_code. Compare like with like.
_READ_AS = {"category_code": ("category_id", "category_code")}


# What the gateway puts into a create's value, by value name, when a record's field of
# that name means something else: the sync sends the registry's category id as
# category_code (gateway.sync.deliver), while a read record's category_code is the
# source's own code.
SENT_FROM = {"category_code": "category_id"}


def _read_name(name: str, reads: frozenset[str]) -> str | None:
    return next((r for r in _READ_AS.get(name, (name,)) if r in reads), None)


def spec_of(connector: Connector) -> SourceSpec | None:
    """The mapping file behind a connector (an HttpSource), or None."""
    return connector.spec


def zone_of(connector: Connector) -> timezone:
    """The source's own time zone (dates are days there), WIB without a mapping."""
    spec = spec_of(connector)
    return ZONES.get(spec.time_zone, WIB) if spec else WIB


def since_param(connector: Connector) -> str:
    """How the incremental read's parameter is named, for messages."""
    spec = spec_of(connector)
    return (spec.request.since_param if spec else None) or "since"


def read_fields(connector: Connector) -> frozenset[str] | None:
    """The canonical fields the mapping reads from each record (not constants); None without a mapping."""
    spec = spec_of(connector)
    if spec is None:
        return None
    reads = {name for name, f in spec.fields.items() if f.path is not None}
    if spec.attachments is not None:
        reads.add("attachments")  # counted like a field: how many records have files
    return frozenset(reads)


def round_trip_pairs(connector: Connector) -> list[Pair]:
    """Every canonical value that [create] sends and the mapping reads from the record."""
    spec = spec_of(connector)
    if spec is None or spec.writes.create is None:
        return [Pair("content", exact=False, date_only=False)]
    reads = read_fields(connector) or frozenset()
    pairs: dict[str, Pair] = {}
    for item in spec.writes.create.body:
        if item.value is not None:
            names, exact = [item.value], True
        elif item.template is not None:
            names = [n for _, n, _, _ in string.Formatter().parse(item.template) if n]
            exact = False
        else:
            continue
        for name in names:
            read_name = _read_name(name, reads)
            if read_name is None:
                continue
            date_only = item.cast == "date" or spec.fields[read_name].cast == "date"
            known = pairs.get(name)
            # Sent twice (a key of its own and inside a template): the exact key decides.
            pairs[name] = Pair(
                name,
                exact=exact or (known is not None and known.exact),
                date_only=date_only or (known is not None and known.date_only),
                read_as="" if read_name == name else read_name,
            )
    return list(pairs.values())


def _first_common_key(tables: list[Mapping[str, str]]) -> str | None:
    for key in tables[0]:
        if all(key in t for t in tables[1:]):
            return key
    return next(iter(tables[0]), None)


def known_categories(spec: SourceSpec) -> set[str]:
    """The category ids the mapping knows: its out-maps' keys and what its read map gives."""
    known: set[str] = set()
    field = spec.fields.get("category_id")
    if field is not None and field.map is not None:
        known.update(spec.maps.get(field.map, {}).values())
    if spec.writes.create is not None:
        for item in spec.writes.create.body:
            if item.value == "category_code" and item.map is not None:
                known.update(spec.maps[item.map])
    return known


def _leaf_category(spec: SourceSpec, tables: list[Mapping[str, str]]) -> str | None:
    """The first out-map key that is a leaf of the category tree (no known id below it):
    a parent's word stands for its children, so a parent sent reads back as the child the
    system files it under, which a correct mapping cannot avoid."""
    known = known_categories(spec)
    for key in tables[0]:
        if all(key in t for t in tables[1:]) and not any(k.startswith(f"{key}.") for k in known):
            return key
    return None


def picked_values(connector: Connector, records: Iterable[SourceComplaint], fixed: Iterable[str]) -> dict[str, str]:
    """Values for the test records' coded fields (category, agency/OPD, classification...),
    by canonical name: the first key of the out-map the create sends them through, so a
    correct mapping can express them; without a map, the value most records of the source
    carry (a code the system knows). `fixed` are the names the check sets itself."""
    spec = spec_of(connector)
    if spec is None or spec.writes.create is None:
        return {}
    tables: dict[str, list[Mapping[str, str]]] = {}
    plain: set[str] = set()
    for item in spec.writes.create.body:
        if item.value is None or item.value in fixed:
            continue
        if item.map is not None:
            tables.setdefault(item.value, []).append(spec.maps[item.map])
        else:
            plain.add(item.value)
    picks = {name: key for name, ts in tables.items() if (key := _first_common_key(ts)) is not None}
    if "category_code" in tables:
        leaf = _leaf_category(spec, tables["category_code"])
        if leaf is not None:
            picks["category_code"] = leaf
    # Without a map only codes are taken from the records (a category, an agency or unit):
    # never a record's own identity, like another complaint's tracking ID.
    coded = {n for n in plain - set(picks) if n.endswith(("_code", "_id", "unit")) and n not in fixed}
    seen: dict[str, Counter[str]] = {name: Counter() for name in coded}
    for record in records:
        for name, counter in seen.items():
            # What production sends under this name (a create's category_code is the
            # registry's category id), not the record's field of the same name.
            value = getattr(record, SENT_FROM.get(name, name), None)
            if isinstance(value, str) and value:
                counter[value] += 1
    picks.update({name: c.most_common(1)[0][0] for name, c in seen.items() if c})
    return picks


def unexpressed(connector: Connector, name: str, values: Iterable[str]) -> tuple[str, list[str]] | None:
    """(out-map, values) of the values the gateway would send as `name` (for category_code,
    the registry's category ids read from the source, see SENT_FROM) that its [create]
    out-map has no word for and no fallback: complaints with them could not be created there."""
    spec = spec_of(connector)
    if spec is None or spec.writes.create is None:
        return None
    for item in spec.writes.create.body:
        # A default (or leaving the key out) is the mapping's own answer for such values.
        if item.value == name and item.map is not None and item.when_unmapped == "fail":
            table = spec.maps[item.map]
            missing = sorted({v for v in values if v and out_word(table, name, v) not in table})
            return (item.map, missing) if missing else None
    return None


def _created_past_new(spec: SourceSpec) -> str | None:
    """A [create] that sends a constant status reading as further along than new: every
    complaint the gateway creates there would skip a step (verified with no one verifying)."""
    field = spec.fields.get("status")
    create = spec.writes.create
    if field is None or field.path is None or create is None:
        return None
    item = next((b for b in create.body if b.key == field.path and b.const is not None), None)
    if item is None:
        return None
    word = str(item.const)
    read = spec.maps.get(field.map, {}).get(word) if field.map else word
    if read is None or read in (Status.SUBMITTED.value, Status.BELUM_TERVERIFIKASI.value):
        return None
    return (
        f"[create] sends {field.path} = {word!r} (read as {read}) on every new complaint: each one would"
        f" start as {read} without anyone taking that step; leave it out and give the step a word"
        " in the [change_status] out-map, so the gateway sends it when it happens"
    )


def write_warnings(connector: Connector) -> list[str]:
    """What the mapping will never write, known from the file alone: statuses its
    [change_status] has no word for (the sync never queues them, so the regency's system
    silently keeps an older status) and, without a [create], the complaints LAPOR! routes
    to the regency."""
    spec = spec_of(connector)
    if spec is None:
        return []
    warnings: list[str] = []
    unsent = never_sent(spec)
    change = spec.writes.change_status
    table = next((b.map for b in change.body if b.value == "status"), None) if change else None
    if unsent and table is not None:
        names = ", ".join(s.value for s in unsent)
        warnings.append(f"change_status never sends: {names} (no word in [maps.{table}]; add one, or a default)")
    skipped = _created_past_new(spec)
    if skipped is not None:
        warnings.append(skipped)
    if spec.writes.create is None:
        warnings.append(
            "no [create]: complaints LAPOR! routes to this regency will not be created in its system"
            " (add a [create] section to receive them)"
        )
    return warnings
