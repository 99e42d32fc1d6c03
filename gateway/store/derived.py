"""The stored columns of a complaint that are derived from its other values.

The deadline columns (from the status history, `schema.deadlines`), the folded search
text (`gateway.store.search_text`) and the province and regency codes (from the kode
wilayah) are kept on the complaint row so that lists filter and sort on them in SQL.
They are computed here and nowhere else: the bulk insert, a lifecycle action and a pull's
status take-over all store what `derived_columns` returns, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from gateway.store.search_text import search_document
from schema import deadlines
from schema.canonical import Complaint, StatusEvent
from schema.regions import province_of, regency_of


def deadline_columns(due: deadlines.Deadlines) -> dict[str, object]:
    """The stored deadline columns of a complaint (named as the Deadlines fields)."""
    return {f.name: getattr(due, f.name) for f in fields(deadlines.Deadlines)}


def derived_columns(
    complaint: Complaint, history: Sequence[StatusEvent], policy: deadlines.DeadlinePolicy
) -> dict[str, object]:
    """Every derived column of `complaint` with this status history (oldest first)."""
    code = complaint.location.kode_wilayah
    return {
        "province_code": province_of(code),
        "regency_code": regency_of(code),
        "search_text": search_document(complaint.title, complaint.original_title, complaint.content),
        **deadline_columns(deadlines.for_complaint(complaint, history, policy)),
    }


__all__ = ["deadline_columns", "derived_columns"]
