"""`penghubung demo` runs with the Sumatera Selatan sources configuration: the sandbox
simulators start inside the gateway, and the connection overview answers over GraphQL."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.dialects import NAMES as DIALECTS
from tests.servers import clean_env, running

# Starts `penghubung demo` processes.
pytestmark = pytest.mark.slow

QUERY = """{ connections { province connectedCount regencyCount
  national { name kind provisional capabilities }
  regencies { kodeWilayah regionName connected kind connectedSince capabilities } } }"""


def _post(port: int, query: str, token: str | None = None) -> dict[str, object]:
    headers = {"content-type": "application/json"} | ({"authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(), headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@contextlib.contextmanager
def _running_demo(cwd: Path) -> Iterator[int]:
    with running(["demo", "--complaints", "40"], env=clean_env(), log=cwd / "demo.log", cwd=cwd) as port:
        yield port


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    cwd = tmp_path_factory.mktemp("demo")
    with _running_demo(cwd) as port:
        yield port, cwd


def _token(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "token", "issue", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PENGHUBUNG_")} | {"PENGHUBUNG_MODE": "demo"},
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_demo_connects_15_of_17_kab_kota(demo: tuple[int, Path]) -> None:
    port, cwd = demo
    token = _token(cwd, "--role", "regional_coordinator", "--agency", "pemprov-16", "--region", "16")
    body = _post(port, QUERY, token)
    assert "errors" not in body, body
    overview = body["data"]["connections"]  # type: ignore[index]
    assert (overview["province"], overview["connectedCount"], overview["regencyCount"]) == ("16", 15, 17)
    absent = {r["kodeWilayah"] for r in overview["regencies"] if not r["connected"]}
    assert absent == {"16.08", "16.13"}
    kinds = {r["kind"] for r in overview["regencies"] if r["connected"]}
    assert kinds == set(DIALECTS)  # the demo shows every bundled dialect
    national = overview["national"]
    assert national["provisional"] is True and "create" in national["capabilities"]
    muratara = next(r for r in overview["regencies"] if r["kodeWilayah"] == "16.13")
    assert muratara["regionName"] == "Kabupaten Musi Rawas Utara" and muratara["capabilities"] == []


def test_the_public_may_not_see_the_overview(demo: tuple[int, Path]) -> None:
    port, _ = demo
    body = _post(port, "{ connections { connectedCount } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


SYNC_QUERY = "{ syncStatus { source lastSuccessAt lagSeconds backlog deadLetters consecutiveFailures lastError } }"


def test_admins_see_sync_health_per_source(demo: tuple[int, Path]) -> None:
    port, cwd = demo
    token = _token(cwd, "--role", "national_admin", "--agency", "kemenpanrb")
    deadline = time.monotonic() + 30
    while True:
        body = _post(port, SYNC_QUERY, token)
        assert "errors" not in body, body
        rows = {r["source"]: r for r in body["data"]["syncStatus"]}  # type: ignore[index]
        if rows["lapor"]["lastSuccessAt"] and rows["16.05-musi-rawas"]["lastSuccessAt"]:
            break
        assert time.monotonic() < deadline, rows
        time.sleep(0.5)
    assert len(rows) == 16 and next(iter(rows)) == "lapor"
    assert rows["16.05-musi-rawas"]["consecutiveFailures"] == 0 and rows["16.05-musi-rawas"]["lagSeconds"] >= 0
    officer = _token(cwd, "--role", "agency_officer", "--agency", "16.05-pupr")
    refused = _post(port, SYNC_QUERY, officer)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]


def _push(port: int, source: str, body: dict[str, object], token: str | None) -> tuple[int, dict[str, object]]:
    headers = {"content-type": "application/json"} | ({"authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sync/webhook/{source}", data=json.dumps(body).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_regency_pushes_records_through_the_webhook(demo: tuple[int, Path]) -> None:
    port, cwd = demo
    now = int(time.time() * 1000)
    record = {
        "_id": "6b0b65c9f9e2a38fa3f1ee99",
        "sessionId": "wa-webhook-1",
        "from": "6281200000099",
        "user": {"name": "Warga Webhook"},
        "message": "Jembatan gantung di desa kami rusak parah.",
        "location": {"type": "text", "kecamatan": "Tuah Negeri", "latitude": -3.2, "longitude": 102.9},
        "tindakan": {"status": "Perlu Verifikasi", "trackingId": None, "kesimpulan": []},
        "createdAt": now,
        "updatedAt": now,
    }
    connector = _token(cwd, "--role", "connector_service", "--agency", "pemkab-16.05", "--region", "16.05")
    admin = _token(cwd, "--role", "national_admin", "--agency", "kemenpanrb")
    seen = "{ syncStatus { source recordsSeen lastSuccessAt } }"

    def mura() -> dict[str, object]:
        return next(r for r in _post(port, seen, admin)["data"]["syncStatus"] if r["source"] == "16.05-musi-rawas")  # type: ignore[index]

    before = mura()
    status, body = _push(port, "16.05-musi-rawas", {"items": [record]}, connector)
    assert status == 200 and body["applied"] == {"created": 1}, body
    after = mura()  # a push is the source heard from, as a pull is
    assert after["recordsSeen"] >= before["recordsSeen"] + 1 and after["lastSuccessAt"]  # type: ignore[operator]
    status, body = _push(port, "16.05-musi-rawas", {"items": [record]}, connector)
    assert status == 200 and body["applied"] == {"unchanged": 1}, body  # a repeated push applies nothing
    bad = dict(record, tindakan={"status": "Entah", "kesimpulan": []}, _id="6b0b65c9f9e2a38fa3f1ee98")
    status, body = _push(port, "16.05-musi-rawas", {"items": [bad]}, connector)
    assert status == 422 and body["rejected"][0]["field"] == "status", body
    other = _token(cwd, "--role", "connector_service", "--agency", "pemkab-16.01", "--region", "16.01")
    assert _push(port, "16.05-musi-rawas", {"items": [record]}, other)[0] == 403
    assert _push(port, "16.05-musi-rawas", {"items": [record]}, None)[0] == 401
    status, body = _push(port, "16.05-musi-rawas", {"data": []}, connector)
    assert status == 400 and "items" in body["errors"][0]["message"]  # type: ignore[index]


SUBMIT = """mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { trackingId } }"""


def _submit_and_wait(port: int, cwd: Path, n: int) -> list[dict[str, object]]:
    citizen = _token(cwd, "--role", "citizen", "--subject", "warga-restart")
    admin = _token(cwd, "--role", "national_admin", "--agency", "kemenpanrb")
    draft = {
        "classification": "PENGADUAN",
        "title": f"Jembatan rusak {n}",
        "content": f"Jembatan desa rusak, laporan {n}.",
        "location": {"kodeWilayah": "16.05.01"},
        "channel": "WEB",
    }
    query = SUBMIT.replace("$input: SubmitComplaintInput!", "$input: SubmitComplaintInput!")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": {"input": draft}}).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {citizen}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "errors" not in json.loads(response.read())
    deadline = time.monotonic() + 40
    while True:
        rows = _post(port, SYNC_QUERY, admin)["data"]["syncStatus"]  # type: ignore[index]
        if all(r["backlog"] == 0 for r in rows) and rows[0]["lastSuccessAt"]:
            return rows  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, rows
        time.sleep(0.5)


def test_the_demo_restarts_with_a_fresh_sandbox_and_no_dead_letters(tmp_path: Path) -> None:
    """The sandbox forgets its records between runs; the demo forgets what it synced with it."""
    with _running_demo(tmp_path) as port:
        first = _submit_and_wait(port, tmp_path, 1)
    with _running_demo(tmp_path) as port:
        second = _submit_and_wait(port, tmp_path, 2)
    for rows in (first, second):
        assert [r for r in rows if r["deadLetters"]] == [], rows
