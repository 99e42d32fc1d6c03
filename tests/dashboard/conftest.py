"""The dashboard's tests use the federated fixture: the demo province synced once."""

from tests.federation.conftest import federated  # noqa: F401  (a fixture)
