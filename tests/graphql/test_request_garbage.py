"""An answered request leaves its loaders to reference counting, not to the cycle collector
(issue 14: /healthz under 100 ms beside hostile traffic). graphql-core's execution context
refers to itself, and through it to the request's context; whatever the context still held
at the end (DataLoaders, their caches, the request) waited for a full collection, whose
pauses were the longest the gateway had."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from strawberry.dataloader import DataLoader

from gateway.store.writer import insert_complaints
from schema.graphql.context import GraphQLContext
from tests.conftest import GraphQL
from tests.factories import BASE_TIME, make_complaint

NESTED = """
query One($t: String) {
  complaint(trackingId: $t) {
    id title routedAgency { name } statusHistory { status } followUps { content } sources { system }
  }
}
"""


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees objects meanwhile: what a cycle holds stays visible."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _alive(kind: type) -> list[object]:
    return [o for o in gc.get_objects() if isinstance(o, kind)]


async def test_an_answered_request_leaves_no_loader_for_the_collector(
    database_url: str, admin_gql: GraphQL, no_collector: None
) -> None:
    c = make_complaint(created_at=BASE_TIME)
    await insert_complaints([c])
    await admin_gql(NESTED, {"t": c.tracking_id})  # warm: first-use caches stay for good
    loaders_before = len(_alive(DataLoader))

    for _ in range(5):
        body = await admin_gql(NESTED, {"t": c.tracking_id})
        assert "errors" not in body, body

    assert len(_alive(DataLoader)) == loaders_before
    for context in _alive(GraphQLContext):
        assert isinstance(context, GraphQLContext)
        assert context.request is None
        assert not {"public_loaders", "case_loaders", "agencies"} & set(vars(context))


async def test_a_request_makes_only_the_loaders_it_uses(database_url: str, admin_gql: GraphQL) -> None:
    c = make_complaint(created_at=BASE_TIME)
    await insert_complaints([c])
    made: list[DataLoader[object, object]] = []
    real_init = DataLoader.__init__

    def counting(self: DataLoader[object, object], *args: object, **kwargs: object) -> None:
        made.append(self)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DataLoader, "__init__", counting)
        body = await admin_gql("query One($t: String) { complaint(trackingId: $t) { id title } }", {"t": c.tracking_id})
    assert "errors" not in body, body
    # The lookup by tracking ID and the live read; none of the nested collections' loaders.
    assert len(made) <= 2
