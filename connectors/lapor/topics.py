"""The legacy data-access API's topic list (docs/domain.md §3.1): `POST …/f01/gettopics` with the
form field KEYTOKEN, answering `[{"id": "13", "parent": "3", "topic_name": "…"}]`.

Every id is a string, even when numeric, and `parent` is "0" for a root topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from connectors.errors import DecodeError
from connectors.http import UpstreamClient

GETTOPICS_PATH = "/api/services/f01/gettopics"


@dataclass(frozen=True, slots=True)
class Topic:
    """One category (topik) of the national tree."""

    id: str
    parent: str | None  # None for a root
    name: str


async def fetch_topics(client: UpstreamClient, base_url: str, *, keytoken: str) -> list[Topic]:
    """The whole topic tree; raises a ConnectorError subclass."""
    # A read, though a POST: safe to retry.
    response = await client.request(
        "POST", f"{base_url.rstrip('/')}{GETTOPICS_PATH}", data={"KEYTOKEN": keytoken}, safe_to_retry=True
    )
    try:
        return _topics(client.source, response.body)
    except DecodeError:
        client.unreadable_answer("POST")  # counted as an error, not a healthy call
        raise


def _topics(source: str, body: bytes) -> list[Topic]:
    try:
        rows = json.loads(body)
    except (ValueError, RecursionError):
        raise DecodeError(source, "the topic list is not valid JSON") from None
    if not isinstance(rows, list):
        raise DecodeError(source, "expected a list of topics")
    topics = []
    for row in rows:
        if not isinstance(row, dict) or not {"id", "parent", "topic_name"} <= set(row):
            raise DecodeError(source, "expected topics with id, parent and topic_name")
        parent = str(row["parent"])
        topics.append(Topic(id=str(row["id"]), parent=None if parent == "0" else parent, name=str(row["topic_name"])))
    return topics
