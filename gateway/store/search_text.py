"""The folded form of a complaint's text that text search matches against.

SQLite's LIKE folds only ASCII and PostgreSQL's ILIKE depends on the collation, so the
gateway stores its own folding (NFKD, marks removed, casefolded, spaces collapsed) and
matches the folded query with a plain LIKE: the same results on both databases.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Fold text for matching: 'Jalan RUSAK di Kécamatan' -> 'jalan rusak di kecamatan'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def search_document(title: str | None, original_title: str, content: str) -> str:
    """The text stored for a complaint: both titles and the content, folded."""
    return fold(" ".join(filter(None, (title, original_title, content))))
