"""Chaos: about 2,000 complaints with follow-ups and status changes, created across five
regency simulators and the national one, while worker processes are killed with SIGKILL
at random moments, simulators go down and come back, and outbox deliveries are duplicated
and reordered. After recovery every record exists exactly once wherever it belongs,
statuses agree, follow-ups arrived once, the outbox holds nothing but dead letters with
reasons, and an anonymous reporter's canary values reached no regency system.

PostgreSQL runs two workers, SQLite one (its supported setup). CHAOS_COMPLAINTS scales it.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from tortoise.exceptions import OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from connectors.bundled import bundled_spec
from connectors.http import Policy, UpstreamClient
from connectors.loader import build_source
from connectors.sandbox import Simulator
from connectors.sandbox.lapor_national import DEFAULT_API_KEY, LaporNational
from connectors.sandbox.legacy_sql import LegacySql
from connectors.sandbox.province import SANDBOX_SECRETS
from connectors.sandbox.rest_json_v1 import RestJsonV1
from connectors.sandbox.runner import serve_all
from connectors.sandbox.wa_bot_mongo import WaBotMongo
from connectors.source import HttpSource
from gateway.store.models import ComplaintRow, ComplaintSourceRow, FollowUpRow, OutboxRow, SyncCursorRow
from gateway.store.writer import insert_complaints
from gateway.sync.propagate import announce_new
from gateway.sync.topology import Topology
from schema.canonical import Location, Reporter, SourceRef, Status, StatusEvent
from schema.regions import children
from tests.factories import make_complaint

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

TOTAL = int(os.environ.get("CHAOS_COMPLAINTS", "2000"))
SETTLE_LIMIT = float(os.environ.get("CHAOS_SETTLE_SECONDS", "240"))
CHAOS_AFTER_LOAD = float(os.environ.get("CHAOS_SECONDS", "30"))  # chaos goes on while the sync catches up
REGENCIES = {
    "16.01-ogan-komering-ulu": ("16.01", "rest_json_v1"),
    "16.71-kota-palembang": ("16.71", "rest_json_v1"),
    "16.05-musi-rawas": ("16.05", "wa_bot_mongo"),
    "16.73-kota-lubuk-linggau": ("16.73", "wa_bot_mongo"),
    "16.09-ogan-komering-ulu-selatan": ("16.09", "legacy_sql"),
}
PATIENT = aiohttp.ClientTimeout(total=60)
CANARY = Reporter(
    name="Kanari Rahasia Tujuhtiga", nik="1605014107900077", phone="+6281299997373", email="kanari.73@example.id"
)
CANARY_VALUES = ("Kanari Rahasia", "1605014107900077", "6281299997373", "kanari.73@example.id")
VISIBLE = Reporter(name="Warga Terbuka Limalima", phone="+6281255550055")


def _sources_file(tmp: Path, urls: dict[str, str]) -> Path:
    lines = [
        '[province]\nkode_wilayah = "16"\n',
        f'[national]\napi = "v3"\nurl = "{urls["lapor"]}"\nsecret_env = "CHAOS_LAPOR_KEY"\n',
    ]
    connected = {code: (name, dialect) for name, (code, dialect) in REGENCIES.items()}
    for code in (
        "16.01",
        "16.02",
        "16.03",
        "16.04",
        "16.05",
        "16.06",
        "16.07",
        "16.08",
        "16.09",
        "16.10",
        "16.11",
        "16.12",
        "16.13",
        "16.71",
        "16.72",
        "16.73",
        "16.74",
    ):
        if code in connected:
            name, dialect = connected[code]
            lines.append(
                f'[[regency]]\nkode_wilayah = "{code}"\ndialect = "{dialect}"\nurl = "{urls[name]}"\n'
                f'secret_env = "CHAOS_{dialect.upper()}_KEY"\n'
            )
        else:
            lines.append(f'[[regency]]\nkode_wilayah = "{code}"\nconnected = false\n')
    path = tmp / "sources.toml"
    path.write_text("\n".join(lines))
    return path


@dataclass
class Workers:
    """Worker processes, killed and restarted at will."""

    count: int
    env: dict[str, str]
    cwd: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    kills: int = 0
    last_kill: float = 0.0

    def _start(self, index: int) -> subprocess.Popen[bytes]:
        log = open(self.cwd / f"worker-{index}.log", "ab")  # noqa: SIM115 (kept open with the process)
        return subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "worker", "--log-level", "warning"],
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start(self) -> None:
        self.procs = [self._start(i) for i in range(self.count)]

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(self.count)
        self.procs[index].send_signal(signal.SIGKILL)
        self.procs[index].wait()
        self.kills += 1
        self.last_kill = time.monotonic()
        self.procs[index] = self._start(index)

    def stop(self) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)


class Load:
    """Creates and changes records in the simulators over HTTP, as their own users would,
    retrying what a fault refused (the simulators fault before applying anything). It never
    gives up waiting on an answer: a write it stopped waiting for may still be applied, and
    sending it again would double it in the systems without idempotency (a hang fault
    answers once it is cleared)."""

    def __init__(self, http: aiohttp.ClientSession, urls: dict[str, str]) -> None:
        self.http, self.urls = http, urls

    async def call(self, method: str, url: str, **kwargs: object) -> dict[str, object]:
        for _ in range(200):
            try:
                async with self.http.request(method, url, timeout=PATIENT, **kwargs) as r:  # type: ignore[arg-type]
                    if r.status < 300:
                        return await r.json()  # type: ignore[no-any-return]
                    if r.status < 500 and r.status != 429:
                        raise AssertionError(f"{method} {url} answered {r.status}: {await r.text()}")
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"{method} {url} never succeeded")

    async def create(self, name: str, dialect: str, n: int) -> str:
        base = self.urls[name]
        text = f"Keluhan nomor {n} di {name}: jalan rusak, mohon diperbaiki."
        if dialect == "rest_json_v1":
            body = await self.call(
                "POST",
                f"{base}/api/reports",
                json={"title": f"Jalan rusak {n}", "description": text, "location": "Desa"},
                headers={"Authorization": f"Bearer {SANDBOX_SECRETS[dialect]}", "Idempotency-Key": f"load-{name}-{n}"},
            )
            return str(body["id"])
        if dialect == "wa_bot_mongo":
            url, headers = f"{base}/reports", {"x-api-key": SANDBOX_SECRETS[dialect]}
            for _ in range(200):
                try:
                    async with self.http.post(
                        url,
                        json={"sessionId": f"load-{name}-{n}", "message": text, "from": "628120000000"},
                        headers=headers,
                        timeout=PATIENT,
                    ) as r:
                        if r.status in (201, 409):
                            return str((await r.json())["_id"])
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.1)
            raise AssertionError("wa create never succeeded")
        # legacy_sql: no idempotency; its faults come before the handler, so a refused post did nothing.
        body = await self.call(
            "POST", f"{base}/import/pengaduan?key={SANDBOX_SECRETS[dialect]}", data={"nik": "", "isi_laporan": text}
        )
        return str(body["id_pengaduan"])

    async def national(self, n: int, agency: str, kode: str) -> str:
        body = await self.call(
            "POST",
            f"{self.urls['lapor']}/api/v3/laporan",
            json={
                "classification_id": 1,
                "title": f"Laporan nasional {n}",
                "content": f"Laporan nasional nomor {n}.",
                "location_id": kode,
                "institution_id": agency,
            },
            headers={"X-Api-Key": DEFAULT_API_KEY, "Idempotency-Key": f"load-national-{n}"},
        )
        return str(body["tracking_id"])

    async def regency_status(self, name: str, dialect: str, sid: str, rng: random.Random) -> None:
        base, secret = self.urls[name], SANDBOX_SECRETS[dialect]
        if dialect == "rest_json_v1":
            await self.call(
                "POST",
                f"{base}/api/reports/{sid}/status",
                json={"status": rng.choice(["PROSES", "SELESAI"])},
                headers={"Authorization": f"Bearer {secret}"},
            )
        elif dialect == "wa_bot_mongo":
            await self.call(
                "PATCH",
                f"{base}/reports/{sid}/tindakan",
                json={"status": rng.choice(["Proses OPD Terkait", "Selesai Penanganan", "Selesai Pengaduan"])},
                headers={"x-api-key": secret},
            )
        else:
            await self.call(
                "POST",
                f"{base}/import/status?key={secret}",
                data={"id_pengaduan": sid, "status": rng.choice(["proses", "selesai"])},
            )

    async def regency_follow_up(self, name: str, dialect: str, sid: str, text: str) -> None:
        base, secret = self.urls[name], SANDBOX_SECRETS[dialect]
        if dialect == "rest_json_v1":
            await self.call(
                "POST",
                f"{base}/api/reports/{sid}/comments",
                json={"comment": text, "role": "OPD"},
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": f"fu-{sid}"},
            )
        elif dialect == "wa_bot_mongo":
            await self.call(
                "PATCH", f"{base}/reports/{sid}/tindakan", json={"kesimpulan": text}, headers={"x-api-key": secret}
            )
        else:
            await self.call(
                "POST",
                f"{base}/import/tanggapan?key={secret}",
                data={"id_pengaduan": sid, "tanggapan": text, "id_petugas": "2"},
            )

    async def national_status(self, tracking_id: str, rng: random.Random) -> None:
        await self.call(
            "PUT",
            f"{self.urls['lapor']}/api/v3/laporan/{tracking_id}/status",
            json={"status": rng.choice(["TERVERIFIKASI", "DIDISPOSISIKAN", "SELESAI"])},
            headers={"X-Api-Key": DEFAULT_API_KEY},
        )

    async def national_follow_up(self, tracking_id: str, text: str) -> None:
        await self.call(
            "POST",
            f"{self.urls['lapor']}/api/v3/laporan/{tracking_id}/tindak-lanjut",
            json={"content": text},
            headers={"X-Api-Key": DEFAULT_API_KEY, "Idempotency-Key": f"fu-{tracking_id}"},
        )


async def _chaos(
    sims: dict[str, Simulator], workers: Workers, stop: asyncio.Event, rng: random.Random, counts: Counter[str]
) -> None:
    """Kill workers, break simulators, duplicate and reorder deliveries, until `stop`."""
    names = list(sims)
    for turn in itertools.count():
        if stop.is_set():
            return
        action = ("fault", "duplicate", "kill", "fault")[turn % 4]
        if action == "kill" and time.monotonic() - workers.last_kill > 2.0:
            workers.kill_one(rng)
            counts["kills"] += 1
        elif action == "fault":
            sim = sims[rng.choice(names)]
            fault = rng.choice(
                [
                    {"down": "503"},
                    {"down": "close"},
                    {"error_rate": 0.3, "seed": rng.randrange(99)},
                    {"latency_ms": 300},
                    {"timeout": True},
                ]
            )
            sim.faults.set(**fault)
            counts["faults"] += 1
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            sim.faults.clear()
        elif action == "duplicate":
            for _ in range(5):
                try:
                    await _duplicate(rng, counts)
                    break
                except (OperationalError, TransactionManagementError, asyncpg.PostgresError):
                    # The test's own writes lost to a worker's (a lock, a deadlock victim): again.
                    await asyncio.sleep(0.2)
            counts["reorders"] += 1
        try:
            await asyncio.wait_for(stop.wait(), timeout=rng.uniform(0.2, 0.8))
        except TimeoutError:
            pass


async def _duplicate(rng: random.Random, counts: Counter[str]) -> None:
    """Copies of pending deliveries (as if sent twice), due at once: out of their order."""
    async with in_transaction():
        pending = await OutboxRow.filter(state="pending").limit(200)
        for entry in rng.sample(pending, min(10, len(pending))):
            now = datetime.now(UTC)
            await OutboxRow.create(
                destination=entry.destination,
                kind=entry.kind,
                complaint_id=entry.complaint_id,  # type: ignore[attr-defined]
                dedupe_key=f"{entry.dedupe_key}:dup{uuid.uuid4().hex[:6]}",
                payload=entry.payload,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            counts["duplicates"] += 1
        for entry in rng.sample(pending, min(30, len(pending))):
            # Shuffled: due at random earlier moments, so the order of delivery is not the order of change.
            await OutboxRow.filter(id=entry.id).update(
                next_attempt_at=datetime.now(UTC) - timedelta(seconds=rng.uniform(0, 60))
            )


async def _settle(workers: Workers, limit: float) -> float:
    """Wait until the workers have pulled every source since the chaos ended, nothing is
    pending, and another full pull round after that adds no deliveries; returns how long."""
    started, quiet_rounds = time.monotonic(), 0
    while time.monotonic() - started < limit:
        assert workers.alive(), "a worker died on its own"
        mark, total = datetime.now(UTC), await OutboxRow.all().count()
        while time.monotonic() - started < limit:
            cursors = await SyncCursorRow.all()
            pulled = len(cursors) >= 6 and all(c.last_success_at and c.last_success_at > mark for c in cursors)
            if pulled and await OutboxRow.filter(state="pending").count() == 0:
                break
            await asyncio.sleep(0.5)
        quiet_rounds = quiet_rounds + 1 if await OutboxRow.all().count() == total else 0
        if quiet_rounds >= 2:
            return time.monotonic() - started
    cursors = [(c.source, c.last_success_at, c.consecutive_failures, c.last_error) for c in await SyncCursorRow.all()]
    raise AssertionError(
        f"not settled after {limit:.0f} s: {await OutboxRow.filter(state='pending').count()} pending, "
        f"{await OutboxRow.all().count()} entries, quiet rounds {quiet_rounds}, cursors {cursors}"
    )


async def _all(source: HttpSource) -> dict[str, object]:
    records, rejected = {}, []
    async for batch in source.changes():
        records.update({r.source_id: r for r in batch.records})
        rejected.extend(batch.rejected)
    assert not rejected, f"{source.name}: records that do not map: {rejected[:3]}"
    return records


async def _trail(sim: Simulator, name: str, cid: str, text: str, source_id: str) -> str:
    """How a follow-up reached a destination: its outbox entries and the requests that
    carried it (times, answers, faults), for a failure's message."""
    entries = await OutboxRow.filter(complaint_id=cid, destination=name, kind="follow_up").values_list(
        "id", "dedupe_key", "state", "attempts", "in_doubt", "last_error", "updated_at"
    )
    sent = [(e.method, e.at, e.status, e.fault) for e in sim.received.entries if text in e.body]
    return f"entries {entries}; requests {sent}"


@pytest.fixture
async def province(tmp_path: Path) -> AsyncIterator[tuple[dict[str, Simulator], dict[str, str]]]:
    sims: dict[str, Simulator] = {"lapor": LaporNational(seed_count=0)}
    for name, (code, dialect) in REGENCIES.items():
        kind = {"rest_json_v1": RestJsonV1, "wa_bot_mongo": WaBotMongo, "legacy_sql": LegacySql}[dialect]
        sims[name] = kind(kode_wilayah=code, seed_count=0, seed=len(sims))  # type: ignore[abstract]
    async with serve_all(sims) as urls:
        yield sims, urls


async def test_chaos(database_url: str, province: tuple[dict[str, Simulator], dict[str, str]], tmp_path: Path) -> None:
    sims, urls = province
    rng = random.Random(7)
    postgres = database_url.startswith("postgres")
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith(("PENGHUBUNG_", "DATABASE_URL"))}
        | {
            "DATABASE_URL": database_url,
            "PENGHUBUNG_SOURCES": str(_sources_file(tmp_path, urls)),
            "PENGHUBUNG_AUTO_CLOSE": "0",
            "PENGHUBUNG_SYNC_PULL_SECONDS": "1",
            "PENGHUBUNG_SYNC_BACKOFF_MAX": "1",
            "PENGHUBUNG_SYNC_MAX_ATTEMPTS": "60",
            "PENGHUBUNG_UPSTREAM_TIMEOUT": "2",
            "PENGHUBUNG_CIRCUIT_OPEN_SECONDS": "1",
            "PENGHUBUNG_SYNC_LEASE_SECONDS": "8",
            "CHAOS_LAPOR_KEY": DEFAULT_API_KEY,
        }
        | {f"CHAOS_{d.upper()}_KEY": SANDBOX_SECRETS[d] for d in ("rest_json_v1", "wa_bot_mongo", "legacy_sql")}
    )
    topology = Topology("lapor", {code: name for name, (code, _) in REGENCIES.items()})

    # Two complaints submitted through the gateway: one anonymous with canary values, one not.
    canary, visible = make_complaint(), make_complaint()
    async with in_transaction():
        for complaint, reporter, anonymous in ((canary, CANARY, True), (visible, VISIBLE, False)):
            stored = replace(
                complaint,
                id=str(uuid.uuid4()),
                tracking_id=f"PGH-CHAOS{int(anonymous)}",
                reporter=reporter,
                is_anonymous=anonymous,
                is_secret=False,
                status=Status.BELUM_TERVERIFIKASI,
                routed_agency_id="pemkab-16.01",
                location=Location(children("16.01")[0].code),
                follow_ups=(),
                replies=(),
                dispositions=(),
                status_history=(StatusEvent(Status.BELUM_TERVERIFIKASI, complaint.created_at),),
                sources=(SourceRef("penghubung", f"PGH-CHAOS{int(anonymous)}"),),
                rating=None,
            )
            await insert_complaints([stored])
            await announce_new(stored.id, regency_code="16.01", origin=None, topology=topology, now=datetime.now(UTC))

    workers = Workers(2 if postgres else 1, env, tmp_path)
    workers.start()
    stop, counts = asyncio.Event(), Counter[str]()
    chaos = asyncio.create_task(_chaos(sims, workers, stop, rng, counts))
    started = time.monotonic()
    regency_records: dict[str, list[str]] = {name: [] for name in REGENCIES}
    national_records: dict[str, str] = {}  # tracking id -> where it is routed (kode)
    try:
        async with aiohttp.ClientSession() as http:
            load = Load(http, urls)
            per_regency = TOTAL * 4 // 5 // len(REGENCIES)
            national_count = TOTAL - per_regency * len(REGENCIES)
            targets = [(f"pemkab-{code}", children(code)[0].code) for code, _ in [*REGENCIES.values(), ("16.08", "")]]

            async def make_regency(name: str, dialect: str) -> None:
                for n in range(per_regency):
                    regency_records[name].append(await load.create(name, dialect, n))

            async def make_national() -> None:
                for n in range(national_count):
                    agency, kode = targets[n % len(targets)]
                    national_records[await load.national(n, agency, kode)] = kode[:5]

            await asyncio.gather(*(make_regency(n, d) for n, (_, d) in REGENCIES.items()), make_national())
            # Changes where each record was made, while the sync is still catching up.
            changes = []
            for name, (_, dialect) in REGENCIES.items():
                for sid in rng.sample(regency_records[name], len(regency_records[name]) // 2):
                    changes.append(load.regency_status(name, dialect, sid, rng))
                for sid in rng.sample(regency_records[name], len(regency_records[name]) // 4):
                    changes.append(
                        load.regency_follow_up(name, dialect, sid, f"Tindak lanjut {name} {sid}: sudah diperbaiki.")
                    )
            for tid in rng.sample(sorted(national_records), len(national_records) // 2):
                changes.append(load.national_status(tid, rng))
            for tid in rng.sample(sorted(national_records), len(national_records) // 4):
                changes.append(load.national_follow_up(tid, f"Tindak lanjut nasional {tid}."))
            rng.shuffle(changes)
            for i in range(0, len(changes), 50):
                await asyncio.gather(*changes[i : i + 50])
            # Changes from the other side, once the sync has linked the records.
            await asyncio.sleep(5)
            crossing = await ComplaintSourceRow.filter(system="lapor").limit(200)
            for link in rng.sample(crossing, min(100, len(crossing))):
                await load.national_follow_up(link.source_id, f"Balasan nasional {link.source_id}.")
        await asyncio.sleep(CHAOS_AFTER_LOAD)
    finally:
        stop.set()
        await chaos
        for sim in sims.values():
            sim.faults.clear()
    took_load = time.monotonic() - started
    try:
        settled = await _settle(workers, SETTLE_LIMIT)
    finally:
        workers.stop()
    print(f"\nchaos: {TOTAL} complaints, {dict(counts)}, load {took_load:.0f} s, settled in {settled:.0f} s")
    dead = await OutboxRow.filter(state="dead")
    reasons = Counter(f"{d.kind} {d.destination}: {(d.last_error or '')[:80]}" for d in dead)
    print(f"chaos: {len(dead)} dead letters: {reasons.most_common(5)}")

    # -- every record exactly once where it belongs -----------------------------------
    async with aiohttp.ClientSession() as http:
        readers = {}
        for name, (code, dialect) in REGENCIES.items():
            spec = replace(bundled_spec(dialect), name=name, kode_wilayah=code)
            readers[name] = build_source(
                spec, UpstreamClient(name, http, Policy()), urls[name], secret=SANDBOX_SECRETS[dialect]
            )
        national_spec = bundled_spec("lapor_v3")
        readers["lapor"] = build_source(
            national_spec, UpstreamClient("lapor", http, Policy()), urls["lapor"], secret=DEFAULT_API_KEY
        )
        listed = {name: await _all(reader) for name, reader in readers.items()}

    for name, records in listed.items():
        links = dict(await ComplaintSourceRow.filter(system=name).values_list("source_id", "complaint_id"))
        unlinked, gone = sorted(set(records) - set(links)), sorted(set(links) - set(records))
        assert not unlinked and not gone, f"{name}: not linked {unlinked[:5]}, linked but absent {gone[:5]}"
        refs = Counter(r.external_ref for r in records.values() if r.external_ref)  # type: ignore[attr-defined]
        assert not [ref for ref, n in refs.items() if n > 1], f"{name} holds a complaint twice"
    complaints = {str(c.id): c for c in await ComplaintRow.all()}
    links_by_complaint: dict[str, set[str]] = {}
    for cid, system in await ComplaintSourceRow.all().values_list("complaint_id", "system"):
        links_by_complaint.setdefault(str(cid), set()).add(system)
    for name in REGENCIES:
        for sid in regency_records[name]:
            cid = str((await ComplaintSourceRow.get(system=name, source_id=sid)).complaint_id)  # type: ignore[attr-defined]
            assert "lapor" in links_by_complaint[cid], f"{name}/{sid} never reached the national system"
    for tid, kode in national_records.items():
        cid = str((await ComplaintSourceRow.get(system="lapor", source_id=tid)).complaint_id)  # type: ignore[attr-defined]
        home = topology.regency_system(kode)
        expected = {"lapor", home} if home else {"lapor"}
        assert links_by_complaint[cid] == expected, (
            f"national {tid}: held by {links_by_complaint[cid]}, expected {expected}"
        )
    assert len(complaints) == TOTAL + 2

    # -- statuses agree, follow-ups once ---------------------------------------------
    by_cid = {name: {} for name in listed}
    for name in listed:
        for cid, sid in await ComplaintSourceRow.filter(system=name).values_list("complaint_id", "source_id"):
            by_cid[name][str(cid)] = listed[name][sid]
    disagreements = []
    for cid, complaint in complaints.items():
        for name, records in by_cid.items():
            record = records.get(cid)
            if record is None:
                continue
            seen = readers[name].status_as_read(complaint.status)
            if seen is not None and record.status not in (seen, complaint.status):  # type: ignore[attr-defined]
                entries = await OutboxRow.filter(complaint_id=cid).values_list(
                    "kind", "destination", "state", "last_error", "dedupe_key"
                )
                links = await ComplaintSourceRow.filter(complaint_id=cid).values_list("system", "source_id")
                disagreements.append((name, complaint.status.value, record.status.value, links, entries))  # type: ignore[attr-defined]
    assert not disagreements, f"{len(disagreements)} statuses disagree, e.g. {disagreements[:5]}"
    follow_ups = await FollowUpRow.all().values_list("complaint_id", "content")
    missing, doubled = [], []
    for cid, text in follow_ups:
        for name, records in by_cid.items():
            record = records.get(str(cid))
            if record is None:
                continue
            n = sum(f.text.strip() == text.strip() for f in record.follow_ups)  # type: ignore[attr-defined]
            (missing if n == 0 else doubled if n > 1 else []).append((name, text[:40]))
            if n > 1:
                print(f"chaos: doubled at {name}: {await _trail(sims[name], name, str(cid), text, record.source_id)}")  # type: ignore[attr-defined]
    assert not missing and not doubled, (
        f"follow-ups missing {len(missing)} {missing[:3]}, doubled {len(doubled)} {doubled[:3]}"
    )
    assert len(follow_ups) >= TOTAL // 4

    # -- the outbox: nothing pending; dead letters only with reasons --------------------
    assert await OutboxRow.filter(state="pending").count() == 0
    assert all(d.last_error for d in dead)

    # -- privacy in flight -------------------------------------------------------------
    for name in REGENCIES:
        bodies = " ".join(e.body for e in sims[name].received.entries)
        assert not [v for v in CANARY_VALUES if v in bodies], f"{name} received the anonymous reporter's identity"
    assert "Warga Terbuka Limalima" in " ".join(
        e.body for e in sims["16.01-ogan-komering-ulu"].received.entries
    )  # the check can fail
    national_bodies = " ".join(e.body for e in sims["lapor"].received.entries)
    assert not [v for v in CANARY_VALUES if v in national_bodies]
    assert counts["kills"] >= 3 and counts["faults"] >= 3 and counts["duplicates"] >= 1
