"""XML bodies, read only through defusedxml (no DTDs, no entities: no XXE, no billion laughs).

Elements become dicts: attributes as "@name", child elements by tag (a list when a tag
repeats), text as "#text" when an element has attributes or children, else the text itself.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from connectors.errors import DecodeError
from connectors.paths import MISSING, get_path
from connectors.records import RawRecord


def element_to_dict(element: Element) -> Any:
    """One element as plain data."""
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return text
    out: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    for child in children:
        value = element_to_dict(child)
        if child.tag in out:
            existing = out[child.tag]
            out[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[child.tag] = value
    if text:
        out["#text"] = text
    return out


def decode_xml(source: str, body: bytes, records_path: str = "") -> list[RawRecord]:
    """The records at `records_path` below the root ("" for the root itself)."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DecodeError(source, "XML with a DTD or entities is refused") from None
    except (ParseError, ValueError):
        raise DecodeError(source, "body is not well-formed XML") from None
    document = element_to_dict(root)
    found = get_path(document, records_path) if records_path else document
    if found is MISSING:
        raise DecodeError(source, f"no records at '{records_path}'")
    records = found if isinstance(found, list) else [found]
    elements: list[RawRecord] = [r for r in records if isinstance(r, dict)]
    if len(elements) != len(records):
        raise DecodeError(source, f"expected elements with children at '{records_path}'")
    return elements
