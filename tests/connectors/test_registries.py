"""The TOML names of formats, paginators, authenticators and idempotency styles, each a class
looked up by its name; and the connector base's cautious defaults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from connectors import spec, write_spec
from connectors.authenticators import AUTHENTICATORS
from connectors.base import ConnectorBase
from connectors.bundled import bundled_spec
from connectors.errors import DecodeError
from connectors.formats.registry import FORMATS
from connectors.http import Policy, Response, UpstreamClient
from connectors.idempotency import IDEMPOTENCY
from connectors.lapor import AddstreamConnector
from connectors.loader import build_source
from connectors.paginators import PAGINATORS
from connectors.protocol import Connector, Unsupported
from connectors.spec import RequestSpec
from schema.canonical import Status


def test_every_name_a_mapping_may_use_is_a_class_of_that_name() -> None:
    assert tuple(FORMATS) == spec.FORMATS and all(f.name == n for n, f in FORMATS.items())
    assert tuple(PAGINATORS) == spec.PAGINATION_STYLES and all(p.style == n for n, p in PAGINATORS.items())
    assert tuple(AUTHENTICATORS) == spec.AUTH_KINDS and all(a.kind == n for n, a in AUTHENTICATORS.items())
    assert tuple(IDEMPOTENCY) == write_spec.IDEMPOTENCY_STYLES and all(i.style == n for n, i in IDEMPOTENCY.items())


@pytest.mark.parametrize(
    ("kind", "name", "carried"),
    [
        pytest.param("none", None, ({}, {}, {}), id="none"),
        pytest.param("bearer", None, ({"Authorization": "Bearer s3"}, {}, {}), id="bearer"),
        pytest.param("header", "x-api-key", ({"x-api-key": "s3"}, {}, {}), id="header"),
        pytest.param("header", None, ({}, {}, {}), id="header-without-a-name"),
        pytest.param("query", "key", ({}, {"key": "s3"}, {}), id="query"),
        pytest.param("body", "token", ({}, {}, {"token": "s3"}), id="body"),
    ],
)
def test_each_auth_kind_carries_the_secret_where_it_says(
    kind: str, name: str | None, carried: tuple[dict[str, str], ...]
) -> None:
    assert AUTHENTICATORS[kind].carry("s3", name) == carried


def test_only_a_query_secret_is_taken_out_of_an_echoed_link() -> None:
    link = "https://x.example/list?page=2&key=s3"
    assert AUTHENTICATORS["query"].strip(link, "key") == "https://x.example/list?page=2"
    assert AUTHENTICATORS["header"].strip(link, "key") == link


def test_each_paginator_asks_for_its_page_and_reads_the_next() -> None:
    request = RequestSpec(page_param="hal", cursor_param="after", next_cursor="meta.next")
    assert PAGINATORS["page"].params(request, 3, None) == {"hal": "3"}
    assert PAGINATORS["cursor"].params(request, 3, "c2") == {"after": "c2"}
    assert PAGINATORS["cursor"].params(request, 1, None) == {}
    assert PAGINATORS["none"].params(request, 3, "c2") == {}
    answer = Response(200, {"Link": '<https://x.example/p3>; rel="next"'}, b"")
    assert PAGINATORS["cursor"].next_of("s", request, answer, lambda: {"meta": {"next": 7}}) == "7"
    assert PAGINATORS["cursor"].next_of("s", request, answer, lambda: {"meta": {"next": ""}}) is None
    assert PAGINATORS["next_link"].next_of("s", request, answer, lambda: {"meta": {"next": {"href": "/p2"}}}) == "/p2"
    assert PAGINATORS["link_header"].next_of("s", request, answer, dict) == "https://x.example/p3"
    assert [p.style for p in PAGINATORS.values() if p.links] == ["next_link", "link_header"]


def test_idempotency_styles_say_how_a_repeat_is_recognised() -> None:
    assert IDEMPOTENCY["header"].key("create", "r1") == "create:r1"
    assert IDEMPOTENCY["conflict"].key("create", "r1") is None and IDEMPOTENCY["conflict"].answers_conflict
    assert not IDEMPOTENCY["none"].recognises_repeats
    assert IDEMPOTENCY["header"].recognises_repeats and IDEMPOTENCY["conflict"].recognises_repeats


def test_csv_requires_the_columns_of_the_fields_a_record_must_have() -> None:
    legacy = bundled_spec("legacy_sql")
    with pytest.raises(DecodeError, match="CSV header lacks the column"):
        FORMATS["csv"].decode(legacy, b"x,y\n1,2\n", "", required=None)


def test_graphql_posts_its_query_with_numeric_paging_variables() -> None:
    request = RequestSpec(format="graphql", query="{ q }", page_param="page", size_param="size")
    assert FORMATS["graphql"].document(request, {"page": "2", "size": "50", "after": "0012"}) == {
        "query": "{ q }",
        "variables": {"page": 2, "size": 50, "after": "0012"},
    }
    assert FORMATS["json"].document(request, {}) is None


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def test_a_push_only_connector_answers_the_cautious_defaults(session: aiohttp.ClientSession) -> None:
    push: Connector = AddstreamConnector(
        "16.07-banyuasin", UpstreamClient("x", session, Policy()), "http://127.0.0.1:9", token="t"
    )
    assert isinstance(push, ConnectorBase) and isinstance(push, Connector)
    assert (push.spec, push.says_secret, push.reads_follow_ups, push.takes_pushes) == (None, False, False, False)
    assert push.circuit_state == "closed"
    assert push.cursor_for(datetime.now(UTC)) is None
    assert push.status_as_read(Status.SELESAI) is Status.SELESAI
    with pytest.raises(Unsupported):
        await push.find("ref")
    with pytest.raises(Unsupported):
        push.map_body(b"<laporan/>")


async def test_a_mapped_source_says_what_its_mapping_says(session: aiohttp.ClientSession) -> None:
    wa = bundled_spec("wa_bot_mongo")
    source: Connector = build_source(wa, UpstreamClient("x", session, Policy()), "http://127.0.0.1:9")
    assert source.spec is wa and source.takes_pushes
    assert source.says_secret == ("is_secret" in wa.fields)
    assert source.reads_follow_ups == (wa.follow_ups is not None)
