"""`rest_json_v1`: PROSES means disposed or answered, told apart by `respondedAt`.

The regent's office status PROSES covers both "sent to the OPD" and "the OPD answered"
(docs/domain.md §4.5); the second is when `respondedAt` is set. A value map sees one word, so
this hook finishes the job: PROSES with a response is DITINDAKLANJUTI.
"""

from __future__ import annotations

from dataclasses import replace
from typing import final

from typing_extensions import override

from connectors.records import RawRecord, SourceComplaint
from connectors.source import HttpSource
from schema.canonical import Status


@final
class RestJsonV1Source(HttpSource):
    """The declarative source plus the respondedAt rule."""

    @override
    def refine(self, raw: RawRecord, record: SourceComplaint) -> SourceComplaint:
        if record.status is Status.DIDISPOSISIKAN and raw.get("respondedAt"):
            return replace(record, status=Status.DITINDAKLANJUTI)
        return record
