"""The unified schema as an Apollo Federation v2 subgraph: its SDL composes with another
subgraph (The Guild's composition, as Hive Gateway runs it), and its entry points `_service`
and `_entities` answer the router only, `_entities` under the caller's own scope.

The composer (tools/federation-compose) is installed by `npm ci` into a cache outside the
checkout ($XDG_CACHE_HOME/penghubung/, else ~/.cache/penghubung/), once per version of its
files; with the npm registry unreachable the composition test is skipped."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from auth.roles import Role
from gateway.cli import main
from gateway.store.writer import insert_complaints
from tests.conftest import Tokens
from tests.factories import make_complaint

SECRET = "router-secret-for-tests"
COMPOSE = Path(__file__).resolve().parents[2] / "tools" / "federation-compose"
SURVEYS = """extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Complaint @key(fields: "id") {
  id: ID!
  satisfactionSurvey: Int
}
type Query { surveys: [Complaint!]! }
"""


@pytest.fixture
async def subgraph(make_app: Callable[..., Starlette]) -> AsyncIterator[Callable[..., Any]]:
    app = make_app(router_secret=SECRET)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client:

        async def ask(
            query: str,
            variables: dict[str, Any] | None = None,
            *,
            token: str | None = None,
            router: str | None = SECRET,
        ) -> dict[str, Any]:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            if router is not None:
                headers["x-penghubung-router"] = router
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
            return response.json()  # type: ignore[no-any-return]

        yield ask


def test_the_cli_prints_a_federation_v2_subgraph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    sdl = capsys.readouterr().out
    assert sdl.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])')
    for entity in (
        'type Complaint @key(fields: "id")',
        'type Agency @key(fields: "id")',
        'type Region @key(fields: "code")',
    ):
        assert entity in sdl


async def test_the_sdl_is_served_to_the_router_only(
    database_url: str, subgraph: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    refused = await subgraph("{ _service { sdl } }", router=None)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "X-Penghubung-Router" in refused["errors"][0]["message"]
    wrong = await subgraph("{ _service { sdl } }", router="guess")
    assert wrong["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    served = await subgraph("{ _service { sdl } }")
    main(["schema"])
    assert served["data"]["_service"]["sdl"] + "\n" == capsys.readouterr().out


async def test_entities_resolve_under_the_callers_own_scope(
    database_url: str, subgraph: Callable[..., Any], tokens: Tokens
) -> None:
    complaint = make_complaint()  # routed to Musi Rawas
    await insert_complaints([complaint])
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Complaint { id status } ... on Agency { id name } ... on Region { code name } } }"""
    reps = [
        {"__typename": "Complaint", "id": complaint.id},
        {"__typename": "Agency", "id": "pemkab-16.05"},
        {"__typename": "Region", "code": "16.05"},
    ]
    refused = await subgraph(query, {"r": reps}, token=tokens.national_admin, router=None)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and refused["data"] is None
    admin = await subgraph(query, {"r": reps}, token=tokens.national_admin)
    assert "errors" not in admin, admin
    assert admin["data"]["_entities"][0] == {"id": complaint.id, "status": complaint.status.value}
    assert admin["data"]["_entities"][1]["name"] and admin["data"]["_entities"][2]["code"] == "16.05"
    # Through the router, another kab/kota's officer gets what complaint(id) would give: nothing.
    elsewhere = tokens.make(Role.AGENCY_ADMIN, subject="admin-llg", agency="pemkot-16.73")
    theirs = await subgraph(query, {"r": reps[:1]}, token=elsewhere)
    assert theirs["data"]["_entities"] == [None]


# npm's words for "the registry could not be reached"; any other failure of `npm ci` fails the test.
UNREACHABLE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH", "network")


def _compose_cache() -> Path:
    """Where the composer is installed: a cache directory outside the checkout, keyed by the
    composer's files, so a test writes nothing into the tree and installs once per version."""
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json", "compose.mjs"):
        digest.update((COMPOSE / name).read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "penghubung" / f"federation-compose-{digest.hexdigest()[:16]}"


@pytest.fixture(scope="module")
def composer() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("needs node and npm (CI installs them; see .ci/run)")
    installed = _compose_cache()
    if not (installed / "node_modules" / "@theguild" / "federation-composition").is_dir():
        installed.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=installed.parent) as scratch:
            work = Path(scratch) / "federation-compose"
            work.mkdir()
            for name in ("package.json", "package-lock.json", "compose.mjs"):
                shutil.copyfile(COMPOSE / name, work / name)
            try:
                subprocess.run(
                    ["npm", "ci", "--no-audit", "--no-fund", "--fetch-retries=1"],
                    cwd=work,
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
            except subprocess.TimeoutExpired:
                pytest.skip("npm ci did not finish in 300 s: is the npm registry reachable?")
            except subprocess.CalledProcessError as failed:
                if any(word in failed.stderr for word in UNREACHABLE):
                    pytest.skip(f"the npm registry is unreachable: {failed.stderr.strip()[-300:]}")
                raise
            # Complete installs only: another run may have finished first.
            with contextlib.suppress(OSError):
                work.rename(installed)
    return installed / "compose.mjs"


@pytest.mark.slow
def test_the_subgraph_composes_with_another_into_a_supergraph(composer: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "penghubung.graphql", tmp_path / "surveys.graphql"
    assert main(["schema", "--output", str(ours)]) == 0
    theirs.write_text(SURVEYS, encoding="utf-8")
    done = subprocess.run(
        ["node", str(composer), f"penghubung={ours}", f"surveys={theirs}"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    supergraph = done.stdout
    assert '@join__type(graph: PENGHUBUNG, key: "id")' in supergraph
    assert "satisfactionSurvey: Int @join__field(graph: SURVEYS)" in supergraph
    # And a clash is reported, so the check can fail: a second owner of a non-shareable field.
    theirs.write_text(SURVEYS.replace("satisfactionSurvey: Int", "status: String"), encoding="utf-8")
    clash = subprocess.run(
        ["node", str(composer), f"penghubung={ours}", f"surveys={theirs}"], capture_output=True, text=True, timeout=120
    )
    assert clash.returncode == 1 and "status" in clash.stderr
