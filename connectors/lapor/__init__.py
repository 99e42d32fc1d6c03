"""The national SP4N-LAPOR! adapters behind the Connector protocol.

- `AddstreamConnector`: the legacy "API Integrasi Laporan" XML push (docs/domain.md §3.2),
  create only; also what `xml_stream` regency systems accept.
- `fetch_topics`: the legacy "API Akses Data" JSON topic list (§3.1).
- The v3 JSON API is a declarative mapping, `connectors/mappings/lapor_v3.toml`, and is
  PROVISIONAL: invented from the v3 form's field names until the official spec is at hand.
"""

from __future__ import annotations

from connectors.lapor.addstream import AddstreamConnector
from connectors.lapor.topics import Topic, fetch_topics

__all__ = ["AddstreamConnector", "Topic", "fetch_topics"]
