"""Reporters' replies (tanggapan pelapor) on their way to other systems.

A reply travels as a follow-up marked `from_reporter`: the same outbox kind, claims and
repeat checks as an agency's follow-up. Its key is the text's fingerprint with a `reply-`
prefix, so the same words from the reporter and from an agency stay two writes, and the
deliverer knows to read the reply rather than a follow-up.
"""

from __future__ import annotations

from gateway.store.outbound import replies
from gateway.sync.propagate import follow_up_key
from schema.canonical import ReporterReply

PREFIX = "reply-"


def reply_key(text: str) -> str:
    """The outbox key of a reporter's reply with this text."""
    return PREFIX + follow_up_key(text)


def is_reply_key(key: str) -> bool:
    """Whether an outbox follow-up key names a reporter's reply."""
    return key.startswith(PREFIX)


async def find_reply(complaint_id: str, key: str) -> ReporterReply | None:
    """The complaint's reply with this key (the earliest, if the reporter said it twice)."""
    for reply in await replies(complaint_id):
        if reply_key(reply.content) == key:
            return reply
    return None
