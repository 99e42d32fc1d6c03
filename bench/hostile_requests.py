"""What the hostile client sends: the request bodies of each attack and the bad tokens, and
how an answer is named (by its error code) when it comes back.

The attacks are the ones issue #14 found holding the gateway: the region tree (every desa
in Indonesia from one query), pages of aliased lists, 60,000-character tracking IDs and
10,000-character texts built to make a backtracking regex work hard, and tokens that fail.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from auth.dev import DevKeys, issue_token, load_or_create
from auth.roles import Role

TOKEN_TTL_S = 3600
# Word characters with no "@" anywhere: for each start position a backtracking e-mail
# pattern runs to the end of the text before giving up, so the work grows with its square.
LONG_WORD = "a"
TRACKING_ID_CHARS = 60_000
TEXT_CHARS = 10_000
# Letters and dots in turn: the same trap for a pattern that allows dots in a name.
DOTTED_TEXT = ("a." * (TEXT_CHARS // 2))[:TEXT_CHARS]


def region_tree(aliases: int) -> bytes:
    """Every province's kab/kota's kecamatan's desa, `aliases` times over, with no token."""
    tree = "regions { children { children { children { code name } } } }"
    fields = " ".join(f"t{i}: {tree}" for i in range(aliases))
    return json.dumps({"query": f"{{ {fields} }}"}).encode()


def aliased_lists(aliases: int) -> bytes:
    """One page of `aliases` aliased public lists of 100, each with its full texts."""
    page = "publicComplaints(first: 100) { edges { node { id trackingId title content status } } }"
    fields = " ".join(f"l{i}: {page}" for i in range(aliases))
    return json.dumps({"query": f"{{ {fields} }}"}).encode()


def long_tracking_id() -> bytes:
    """A public lookup by a 60,000-character tracking ID."""
    query = "query($t: String!) { publicComplaint(trackingId: $t) { id title } }"
    variables = {"t": LONG_WORD * TRACKING_ID_CHARS}
    return json.dumps({"query": query, "variables": variables}).encode()


def long_text_submission() -> bytes:
    """A complaint in Musi Rawas (where the legitimate public list reads) whose 10,000
    characters every public read of it must mask."""
    query = "mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { trackingId } }"
    variables = {
        "input": {
            "classification": "PENGADUAN",
            "title": LONG_WORD * 150,
            "content": DOTTED_TEXT,
            "location": {"kodeWilayah": "16.05", "address": LONG_WORD * 500},
        }
    }
    return json.dumps({"query": query, "variables": variables}).encode()


def long_text_filter() -> bytes:
    """A public list filtered by a 10,000-character text."""
    query = "query($q: String) { publicComplaints(first: 5, filter: {text: $q}) { totalCount } }"
    return json.dumps({"query": query, "variables": {"q": DOTTED_TEXT}}).encode()


def cheap_read() -> bytes:
    """What a flood sends: a lookup that costs the gateway little each time."""
    query = '{ publicComplaint(trackingId: "LPR-0000000000") { id } }'
    return json.dumps({"query": query}).encode()


def subscription(index: int) -> str:
    """A graphql-transport-ws `subscribe` message."""
    query = 'subscription { complaintUpdates(kodeWilayah: "16") { kind complaint { id status } } }'
    return json.dumps({"id": str(index), "type": "subscribe", "payload": {"query": query}})


class HostileTokens:
    """The hostile callers' tokens: valid ones (a citizen, a coordinator: attackers may
    well hold a token) signed with the key the gateway trusts, and bad ones of every sort."""

    def __init__(self, trusted: DevKeys, scratch: Path | None = None) -> None:
        self.citizen = issue_token(trusted, subject="hostile-warga", roles=[Role.CITIZEN], ttl=TOKEN_TTL_S)
        self.coordinator = issue_token(
            trusted, subject="hostile-coordinator", roles=[Role.REGIONAL_COORDINATOR],
            kode_wilayah="16", ttl=TOKEN_TTL_S,
        )  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="hostile-keys-", dir=scratch) as tmp:
            stranger = load_or_create(Path(tmp))  # a key the gateway has never seen
        signed = issue_token(trusted, subject="hostile-x", roles=[Role.CITIZEN], ttl=TOKEN_TTL_S)
        header, claims, _ = signed.split(".")
        self.bad = [
            "not-a-token",
            issue_token(stranger, subject="hostile-x", roles=[Role.CITIZEN], ttl=TOKEN_TTL_S),
            issue_token(
                trusted,
                subject="hostile-x",
                roles=[Role.CITIZEN],
                ttl=60,
                now=time.time() - 7200,
            ),
            f"{header}.{claims}.{'A' * 86}",  # a forged signature
            f"{header}.{claims}.",  # none at all
        ]
