"""Test fixtures: one real database per test session (SQLite file or PostgreSQL), the app.

Choose the database with PENGHUBUNG_TEST_DATABASE=sqlite (default) or =postgres; a
PostgreSQL run creates a fresh database for the session on the server named by
PENGHUBUNG_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test) and drops it
afterwards. The two runs are separate processes: Tortoise caches SQL per table, not per
dialect, so one process cannot switch.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.dev import DevKeys, issue_token, load_or_create
from auth.roles import Role
from auth.tokens import TokenVerifier
from gateway.demo import demo_agencies, demo_categories
from gateway.domain.reference import load_regions, load_registry
from gateway.edge.app import create_app
from gateway.edge.middleware.authentication import build_verifier
from gateway.settings import GatewaySettings, sqlite_url
from gateway.store.database import close_store, migrate_database, open_store
from gateway.store.models import (
    ComplaintRow,
    DeliveryClaimRow,
    MutationReceiptRow,
    ReporterRow,
    SyncCursorRow,
)

TEST_DATABASE = os.environ.get("PENGHUBUNG_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("PENGHUBUNG_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
if TEST_DATABASE not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"PENGHUBUNG_TEST_DATABASE is '{TEST_DATABASE}', expected sqlite or postgres")


# Fixtures that cost seconds for every test using them (the demo province's simulators
# served over HTTP, most of them synced into the index first): such a test is `slow`
# wherever it is, so that `pytest -m "not slow"` stays a quick run. Measured with `--durations`.
SLOW_FIXTURES = frozenset({"federated", "province", "quick_province", "bulkheaded"})


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    if TEST_DATABASE == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PENGHUBUNG_TEST_DATABASE=postgres")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


class ScratchDatabases:
    """Creates empty databases on demand (for migration tests) and drops them at the end."""

    def __init__(self, tmp_dir: str) -> None:
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    async def new(self) -> str:
        name = f"penghubung_test_{uuid.uuid4().hex[:12]}"
        if TEST_DATABASE == "sqlite":
            return sqlite_url(os.path.join(self.tmp_dir, f"{name}.sqlite3"))
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self.created.append(name)
        return _with_database(POSTGRES_ADMIN_URL, name)

    async def drop_all(self) -> None:
        if not self.created:
            return
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1))
        try:
            for name in self.created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(scope="session")
async def scratch_databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ScratchDatabases]:
    dbs = ScratchDatabases(str(tmp_path_factory.mktemp("db")))
    yield dbs
    await dbs.drop_all()


@pytest.fixture(scope="session")
async def database_url(scratch_databases: ScratchDatabases) -> AsyncIterator[str]:
    """A migrated database with regions and the Sumatera Selatan registry, open for the session."""
    url = await scratch_databases.new()
    await migrate_database(url)
    await open_store(url)
    try:
        await load_regions()
        await load_registry(demo_agencies(), demo_categories())
        yield url
    finally:
        await close_store()


@pytest.fixture(autouse=True)
async def _clean_complaints(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test starts without complaints or receipts (reference data stays; the audit log
    is append-only, so tests read only the entries they wrote)."""
    yield
    if "database_url" in request.fixturenames:
        await ComplaintRow.all().delete()  # children go by ON DELETE CASCADE
        await ReporterRow.all().delete()
        await SyncCursorRow.all().delete()
        await MutationReceiptRow.all().delete()
        await DeliveryClaimRow.all().delete()


@pytest.fixture
def settings(database_url: str) -> GatewaySettings:
    return GatewaySettings(database_url=database_url, demo=False)


@pytest.fixture(scope="session")
def dev_keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeys:
    """A real signing key pair, made for this test session."""
    return load_or_create(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def verifier(dev_keys: DevKeys) -> TokenVerifier:
    return build_verifier([dev_keys.issuer()], None)


class Tokens:
    """Real signed tokens for each role of the demo registry."""

    def __init__(self, keys: DevKeys) -> None:
        self.keys = keys

    def make(
        self,
        *roles: Role,
        subject: str = "tester",
        agency: str | None = None,
        region: str | None = None,
        scopes: tuple[str, ...] = (),
    ) -> str:
        return issue_token(
            self.keys,
            subject=subject,
            roles=roles,
            agency_id=agency,
            kode_wilayah=region,
            scopes=scopes,
        )

    @property
    def national_admin(self) -> str:
        return self.make(Role.NATIONAL_ADMIN, subject="admin-lapor", agency="kemenpanrb")

    @property
    def citizen(self) -> str:
        return self.make(Role.CITIZEN, subject="warga-1")


@pytest.fixture(scope="session")
def tokens(dev_keys: DevKeys) -> Tokens:
    return Tokens(dev_keys)


@pytest.fixture
def make_app(settings: GatewaySettings, verifier: TokenVerifier) -> Callable[..., Starlette]:
    def build(**changes: object) -> Starlette:
        return create_app(
            replace(settings, **changes),  # type: ignore[arg-type]
            manage_store=False,
            verifier=verifier,
        )

    return build


@pytest.fixture
async def client(make_app: Callable[..., Starlette]) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the production-mode app, on the test's own event loop."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app()), base_url="http://gateway.test") as c:
        yield c


GraphQL = Callable[..., Awaitable[dict[str, object]]]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    """POST a GraphQL operation (with a bearer token if given) and return the JSON body."""

    async def run(
        query: str, variables: dict[str, object] | None = None, *, token: str | None = None
    ) -> dict[str, object]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    return run


@pytest.fixture
def admin_gql(gql: GraphQL, tokens: Tokens) -> GraphQL:
    """`gql` as the national admin, who may read every complaint in full."""

    async def run(query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
        return await gql(query, variables, token=tokens.national_admin)

    return run


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session on the test's loop, for talking to servers on loopback."""
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)
