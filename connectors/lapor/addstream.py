"""The legacy addstream push (docs/domain.md §3.2) as a create-only Connector.

One POST of `<lapor token="…"><pelapor>…</pelapor><laporan rahasia anonim><isi>…</isi>
</laporan></lapor>`, answered with `<trackingid>` and `<transaksiid>`. The format carries no
title, category or location; the title travels as the first line of `<isi>`, and the
incident date and category as its last lines ("Tanggal kejadian: …", "Kategori: …"), so
nothing is lost. It has no sender reference either, so a create is sent once and never retried here:
after an unknown outcome only the sync engine, by looking for the record, may decide.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import NoReturn, cast
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from typing_extensions import override

from connectors.base import ConnectorBase
from connectors.errors import DecodeError, UpstreamRejected
from connectors.http import UpstreamClient
from connectors.protocol import (
    Batch,
    Capability,
    Created,
    FollowUp,
    NewComplaint,
    StatusChange,
    Unsupported,
)
from connectors.records import SourceComplaint

ADDSTREAM_PATH = "/api/stream/addstream"
# Characters XML 1.0 cannot carry at all (escaping does not help); replaced by a space.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub(" ", value)


def addstream_document(token: str, complaint: NewComplaint) -> bytes:
    """The XML document for one complaint; the reporter only when the complaint carries one."""
    root = Element("lapor", token=token)
    pelapor = SubElement(root, "pelapor")
    reporter = complaint.reporter
    given, _, family = (reporter.name or "").partition(" ") if reporter else ("", "", "")
    for tag, value in (
        ("email", reporter.email if reporter else None),
        ("telpon", reporter.phone if reporter else None),
        ("namadepan", given),
        ("namabelakang", family or "_"),  # the legacy client sends "_" for an empty family name
    ):
        SubElement(pelapor, tag).text = _xml_text(value or "")
    laporan = SubElement(
        root,
        "laporan",
        rahasia="1" if complaint.is_secret else "0",
        anonim="1" if complaint.is_anonymous else "0",
    )
    isi = (
        complaint.content
        if complaint.content.startswith(complaint.title)
        else f"{complaint.title}\n\n{complaint.content}"
    )
    facts = [f"Tanggal kejadian: {complaint.incident_date.isoformat()}"] if complaint.incident_date else []
    facts += [f"Kategori: {complaint.category_code}"] if complaint.category_code else []
    if facts:
        isi = f"{isi}\n\n" + "\n".join(facts)
    SubElement(laporan, "isi").text = _xml_text(isi)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + cast(
        bytes, tostring(root, encoding="utf-8", xml_declaration=False)
    )


def _answer(source: str, body: bytes) -> Element:
    try:
        answer: Element = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DecodeError(source, f"the answer holds a forbidden XML construct ({type(exc).__name__})") from None
    except ParseError:
        raise DecodeError(source, "the answer is not well-formed XML") from None
    return answer


class AddstreamConnector(ConnectorBase):
    """Pushes complaints to an addstream endpoint (LAPOR! legacy, or an xml_stream regency)."""

    client: UpstreamClient

    def __init__(self, name: str, client: UpstreamClient, base_url: str, *, token: str) -> None:
        self._name = name
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.token = token

    @property
    @override
    def name(self) -> str:
        """The source's name."""
        return self._name

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Create only: the format has no read, status or follow-up calls."""
        return frozenset({Capability.CREATE})

    @property
    def repeat_safe(self) -> frozenset[Capability]:
        """Nothing: the format has no sender reference, a repeated push is a second laporan."""
        return frozenset()

    def _unsupported(self, what: Capability) -> NoReturn:
        raise Unsupported(self.name, f"the addstream API cannot {what.value.replace('_', ' ')} (create only)")

    async def changes(self, since: str | None = None) -> AsyncIterator[Batch]:
        """Not available: push only."""
        self._unsupported(Capability.LIST_CHANGES)
        yield  # type: ignore[unreachable]  # pragma: no cover  (makes this an async generator)

    async def read_one(self, source_id: str) -> SourceComplaint | None:
        """Not available: push only."""
        self._unsupported(Capability.READ_ONE)

    async def change_status(self, source_id: str, change: StatusChange) -> None:
        """Not available: push only."""
        self._unsupported(Capability.CHANGE_STATUS)

    async def add_follow_up(self, source_id: str, follow_up: FollowUp) -> None:
        """Not available: push only."""
        self._unsupported(Capability.ADD_FOLLOW_UP)

    async def create(self, complaint: NewComplaint) -> Created:
        """POST the document once; the tracking ID the answer carries is the new record's id."""
        try:
            response = await self.client.request(
                "POST",
                f"{self.base_url}{ADDSTREAM_PATH}",
                data=addstream_document(self.token, complaint),
                headers={"Content-Type": "text/xml; charset=UTF8"},
            )
        except UpstreamRejected as exc:
            detail = ""
            if exc.body:
                try:
                    error = _answer(self.name, exc.body).findtext("error")
                except DecodeError:
                    error = None
                detail = f": {error[:120]}" if error else ""
            raise UpstreamRejected(self.name, f"{exc.message}{detail}", status=exc.status) from None
        try:
            root = _answer(self.name, response.body)
            tracking_id = (root.findtext("trackingid") or "").strip()
            if not tracking_id.isdigit():
                raise DecodeError(self.name, "the answer has no numeric <trackingid>")
        except DecodeError:
            self.client.unreadable_answer("POST")  # counted as an error, not a healthy call
            raise
        transaction_id = (root.findtext("transaksiid") or "").strip() or None
        return Created(source_id=tracking_id, tracking_id=tracking_id, transaction_id=transaction_id)
