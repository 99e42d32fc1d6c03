"""Format plug-ins: bytes from an upstream to raw records (JSON, XML, CSV)."""

from __future__ import annotations

from connectors.formats.csv_feed import decode_csv
from connectors.formats.json_feed import decode_json
from connectors.formats.xml_feed import decode_xml

__all__ = ["decode_csv", "decode_json", "decode_xml"]
