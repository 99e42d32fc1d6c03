"""The formats a mapping can name (`[request] format = "..."`), each a small class in
`FORMATS`: how a list is asked for, and how an answer's body becomes raw records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, final

from typing_extensions import override

from connectors.formats.csv_feed import decode_csv
from connectors.formats.graphql_feed import decode_graphql
from connectors.formats.json_feed import decode_json
from connectors.formats.xml_feed import decode_xml
from connectors.records import RawRecord

if TYPE_CHECKING:
    from connectors.spec_types import RequestSpec, SourceSpec

__all__ = ["FORMATS", "Format"]


class Format:
    """JSON (`format = "json"`), the default; the base of the other formats."""

    name: ClassVar[str] = "json"
    posts_document: ClassVar[bool] = False  # whether a list is asked for by POSTing `document`

    def decode(self, spec: SourceSpec, body: bytes, path: str, *, required: tuple[str, ...] | None) -> list[RawRecord]:
        """The records at `path` of an answer (`required`: the columns a table must have,
        None for the mapping's own)."""
        return decode_json(spec.name, body, path)

    def document(self, request: RequestSpec, params: Mapping[str, str]) -> dict[str, object] | None:
        """The JSON document a list request POSTs, for a format that asks with one."""
        return None


@final
class Xml(Format):
    """XML, read only through defusedxml."""

    name = "xml"

    @override
    def decode(self, spec: SourceSpec, body: bytes, path: str, *, required: tuple[str, ...] | None) -> list[RawRecord]:
        return decode_xml(spec.name, body, path)


@final
class Csv(Format):
    """CSV exports: a header row, the mapping's encoding and delimiter."""

    name = "csv"

    @override
    def decode(self, spec: SourceSpec, body: bytes, path: str, *, required: tuple[str, ...] | None) -> list[RawRecord]:
        if required is None:
            # The columns of the fields a record must have: an HTML error page is "valid CSV".
            required = tuple(f.path for f in spec.fields.values() if f.path and not f.optional and f.default is None)
        return decode_csv(
            spec.name, body, encoding=spec.encoding, delimiter=spec.request.delimiter, required_columns=required
        )


@final
class GraphQL(Format):
    """An upstream GraphQL API: the mapping's query, POSTed with the paging as variables."""

    name = "graphql"
    posts_document = True

    @override
    def decode(self, spec: SourceSpec, body: bytes, path: str, *, required: tuple[str, ...] | None) -> list[RawRecord]:
        return decode_graphql(spec.name, body, path)

    @override
    def document(self, request: RequestSpec, params: Mapping[str, str]) -> dict[str, object] | None:
        # Page numbers and sizes are Int variables; cursors and times stay strings
        # (an opaque cursor may look like a number).
        numeric = {request.page_param, request.offset_param, request.size_param}
        variables: dict[str, object] = {k: int(v) if k in numeric else v for k, v in params.items()}
        return {"query": request.query, "variables": variables}


FORMATS: Mapping[str, Format] = {f.name: f for f in (Format(), Xml(), Csv(), GraphQL())}
