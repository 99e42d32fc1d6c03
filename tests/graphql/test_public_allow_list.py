"""Every field of every type the public queries reach is asked for, of a complaint whose
every text holds a name, a phone, an e-mail and a NIK: none of the contact details comes
back. The selection is built from the schema itself, so a field added later is asked
for too, and fails here if it shows text unmasked."""

from __future__ import annotations

import json
from dataclasses import replace

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
)

from gateway.store.writer import SubmittedBy, insert_complaints
from schema.canonical import Disposition, FollowUp, Location, Rating, Reporter, ReporterReply, StatusEvent
from schema.graphql.build import build_schema
from schema.graphql.complaint_query import OFFLOAD_CHARS
from tests.conftest import GraphQL
from tests.factories import attachment, make_complaint

LEAK = "Ibu Sari 081234567890 sari@example.com NIK 3201234567890001"
CONTACTS = ("081234567890", "sari@example.com", "3201234567890001")
PUBLIC_ROOTS = {"publicComplaint": '(trackingId: "LEAK-1")', "publicComplaints": "(first: 1)"}  # within the cost budget
MAX_DEPTH = 6


def _askable(field: GraphQLField) -> bool:
    # A field with a required argument cannot be asked blind (none of the public ones has one).
    return not any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values())


def _selection(kind: GraphQLNamedType, path: frozenset[str], depth: int, asked: set[str]) -> str:
    assert isinstance(kind, GraphQLObjectType), f"{kind.name}: teach this walk unions and interfaces"
    parts = []
    for name, field in kind.fields.items():
        if not _askable(field):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
            asked.add(f"{kind.name}.{name}")
        elif inner.name not in path and depth < MAX_DEPTH:
            sub = _selection(inner, path | {inner.name}, depth + 1, asked)
            if sub:
                parts.append(f"{name} {{ {sub} }}")
                asked.add(f"{kind.name}.{name}")
    return " ".join(parts)


def public_query() -> tuple[str, set[str]]:
    """A query asking every reachable field of the public roots, and the fields it asks."""
    schema = build_schema()._schema
    asked: set[str] = set()
    roots = []
    for root, args in PUBLIC_ROOTS.items():
        kind = get_named_type(schema.query_type.fields[root].type)  # type: ignore[union-attr]
        roots.append(f"{root}{args} {{ {_selection(kind, frozenset({kind.name}), 1, asked)} }}")
    return "{ " + " ".join(roots) + " }", asked


def leaky_complaint():  # type: ignore[no-untyped-def]
    base = make_complaint(tracking_id="LEAK-1")
    at = base.created_at
    return replace(
        base,
        original_title=LEAK,
        title=LEAK,
        content=LEAK,
        location=Location(kode_wilayah="16.05.01.2002", address=LEAK, latitude=-3.21, longitude=102.95),
        tags=(LEAK,),
        attachments=(attachment(LEAK),),
        status_history=(
            *(replace(e, note=LEAK) for e in base.status_history),
            StatusEvent(base.status, at, None, LEAK),
        ),
        dispositions=(
            *(replace(d, note=LEAK) for d in base.dispositions),
            Disposition(base.dispositions[0].kind, "16.05-pupr", at, None, LEAK),
        ),
        follow_ups=(FollowUp("16.05-pupr", LEAK, at, (attachment(LEAK + ".pdf"),)),),
        replies=(ReporterReply(LEAK, at),),
        rating=Rating(4, at, LEAK),
        reporter=Reporter(name=LEAK, nik="3201234567890001", phone="081234567890", email="sari@example.com"),
    )


async def test_no_public_field_shows_contact_details(database_url: str, gql: GraphQL) -> None:
    await insert_complaints([leaky_complaint()], submitted_by=SubmittedBy(owner_subject="warga-9", subject="warga-9"))
    query, asked = public_query()
    # The walk reaches the free text it must: a walk that stopped short would prove nothing.
    for field in (
        "PublicComplaint.content",
        "PublicComplaint.followUps",
        "FollowUp.content",
        "Attachment.name",
        "Location.address",
        "Rating.comment",
        "PublicComplaint.title",
    ):
        assert field in asked, sorted(asked)
    body = await gql(query)
    assert "errors" not in body, body
    one = body["data"]["publicComplaint"]  # type: ignore[index]
    assert one is not None and one["followUps"] and one["rating"]["comment"], one
    assert "Ibu Sari" in one["content"]  # what is kept: the words around the details
    shown = json.dumps(body)
    for secret in CONTACTS:
        assert secret not in shown, shown[max(0, shown.find(secret) - 300) : shown.find(secret) + 40]


async def test_a_page_of_long_texts_is_masked_whole(database_url: str, gql: GraphQL) -> None:
    # Past OFFLOAD_CHARS of text, the page is masked on a worker thread: the same answer.
    long = " ".join([LEAK] * 160)
    many = [replace(make_complaint(), content=long, title=LEAK) for _ in range(8)]
    assert sum(len(c.content) for c in many) > OFFLOAD_CHARS
    await insert_complaints(many, submitted_by=SubmittedBy(owner_subject="warga-9", subject="warga-9"))
    body = await gql("{ publicComplaints(first: 10) { edges { cursor node { id title content } } } }")
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["publicComplaints"]["edges"]]  # type: ignore[index]
    assert len(nodes) == 8
    for node in nodes:
        assert node["content"].count("[EMAIL]") == 160 and node["title"].startswith("Ibu Sari [NUMBER]")
    shown = json.dumps(body)
    for secret in CONTACTS:
        assert secret not in shown
