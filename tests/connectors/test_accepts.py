"""Which statuses a regency system is sent: decided by its change_status body exactly as
the body is built (an out-map word, or the body's default), never by whether a record
already shows that word; the read map only says what the status reads back as."""

from __future__ import annotations

from datetime import UTC

import pytest

from connectors.accepts import accepts_of, status_read_back
from connectors.bundled import MAPPINGS_DIR, bundled_spec
from connectors.protocol import UnmappedValue
from connectors.spec import SpecError, load_spec
from connectors.write_body import build_body
from schema.canonical import Status

WA = (MAPPINGS_DIR / "wa_bot_mongo.toml").read_text(encoding="utf-8")
STATUS_KEY = 'body = { status = { value = "status", map = "status_out" } }'


def _wa(status_key: str) -> str:
    assert STATUS_KEY in WA
    return WA.replace(STATUS_KEY, f"body = {{ status = {status_key} }}")


def test_a_status_sent_as_the_bodys_default_is_taken() -> None:
    # Without a word or a default it cannot be sent...
    plain = load_spec(WA)
    assert not accepts_of(plain).takes("status", "TERVERIFIKASI")
    assert status_read_back(plain, Status.TERVERIFIKASI) is None
    spec = load_spec(_wa('{ value = "status", map = "status_out", default = "Perlu Verifikasi" }'))
    change = spec.writes.change_status
    assert change is not None
    # What the body sends for TERVERIFIKASI (no out-map word): the default...
    body = build_body(spec.name, change, {"status": Status.TERVERIFIKASI}, spec.maps, UTC)
    assert body == {"status": "Perlu Verifikasi"}
    # ...so the status is queued, and reads back as the default's word means.
    assert accepts_of(spec).takes("status", "TERVERIFIKASI")
    assert status_read_back(spec, Status.TERVERIFIKASI) is Status.BELUM_TERVERIFIKASI


def test_an_out_map_word_no_record_shows_yet_is_still_sent() -> None:
    # TUNDA goes as "Ditunda", a word the bot's records have not shown (not in [maps.status]).
    mapping = WA.replace('ARSIP = "Ditolak"\n', 'ARSIP = "Ditolak"\nTUNDA = "Ditunda"\n', 1)
    assert mapping != WA
    spec = load_spec(mapping)
    assert accepts_of(spec).takes("status", "TUNDA")
    # Nothing coarser is known: it reads back as itself, not as "no word" (None).
    assert status_read_back(spec, Status.TUNDA) is Status.TUNDA


def test_omit_on_the_status_key_is_refused_naming_the_path() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(_wa('{ value = "status", map = "status_out", when_unmapped = "omit" }'))
    message = str(caught.value)
    assert message.startswith("change_status.body.status.when_unmapped: expected fail or default"), message
    assert "found 'omit'" in message


MAPPINGS = {
    **{
        dialect: lambda d=dialect: bundled_spec(d)
        for dialect in ("lapor_v3", "legacy_sql", "rest_json_v1", "wa_bot_mongo")
    },
    "wa_bot_mongo with a default": lambda: load_spec(
        _wa('{ value = "status", map = "status_out", default = "Ditolak" }')
    ),
}


@pytest.mark.parametrize("mapping", sorted(MAPPINGS))
def test_what_is_taken_is_exactly_what_the_body_can_say(mapping: str) -> None:
    spec = MAPPINGS[mapping]()
    change = spec.writes.change_status
    assert change is not None
    accepts = accepts_of(spec)
    for status in Status:
        try:
            build_body(spec.name, change, {"status": status, "source_id": "1"}, spec.maps, UTC)
            sendable = True
        except UnmappedValue:
            sendable = False
        assert accepts.takes("status", status.value) is sendable, status
        assert (status_read_back(spec, status) is not None) is sendable, status


def test_replies_are_taken_only_where_the_follow_up_body_marks_them() -> None:
    """A follow-up body without `from_reporter` would post a reporter's reply as an agency's
    answer (and read it back as one): such a system takes follow-ups but no replies."""
    assert not accepts_of(load_spec(WA)).takes("reply")
    assert accepts_of(load_spec(WA)).takes("follow_up")
    marked = WA.replace(
        'body = { kesimpulan = "text" }',
        'body = { kesimpulan = "text", dari = { value = "from_reporter", cast = "bool", true = "pelapor", false = "opd" } }',
    )
    assert marked != WA
    assert accepts_of(load_spec(marked)).takes("reply")
    assert accepts_of(bundled_spec("lapor_v3")).takes("reply")
