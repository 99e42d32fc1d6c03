"""The coordinators' dashboard in a real headless Chromium (Debian's package): it loads,
drills down national -> province -> kab/kota, shows what the API says at each level,
refreshes on a live update, and loads nothing from outside the gateway. Screenshots are
kept in $PENGHUBUNG_TEST_ARTIFACTS/dashboard/ (by default under the system's temporary
directory)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from auth.roles import Role
from connectors.config import DEMO_CONFIG
from gateway.store.writer import insert_complaints
from schema.canonical import Location
from tests.conftest import Tokens
from tests.factories import make_complaint
from tests.federation.conftest import Federated
from tests.servers import free_port
from tests.submissions import GOOD, SUBMIT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Outside the checkout: a test writes nothing into the tree it tests.
ARTIFACTS = (
    Path(os.environ.get("PENGHUBUNG_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "penghubung-test-artifacts")
    / "dashboard"
)
VIEW = """query($k: String) { coordination(kodeWilayah: $k) {
  summary { complaints open overdue onTimeRate regencyCount connectedCount }
  rows { kodeWilayah agencyId name connected complaints open overdue onTimeRate } } }"""


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@pytest.fixture
async def gateway(federated: Federated, make_app: Callable[..., Starlette]) -> AsyncIterator[str]:
    """The gateway on a real loopback port (its lifespan runs, sandbox and all)."""
    port = free_port()
    app = make_app(sources_file=DEMO_CONFIG, sandbox=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "the gateway did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def _cells(page: Any, selector: str) -> dict[str, str]:
    row = page.locator(selector)
    return {await c.get_attribute("data-field"): (await c.inner_text()).strip() for c in await row.locator("td").all()}


async def _recent_complaints() -> None:
    """Complaints of the last days in three kab/kota, some answered late (the simulators'
    own records are from 2025, outside the dashboard's period)."""
    now = datetime.now(UTC)
    made = []
    for i, (kode, agency, n) in enumerate(
        (("16.05", "16.05-pupr", 5), ("16.71", "pemkot-16.71", 3), ("16.73", "pemkot-16.73", 2))
    ):
        for k in range(n):
            made.append(
                make_complaint(
                    created_at=now - timedelta(days=2 + k + i),
                    location=Location(f"{kode}.01"),
                    routed_agency_id=agency,
                    suggested_agency_id=None,
                    dispositions=(),
                )
            )
    await insert_complaints(made)


async def test_the_dashboard_drills_down_and_shows_what_the_api_says(
    federated: Federated, gateway: str, browser: Any, tokens: Tokens
) -> None:
    await _recent_complaints()
    page = await browser.new_page(viewport={"width": 1300, "height": 900})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    failures: list[str] = []
    page.on("pageerror", lambda e: failures.append(str(e)))

    await page.goto(f"{gateway}/dashboard")
    assert "Paste a token" in await page.inner_text("#message")
    await _shot(page, "0-no-token")
    await page.fill("#token", tokens.national_admin)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("body[data-level=NATIONAL] #rows tbody tr")

    national = (await federated.gql(VIEW, {"k": None}, token=tokens.national_admin))["data"]["coordination"]
    assert await page.locator("#rows tbody tr").count() == len(national["rows"]) == 38
    sumsel = next(r for r in national["rows"] if r["kodeWilayah"] == "16")
    assert sumsel["complaints"] >= 10 and sumsel["open"] > 0  # something to compare
    shown = await _cells(page, "tr[data-kode='16']")
    assert shown["complaints"] == str(sumsel["complaints"]) and shown["overdue"] == str(sumsel["overdue"])
    assert shown["onTimeRate"] == _percent(sumsel["onTimeRate"]) and shown["connectedCount"] == "15 of 17"
    await _shot(page, "1-national")

    await page.click("tr[data-kode='16'] a.name")
    await page.wait_for_selector("body[data-level=PROVINCE]")
    assert page.url.endswith("#/16")
    province = (await federated.gql(VIEW, {"k": "16"}, token=tokens.national_admin))["data"]["coordination"]
    assert await page.inner_text("#summary [data-field=connected]") == "15 of 17"
    assert await page.inner_text("#summary [data-field=complaints]") == str(province["summary"]["complaints"])
    for row in province["rows"]:
        cells = await _cells(page, f"tr[data-kode='{row['kodeWilayah']}']")
        assert cells["complaints"] == str(row["complaints"]) and cells["open"] == str(row["open"]), row["name"]
        assert cells["onTimeRate"] == _percent(row["onTimeRate"]), row["name"]
        assert ("not yet connected" in cells["connected"]) == (not row["connected"]), row["name"]
    assert {r["kodeWilayah"] for r in province["rows"] if not r["connected"]} == {"16.08", "16.13"}
    await _shot(page, "2-province-16")

    await page.click("tr[data-kode='16.05'] a.name")
    await page.wait_for_selector("body[data-level=REGENCY]")
    regency = (await federated.gql(VIEW, {"k": "16.05"}, token=tokens.national_admin))["data"]["coordination"]
    assert len(regency["rows"]) >= 1 and sum(r["complaints"] for r in regency["rows"]) >= 5
    assert await page.locator("#rows tbody tr").count() == len(regency["rows"])
    for row in regency["rows"]:
        cells = await _cells(page, f"tr[data-agency='{row['agencyId'] or ''}']")
        assert cells["name"] == row["name"] and cells["complaints"] == str(row["complaints"])
    assert "Sumatera Selatan" in await page.inner_text("#crumbs")
    await _shot(page, "3-regency-16.05")

    await page.go_back()
    await page.wait_for_selector("body[data-level=PROVINCE]")
    assert failures == []
    origin = urlsplit(gateway).netloc
    outside = [
        u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != origin
    ]
    assert outside == []  # everything from the gateway itself: it works offline


async def test_a_live_update_refreshes_the_view(
    federated: Federated, gateway: str, browser: Any, tokens: Tokens
) -> None:
    page = await browser.new_page(viewport={"width": 1300, "height": 900})
    await page.goto(f"{gateway}/dashboard#/16")
    await page.fill("#token", tokens.national_admin)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("body[data-level=PROVINCE] #rows tbody tr")
    await page.wait_for_selector("#live.on")
    before = int(await page.inner_text("tr[data-kode='16.73'] td[data-field=complaints]"))
    # A citizen submits a complaint in Lubuk Linggau through the gateway's API.
    async with httpx.AsyncClient(base_url=gateway) as client:
        made = await client.post(
            "/graphql",
            json={"query": SUBMIT, "variables": {"input": GOOD}},
            headers={"authorization": f"Bearer {tokens.citizen}"},
        )
    assert "errors" not in made.json(), made.json()
    # The page heard of it (through its own subscription to this gateway) and reloaded.
    # (Polled from here: the page's CSP rightly refuses the evaluated predicates of
    # wait_for_function.)
    cell = page.locator("tr[data-kode='16.73'] td[data-field=complaints]")
    for _ in range(100):
        if int(await cell.inner_text()) == before + 1:
            break
        await asyncio.sleep(0.1)
    assert int(await cell.inner_text()) == before + 1
    await _shot(page, "4-after-live-update")


async def test_a_token_without_the_role_is_told_so(
    federated: Federated, gateway: str, browser: Any, tokens: Tokens
) -> None:
    page = await browser.new_page()
    await page.goto(f"{gateway}/dashboard")
    await page.fill("#token", tokens.make(Role.AGENCY_OFFICER, subject="petugas", agency="16.05-pupr"))
    await page.click("#token-form button[type=submit]")
    message = page.locator("#message")
    for _ in range(50):
        if "FORBIDDEN" in await message.inner_text():
            break
        await asyncio.sleep(0.1)
    assert "FORBIDDEN" in await message.inner_text()
    assert "national or regional admins and auditors" in await message.inner_text()
    await _shot(page, "5-forbidden")
