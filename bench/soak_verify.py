"""After the soak: wait for the outbox to drain, then look for every write of the run in
the index, in LAPOR! (the national simulator) and in its owner's kab/kota system.

Each write carries a unique marker in its text (see `bench.soak_traffic`), so it is found
by content wherever it went, whatever id each system gave it:
- the index: complaints (submissions), follow-ups and dispositions whose text holds it;
- LAPOR! and the readable kab/kota systems: read in full through the bundled mappings, as
  the worker reads them (records whose content holds it; follow-ups whose text does);
- a push-only system (`xml_stream`, no list to read): the submissions it holds
  (`GET /_sandbox/accepted`) whose text carries it.

An acknowledged write missing from a place it belongs is lost; a write (acknowledged or
not) found more than once in one place is stored twice. A write answered with an error
code but found in the index is an untrue answer. Dispositions are checked in the index
only: the regency dialects have no field that carries a disposition's note.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import aiohttp
import asyncpg

from bench.soak_ledger import Write
from bench.soak_stack import Sandbox
from connectors.bundled import bundled_spec
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.registry import NATIONAL_NAME
from connectors.sandbox.province import NATIONAL_SECRETS, SANDBOX_SECRETS

INDEX = "index"
# Answers that mean the gateway could not tell the outcome (the caller must look it up):
# such a write may or may not be applied, and either is true.
UNKNOWN_OUTCOMES = frozenset({"TIMEOUT", "DISCONNECTED", "CONNECT_FAILED", "UNFINISHED", "HTTP_502", "HTTP_504"})


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def outbox_backlog(database_url: str) -> dict[str, int]:
    """Outbox entries by state (pending, done, dead)."""
    conn = await asyncpg.connect(_dsn(database_url))
    try:
        rows = await conn.fetch("SELECT state, count(*) AS n FROM outbox GROUP BY state")
    finally:
        await conn.close()
    return {r["state"]: r["n"] for r in rows}


async def wait_for_drain(database_url: str, limit: float, note: Callable[[str], None]) -> tuple[float, dict[str, int]]:
    """Poll until no outbox entry is pending (twice in a row) or `limit` seconds pass;
    returns the time it took and the last counts."""
    began = time.monotonic()
    quiet = 0
    counts: dict[str, int] = {}
    while time.monotonic() - began < limit:
        try:
            counts = await outbox_backlog(database_url)
        except (OSError, asyncpg.PostgresError) as exc:
            note(f"  outbox: cannot read it yet ({type(exc).__name__})")
            counts = {}
        else:
            quiet = quiet + 1 if counts.get("pending", 0) == 0 else 0
            if quiet >= 2:
                break
        await asyncio.sleep(2.0)
    return time.monotonic() - began, counts


@dataclass(slots=True)
class Place:
    """What one place holds: how many times each marker appears, by kind of write."""

    complaints: Counter[str] = field(default_factory=Counter)
    follow_ups: Counter[str] = field(default_factory=Counter)
    dispositions: Counter[str] = field(default_factory=Counter)
    readable: bool = True

    def count(self, write: Write) -> int:
        if write.kind == "submit_complaint":
            return self.complaints[write.marker]
        if write.kind == "post_follow_up":
            return self.follow_ups[write.marker]
        return self.dispositions[write.marker]


def _markers(texts: Iterable[str | None], prefix: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for text in texts:
        if not text:
            continue
        start = text.find(prefix)
        while start != -1:
            end = start + len(prefix)
            while end < len(text) and text[end].isalnum():
                end += 1
            found[text[start:end]] += 1
            start = text.find(prefix, end)
    return found


async def read_index(database_url: str, prefix: str) -> Place:
    conn = await asyncpg.connect(_dsn(database_url))
    try:
        like = f"%{prefix}%"
        complaints = await conn.fetch("SELECT content FROM complaint WHERE content LIKE $1", like)
        follow_ups = await conn.fetch("SELECT content FROM follow_up WHERE content LIKE $1", like)
        dispositions = await conn.fetch("SELECT note FROM disposition WHERE note LIKE $1", like)
    finally:
        await conn.close()
    return Place(
        _markers((r["content"] for r in complaints), prefix),
        _markers((r["content"] for r in follow_ups), prefix),
        _markers((r["note"] for r in dispositions), prefix),
    )


async def read_source(
    http: aiohttp.ClientSession,
    spec_name: str,
    name: str,
    kode: str | None,
    url: str,
    secret: str,
    prefix: str,
) -> Place:
    spec = bundled_spec(spec_name)
    if kode is not None:
        spec = replace(spec, name=name, kode_wilayah=kode)
    source = build_source(spec, UpstreamClient(name, http, Policy()), url, secret=secret)
    # By id: should a record be updated during the read, a list ordered by update time
    # pages it twice; that is one record, not a write stored twice.
    contents: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    async for batch in source.changes():
        for record in batch.records:
            contents[record.source_id] = record.content
            for f in record.follow_ups:
                texts[(record.source_id, f.source_id)] = f.text
    return Place(_markers(contents.values(), prefix), _markers(texts.values(), prefix))


async def read_accepted(http: aiohttp.ClientSession, url: str, prefix: str) -> Place:
    """A push-only system: the creates it holds (its own store, not the received log,
    which keeps only the latest requests in a long run)."""
    async with http.get(f"{url}/_sandbox/accepted") as response:
        response.raise_for_status()
        accepted = await response.json()
    return Place(_markers([i["isi"] for i in accepted["items"]], prefix), Counter(), readable=False)


async def read_places(database_url: str, sandbox: Sandbox, prefix: str) -> dict[str, Place]:
    """The index, LAPOR! and every connected kab/kota system, by source name."""
    places = {INDEX: await read_index(database_url, prefix)}
    config = sandbox.config
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        if config.national.api == "v3":
            places[NATIONAL_NAME] = await read_source(
                http,
                "lapor_v3",
                NATIONAL_NAME,
                None,
                sandbox.urls[NATIONAL_NAME],
                NATIONAL_SECRETS["v3"],
                prefix,
            )
        else:  # the legacy API is push-only too
            places[NATIONAL_NAME] = await read_accepted(http, sandbox.urls[NATIONAL_NAME], prefix)
        for entry in config.connected:
            url = sandbox.urls[entry.source_name]
            if not entry.mapped:  # push-only: no list to read
                places[entry.source_name] = await read_accepted(http, url, prefix)
            else:
                places[entry.source_name] = await read_source(
                    http,
                    entry.dialect or "",
                    entry.source_name,
                    entry.kode_wilayah,
                    url,
                    SANDBOX_SECRETS[entry.dialect or ""],
                    prefix,
                )
    return places


@dataclass(slots=True)
class Verdict:
    """What the verification found."""

    writes: int = 0
    acked: int = 0
    acked_lost: int = 0
    stored_twice: int = 0
    untrue_errors: int = 0  # answered with an error code, yet applied
    lost_by_place: Counter[str] = field(default_factory=Counter)
    twice_by_place: Counter[str] = field(default_factory=Counter)
    acked_by_kind: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def example(self, text: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(text)


def expected_places(write: Write, sandbox: Sandbox) -> list[str]:
    """Where an acknowledged write belongs: the index always; LAPOR! and the owner for
    submissions and follow-ups (a push-only owner takes creates only)."""
    if write.kind == "dispose_complaint":
        return [INDEX]
    places = [INDEX, NATIONAL_NAME]
    owner = next((r for r in sandbox.config.connected if r.kode_wilayah == write.regency), None)
    if owner is not None and not (not owner.mapped and write.kind != "submit_complaint"):
        places.append(owner.source_name)
    return places


def judge(writes: list[Write], places: dict[str, Place], sandbox: Sandbox) -> Verdict:
    """Count lost, doubled and untrue writes."""
    verdict = Verdict(writes=len(writes))
    for write in writes:
        expected = expected_places(write, sandbox)
        counts = {name: places[name].count(write) for name in expected}
        twice = [name for name, n in counts.items() if n > 1]
        if twice:
            verdict.stored_twice += 1
            verdict.twice_by_place.update(twice)
            verdict.example(f"{write.kind} {write.marker} stored twice in {', '.join(twice)}: {counts}")
        if write.acked:
            verdict.acked += 1
            verdict.acked_by_kind[write.kind] += 1
            missing = [name for name, n in counts.items() if n == 0]
            if missing:
                verdict.acked_lost += 1
                verdict.lost_by_place.update(missing)
                verdict.example(f"{write.kind} {write.marker} acknowledged but missing in {', '.join(missing)}")
        elif write.sample.outcome not in UNKNOWN_OUTCOMES and counts[INDEX] > 0:
            verdict.untrue_errors += 1
            verdict.example(f"{write.kind} {write.marker} answered {write.sample.outcome} yet applied")
    return verdict
