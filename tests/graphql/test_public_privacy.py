"""The public view of a complaint masks contact details a reporter typed into its text;
the case view shows the text as written."""

from __future__ import annotations

from tests.conftest import GraphQL, Tokens
from tests.submissions import GOOD, SUBMIT


async def test_contacts_in_the_text_are_masked_for_the_public_only(
    database_url: str, gql: GraphQL, tokens: Tokens
) -> None:
    text = "Hubungi saya di 0812 3456 7890 atau rina.kartika@example.com, NIK 1673014101900001, sejak 2026-03-10 pukul 10:00."
    made = await gql(SUBMIT, {"input": {**GOOD, "content": text, "isAnonymous": False}}, token=tokens.citizen)
    assert "errors" not in made, made
    tracking = made["data"]["submitComplaint"]["trackingId"]
    public = await gql("query($t: String) { publicComplaint(trackingId: $t) { content } }", {"t": tracking})
    shown = public["data"]["publicComplaint"]["content"]
    for secret in ("0812 3456 7890", "rina.kartika@example.com", "1673014101900001"):
        assert secret not in shown
    assert "2026-03-10 pukul 10:00" in shown and "[EMAIL]" in shown
    own = await gql(
        "query($t: String) { complaint(trackingId: $t) { content } }", {"t": tracking}, token=tokens.citizen
    )
    assert own["data"]["complaint"]["content"] == text
