"""The legacy LAPOR! XML addstream contract (docs/domain.md §3.2): parse safely, answer in XML.

The legacy API has no transaction reference from the sender, so a retried submission creates
a second laporan: duplicates are possible, and simulators count submissions so tests can
check that a client sent each complaint exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from schema.errors import RecordError


class AddstreamError(RecordError, ValueError):
    """The body is not an acceptable addstream document."""

    code = "BAD_ADDSTREAM"
    http_status = 400


@dataclass(frozen=True, slots=True)
class Submission:
    """One parsed addstream document."""

    token: str
    email: str
    telpon: str
    namadepan: str
    namabelakang: str
    isi: str
    rahasia: bool
    anonim: bool


def _text(parent: Element | None, tag: str) -> str:
    found = parent.find(tag) if parent is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_addstream(body: bytes) -> Submission:
    """Parse with defusedxml only: DTDs, entities and external references are refused."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise AddstreamError(f"forbidden XML construct: {type(exc).__name__}") from None
    except ParseError as exc:
        raise AddstreamError(f"malformed XML: {exc}") from None
    if root.tag != "lapor":
        raise AddstreamError("root element must be <lapor>")
    laporan = root.find("laporan")
    if laporan is None:
        raise AddstreamError("<laporan> is required")
    isi = _text(laporan, "isi")
    if not isi:
        raise AddstreamError("<isi> is required")
    pelapor = root.find("pelapor")
    return Submission(
        token=root.get("token", ""),
        email=_text(pelapor, "email"),
        telpon=_text(pelapor, "telpon"),
        namadepan=_text(pelapor, "namadepan"),
        namabelakang=_text(pelapor, "namabelakang"),
        isi=isi,
        rahasia=laporan.get("rahasia") == "1",
        anonim=laporan.get("anonim") == "1",
    )


def response_xml(tracking_id: str, transaction_id: str) -> str:
    """The success answer: `<response><trackingid>…</trackingid><transaksiid>…</transaksiid></response>`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<response><trackingid>{escape(tracking_id)}</trackingid>"
        f"<transaksiid>{escape(transaction_id)}</transaksiid></response>"
    )


def error_xml(message: str) -> str:
    """An error answer in the same style."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<response><error>{escape(message)}</error></response>'
