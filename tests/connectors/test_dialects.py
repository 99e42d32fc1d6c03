"""The one list of dialects: each has what the sources file, the registry and the sandbox
take from it."""

from __future__ import annotations

import pytest

from connectors.dialects import DIALECTS, NAMES, Dialect, dialect
from connectors.sandbox.runner import SIMULATOR_ORDER
from connectors.spec import load_spec


@pytest.mark.parametrize("d", DIALECTS, ids=NAMES)
def test_each_dialect_has_its_mapping_and_its_simulator(d: Dialect) -> None:
    if d.mapping is not None:
        load_spec(d.mapping.read_text(encoding="utf-8"))  # parses: the bundled file is valid
    simulator = d.simulator_class()
    assert simulator.name == d.name and simulator.secret and simulator.calls
    assert d.label


def test_the_sandbox_serves_every_dialect_after_the_national_system() -> None:
    assert ("lapor_national", *NAMES) == SIMULATOR_ORDER


def test_an_unknown_dialect_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="rest_json_v1"):
        dialect("soap_v2")
