"""`/metrics` in the Prometheus text format: operations by type and root field, errors by
code; the worker's own upstream calls per source, circuit states, deliveries, outbox depth
and sync lag; a token when one is configured; nothing personal."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from tortoise.exceptions import OperationalError

from connectors.sandbox.lapor_national import DEFAULT_API_KEY, LaporNational
from connectors.sandbox.province import SANDBOX_SECRETS
from connectors.sandbox.rest_json_v1 import RestJsonV1
from connectors.sandbox.runner import serve_all
from gateway.settings import SettingsError, from_env
from gateway.store.writer import insert_complaints
from gateway.worker.metrics_server import serving_metrics
from schema.regions import children
from tests.conftest import Tokens
from tests.factories import make_complaint
from tests.prometheus import metric_samples, metric_value
from tests.servers import clean_env, free_port

REGENCY = "16.01-ogan-komering-ulu"


async def test_operations_and_errors_are_counted_by_schema_names_only(
    database_url: str, make_app: Callable[..., Starlette], tokens: Tokens
) -> None:
    complaint = make_complaint()
    await insert_complaints([complaint])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://t") as c:
        before = metric_samples((await c.get("/metrics")).text)
        await c.post("/graphql", json={"query": "query Mine { publicComplaints(first: 1) { totalCount } }"})
        await c.post("/graphql", json={"query": "{ madeUpField }"})
        await c.post(
            "/graphql",
            json={"query": '{ complaint(id: "x", trackingId: "y") { id } }'},
            headers={"authorization": f"Bearer {tokens.national_admin}"},
        )
        response = await c.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = metric_samples(response.text)

    def grew(name: str, **labels: str) -> float:
        return metric_value(after, name, **labels) - metric_value(before, name, **labels)

    assert grew("penghubung_graphql_request_seconds_count", operation="query publicComplaints") == 1
    assert grew("penghubung_graphql_request_seconds_count", operation="query unknown") == 1  # not "madeUpField"
    assert grew("penghubung_graphql_errors_total", operation="query complaint", code="BAD_USER_INPUT") == 1
    assert "madeUpField" not in response.text and "Mine" not in response.text
    assert complaint.tracking_id not in response.text


async def test_a_configured_token_is_required_and_named_in_the_refusal(make_app: Callable[..., Starlette]) -> None:
    app = make_app(metrics_token="scrape-me-7f3a")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        missing = await c.get("/metrics")
        wrong = await c.get("/metrics", headers={"authorization": "Bearer not-it"})
        right = await c.get("/metrics", headers={"authorization": "Bearer scrape-me-7f3a"})
    assert missing.status_code == 401 and "PENGHUBUNG_METRICS_TOKEN" in missing.text
    assert wrong.status_code == 401 and "not-it" not in wrong.text and "scrape-me" not in wrong.text
    assert right.status_code == 200 and "penghubung_graphql_request_seconds" in right.text


def _scrape(port: int, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"http://127.0.0.1:{port}/metrics", headers=headers, timeout=5)


@pytest.mark.slow
async def test_the_worker_serves_its_own_upstream_calls_circuits_and_deliveries(
    database_url: str, tmp_path: Path
) -> None:
    sims = {"lapor": LaporNational(seed_count=0), REGENCY: RestJsonV1(kode_wilayah="16.01", seed_count=6, seed=3)}
    async with serve_all(sims) as urls:  # type: ignore[arg-type]
        sources = tmp_path / "sources.toml"
        others = [c.code for c in children("16") if c.code != "16.01"]
        sources.write_text(
            '[province]\nkode_wilayah = "16"\n'
            f'[national]\napi = "v3"\nurl = "{urls["lapor"]}"\nsecret_env = "M_LAPOR_KEY"\n'
            f'[[regency]]\nkode_wilayah = "16.01"\ndialect = "rest_json_v1"\nurl = "{urls[REGENCY]}"\nsecret_env = "M_REST_KEY"\n'
            + "".join(f'[[regency]]\nkode_wilayah = "{code}"\nconnected = false\n' for code in others)
        )
        port, token = free_port(), "worker-scrape-91c2"
        env = clean_env(
            {
                "DATABASE_URL": database_url,
                "PENGHUBUNG_SOURCES": str(sources),
                "PENGHUBUNG_SYNC_PULL_SECONDS": "0.5",
                "PENGHUBUNG_UPSTREAM_TIMEOUT": "1",
                "PENGHUBUNG_WORKER_METRICS": f"127.0.0.1:{port}",
                "PENGHUBUNG_METRICS_TOKEN": token,
                "M_LAPOR_KEY": DEFAULT_API_KEY,
                "M_REST_KEY": SANDBOX_SECRETS["rest_json_v1"],
            }
        )
        log = tmp_path / "worker.log"
        with open(log, "ab") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "gateway.cli", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:

            async def scraped_until(done: Callable[[dict], bool], within: float = 30) -> dict:
                deadline = time.monotonic() + within
                while time.monotonic() < deadline:
                    assert worker.poll() is None, log.read_text()[-3000:]
                    try:
                        response = await asyncio.to_thread(_scrape, port, token)
                    except httpx.TransportError:
                        response = None
                    if response is not None and response.status_code == 200:
                        samples = metric_samples(response.text)
                        if done(samples):
                            return samples
                    await asyncio.sleep(0.5)
                raise AssertionError(f"the worker's metrics never showed it: {log.read_text()[-2000:]}")

            # Its pulls and its deliveries (the regency's six complaints go to LAPOR!).
            healthy = await scraped_until(
                lambda m: (
                    metric_value(
                        m, "penghubung_sync_deliveries_total", destination="lapor", kind="create", outcome="done"
                    )
                    >= 6
                )
            )
            for source in ("lapor", REGENCY):
                assert (
                    metric_value(healthy, "penghubung_upstream_request_seconds_count", source=source, method="GET") > 0
                )
                assert (("penghubung_upstream_circuit_state", (("source", source),)), 0.0) in healthy.items()
            assert (await asyncio.to_thread(_scrape, port, None)).status_code == 401

            # The regency's system goes down: its errors are counted and its circuit opens.
            sims[REGENCY].faults.set(down="503")
            broken = await scraped_until(
                lambda m: metric_value(m, "penghubung_upstream_circuit_state", source=REGENCY) == 2.0, within=40
            )
            assert metric_value(broken, "penghubung_upstream_errors_total", source=REGENCY, outcome="unavailable") >= 5
            assert metric_value(broken, "penghubung_upstream_errors_total", source="lapor", outcome="unavailable") == 0
            text = (await asyncio.to_thread(_scrape, port, token)).text
            assert token not in text and DEFAULT_API_KEY not in text
        finally:
            worker.terminate()
            worker.wait(timeout=20)


async def test_refusals_before_graphql_are_counted_and_a_blank_token_is_refused(
    make_app: Callable[..., Starlette],
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://t") as c:
        before = metric_samples((await c.get("/metrics")).text)
        await c.post("/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Bearer not.a.jwt"})
        after = metric_samples((await c.get("/metrics")).text)
    grown = {k: v - before.get(k, 0.0) for k, v in after.items() if k[0] == "penghubung_requests_refused_total"}
    assert sum(grown.values()) == 1 and "not.a.jwt" not in str(after)
    with pytest.raises(SettingsError, match="PENGHUBUNG_METRICS_TOKEN is set but blank"):
        from_env({"PENGHUBUNG_METRICS_TOKEN": "  "})


async def test_a_worker_metrics_address_it_cannot_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            SettingsError, match=rf"PENGHUBUNG_WORKER_METRICS: cannot serve metrics on 127.0.0.1:{port}"
        ):
            async with serving_metrics(("127.0.0.1", port), connectors=None, topology=None, token=None):
                pass


async def test_metrics_are_still_served_while_the_database_cannot_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import gateway.telemetry as metrics

    async def unreadable(*_: object) -> None:
        raise OperationalError("connection refused")  # as a store that went away answers

    monkeypatch.setattr(metrics, "_refresh", unreadable)
    monkeypatch.setitem(metrics._refreshed, "at", 0.0)
    text = (await metrics.scrape(None, None)).decode()
    assert metric_value(metric_samples(text), "penghubung_store_up") == 0.0
    assert "# HELP penghubung_upstream_request_seconds" in text  # the rest still served


async def test_a_database_that_never_answers_does_not_stall_a_scrape(monkeypatch: pytest.MonkeyPatch) -> None:
    import gateway.telemetry as metrics

    async def hanging(*_: object) -> None:
        await asyncio.sleep(60)  # a store that accepts the connection and never answers

    monkeypatch.setattr(metrics, "_refresh", hanging)
    monkeypatch.setattr(metrics, "STORE_TIMEOUT", 0.2)
    monkeypatch.setitem(metrics._refreshed, "at", 0.0)
    text = (await asyncio.wait_for(metrics.scrape(None, None), 5)).decode()
    assert metric_value(metric_samples(text), "penghubung_store_up") == 0.0
