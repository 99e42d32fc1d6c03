"""What an upstream said when it refused or failed a request: its reason, in its own words,
short and masked, fit for a dead letter, an error message or a log line.

Systems put their reason in different places (`message`, `pesan`, `error`, `detail`, a
field-by-field `galat` or `errors` object, a JSON:API `errors` list, or a plain text or
HTML page); `upstream_reason` reads the usual ones and falls back to the whole body as
text. The result is masked (names, NIK, phone numbers, e-mail addresses: a refusal often
quotes the value it refused) and bounded, so it can be stored and shown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lokal.samaran import mask_pii

from schema.privacy import mask_contacts

REASON_LIMIT = 300  # characters of an upstream's reason kept
_READ_LIMIT = 16 * 1024  # bytes of a body looked at (a reason is near its start)
# Where systems put the sentence saying what was wrong, most specific first.
_MESSAGE_KEYS = ("message", "pesan", "msg", "error_description", "error", "detail", "title", "keterangan", "reason")
# Where they put what was wrong field by field.
_DETAIL_KEYS = ("galat", "errors", "error_details", "details", "violations", "kesalahan")
_TAG = re.compile(r"<[^>]+>")


def upstream_reason(body: bytes, *, limit: int = REASON_LIMIT) -> str | None:
    """The reason an upstream gave in its answer's body, masked and at most `limit`
    characters; None when the body says nothing."""
    if not body:
        return None
    text = body[:_READ_LIMIT].decode("utf-8", errors="replace")
    try:
        said = _said(json.loads(text))
    except ValueError:
        said = _TAG.sub(" ", text)  # a plain text or HTML error page
    said = " ".join(said.split())
    if not said:
        return None
    # Masked before it is cut, so a cut never leaves part of a number or name showing.
    masked = mask_contacts(mask_pii(said).text)
    return masked if len(masked) <= limit else masked[: limit - 1] + "…"


def _said(data: Any) -> str:
    """A JSON body's reason: its message and its field-by-field problems."""
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        return "; ".join(filter(None, (_said(item) for item in data)))
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    parts: list[str] = []
    for key in _MESSAGE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
            break
        if isinstance(value, dict | list) and value:
            parts.append(_said(value))
            break
    for key in _DETAIL_KEYS:
        value = data.get(key)
        if isinstance(value, dict) and value:
            parts.append("; ".join(f"{field}: {_problems(problems)}" for field, problems in value.items()))
        elif isinstance(value, list) and value:
            parts.append(_said(value))
    where = data.get("source")
    if parts and isinstance(where, dict) and isinstance(where.get("pointer") or where.get("parameter"), str):
        # A JSON:API error names the field it is about apart from its sentence.
        parts[0] = f"{where.get('pointer') or where.get('parameter')}: {parts[0]}"
    return " | ".join(p for p in parts if p) or json.dumps(data, ensure_ascii=False)


def _problems(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_problems(v) for v in value)
    if isinstance(value, dict):
        return _said(value)
    return str(value)
