"""Format plug-ins: bytes from an upstream to raw records (JSON, XML, CSV, GraphQL)."""

from __future__ import annotations

from connectors.formats.csv_feed import decode_csv
from connectors.formats.graphql_feed import decode_graphql
from connectors.formats.json_feed import decode_json
from connectors.formats.xml_feed import decode_xml

__all__ = ["decode_csv", "decode_graphql", "decode_json", "decode_xml"]
