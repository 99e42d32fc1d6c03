"""End to end against the sandbox: the rest_json_v1 mapping reads every record of its
simulator over HTTP, page by page, and maps them all."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from connectors.formats import decode_json
from connectors.http import Policy, UpstreamClient
from connectors.mapping import Mapper
from connectors.records import SourceComplaint
from connectors.sandbox.runner import default_simulators, serve_all
from connectors.spec import load_spec

MAPPING = Path(__file__).resolve().parents[2] / "connectors" / "mappings" / "rest_json_v1.toml"
TOKEN = "sandbox-rest-json-v1-token"


@pytest.fixture
async def simulator() -> AsyncIterator[str]:
    sims = default_simulators()
    async with serve_all({"rest_json_v1": sims["rest_json_v1"]}) as urls:
        yield urls["rest_json_v1"]


def test_the_mapping_is_short() -> None:
    lines = [l for l in MAPPING.read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert len(lines) <= 60


async def test_every_record_maps(simulator: str) -> None:
    spec = load_spec(MAPPING.read_text())
    mapper = Mapper(spec)
    mapped: list[SourceComplaint] = []
    async with aiohttp.ClientSession() as session:
        client = UpstreamClient(spec.name, session, Policy(total_timeout=5))
        page, total = 1, None
        while total is None or len(mapped) < total:
            response = await client.request(
                "GET",
                f"{simulator}/api/reports?page={page}&limit=5",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            total = json.loads(response.body)["meta"]["total"]
            records = decode_json(spec.name, response.body, spec.records_path)
            if not records:
                break
            ok, rejected = mapper.map_all(records)
            assert rejected == []
            mapped += ok
            page += 1
    assert len(mapped) == total and len({c.source_id for c in mapped}) == total
    assert {c.kode_wilayah for c in mapped} == {"16.08"}
    assert all(c.created_at.utcoffset() is not None and c.reporter is not None for c in mapped)
