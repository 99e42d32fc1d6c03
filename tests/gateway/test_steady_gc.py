"""`serve` freezes what start-up loaded and collects the first generation less often, so
full collections do not re-scan the long-lived schema and registry on every request burst."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gateway.cli.serve import GC_FIRST_GENERATION, steady_garbage_collection


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_start_up_objects_are_frozen_and_young_collections_are_rarer(restored_gc: None) -> None:
    gc.unfreeze()
    _, second, third = gc.get_threshold()
    steady_garbage_collection()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (GC_FIRST_GENERATION, second, third)
