"""No N+1: nested fields resolve through per-request DataLoaders, so a page of 40 costs the
store as many statements as a page of 5, and a live list calls each source once per page
it reads (never once per record). Statements are counted at the database driver's logger,
upstream calls at the simulators."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gateway.store.models import ComplaintSourceRow
from tests.conftest import Tokens
from tests.federation.conftest import Federated

NESTED = """
      id status live
      routedAgency { name parent { name } } suggestedAgency { name } category { name }
      statusHistory { status at } dispositions { kind } followUps { content } replies { content }
      attachments { name } sources { system id } deadlines { verification { due } }
"""
INDEX_LIST = "query($n: Int!) { complaints(first: $n) { edges { node {" + NESTED + "} } } }"
LIVE_LIST = (
    'query($n: Int!) { complaints(live: true, first: $n, filter: {kodeWilayah: "16", createdAfter: "2000-01-01T00:00:00Z"}) '
    "{ sources { system outcome records } edges { node {" + NESTED + "} } } }"
)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.statements += 1  # counted, never formatted: the parameters stay unread


@contextmanager
def statements() -> Iterator[_Count]:
    """Counts the SQL statements run inside the block."""
    logger = logging.getLogger("tortoise.db_client")
    counter, level, propagate = _Count(), logger.level, logger.propagate
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
        logger.propagate = propagate


async def _run(federated: Federated, query: str, n: int, token: str) -> tuple[dict[str, Any], int]:
    with statements() as counted:
        body = await federated.gql(query, {"n": n}, token=token)
    assert "errors" not in body, body
    return body["data"]["complaints"], counted.statements


def _upstream(federated: Federated) -> dict[str, int]:
    return {name: len(sim.received.entries) for name, sim in federated.sims.items() if sim.received.entries}


async def test_an_index_page_costs_the_same_statements_whatever_its_size(federated: Federated, tokens: Tokens) -> None:
    await _run(federated, INDEX_LIST, 2, tokens.national_admin)  # trees and caches warm
    small, few = await _run(federated, INDEX_LIST, 5, tokens.national_admin)
    large, many = await _run(federated, INDEX_LIST, 40, tokens.national_admin)
    assert len(small["edges"]) == 5 and len(large["edges"]) == 40
    assert many == few, f"{few} statements for 5 complaints, {many} for 40"
    assert _upstream(federated) == {}  # an index list calls no source


async def test_a_live_page_calls_each_source_once_and_the_store_a_fixed_number_of_times(
    federated: Federated, tokens: Tokens
) -> None:
    await _run(federated, LIVE_LIST, 2, tokens.national_admin)
    for sim in federated.sims.values():
        sim.received.clear()
    small, few = await _run(federated, LIVE_LIST, 5, tokens.national_admin)
    calls_small = _upstream(federated)
    for sim in federated.sims.values():
        sim.received.clear()
    large, many = await _run(federated, LIVE_LIST, 40, tokens.national_admin)
    calls_large = _upstream(federated)
    assert len(small["edges"]) == 5 and len(large["edges"]) == 40
    assert many == few, f"{few} statements for 5 complaints, {many} for 40"
    readable = {s["system"] for s in large["sources"] if s["outcome"] == "OK"}
    assert len(readable) >= 10
    # Per source one list call for its one page (a dozen records each), plus one for its
    # follow-ups where the dialect lists them apart (legacy_sql); none per record.
    assert calls_large == calls_small and set(calls_large) <= readable
    assert all(n <= 2 for n in calls_large.values()), calls_large


async def test_live_reads_of_many_complaints_go_out_in_one_batch(federated: Federated, tokens: Tokens) -> None:
    ids = [
        str(c)
        for c in await ComplaintSourceRow.filter(system="16.01-ogan-komering-ulu")
        .limit(6)
        .values_list("complaint_id", flat=True)
    ]
    assert len(ids) == 6

    async def ask(live: bool) -> int:
        aliases = " ".join(
            f'c{i}: complaint(id: "{cid}", live: {str(live).lower()}) {{ status owner {{ outcome }} }}'
            for i, cid in enumerate(ids + ids)
        )
        with statements() as counted:
            body = await federated.gql("{ " + aliases + " }", token=tokens.national_admin)
        assert "errors" not in body, body
        return counted.statements

    from_index = await ask(False)
    assert len(federated.sims["16.01-ogan-komering-ulu"].received.entries) == 0
    live = await ask(True)
    assert len(federated.sims["16.01-ogan-komering-ulu"].received.entries) == 6  # one per record, asked twice each
    assert from_index <= 2, from_index  # twelve lookups (six distinct), one query
    # What reading them live adds to the store, in one batch: their owners (three
    # queries) and the status changes still on their way to them (one).
    assert live - from_index <= 4, (from_index, live)
