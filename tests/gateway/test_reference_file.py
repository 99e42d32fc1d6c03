"""The reference file: strict parsing with path, expected and found; the Sumatera Selatan
example; and the documentation of every key the parser accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.demo.reference import demo_reference
from gateway.domain.reference_file import (
    AGENCY_KEYS,
    CATEGORY_KEYS,
    LEVELS,
    TOP_KEYS,
    ReferenceFileError,
    check_parents,
    parse_reference,
    read_reference,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "reference-sumsel.toml"
DOC = ROOT / "docs" / "reference-data.md"

UNIT = '[[agency]]\nid = "16.05-pupr"\nname = "Dinas PUPR"\nlevel = "UNIT"\nparent = "pemkab-16.05"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[agencies]]\nid = "x"\n', "(top level): expected only the keys agency, category; found 'agencies'"),
        ('agency = "x"\n', "agency: expected [[agency]] tables; found 'x'"),
        (
            UNIT + 'kode = "16.05"\n',
            "agency[0]: expected only the keys id, name, short_name, level, kode_wilayah, parent; found 'kode'",
        ),
        (
            UNIT.replace('"16.05-pupr"', '"Dinas PUPR"'),
            "agency[0].id: expected an id of lowercase letters, digits, '.' and '-' (at most 80 characters); found 'Dinas PUPR'",
        ),
        (
            UNIT.replace('"UNIT"', '"OPD"'),
            "agency[0].level: expected one of NATIONAL, PROVINCE, REGENCY, CITY, UNIT; found 'OPD'",
        ),
        (
            UNIT.replace('parent = "pemkab-16.05"\n', ""),
            "agency[0].parent: expected an id of lowercase letters, digits, '.' and '-' (at most 80 characters); found None",
        ),
        (
            UNIT.replace('"16.05-pupr"\nname', '"pemkab-16.05"\nname'),
            "agency[0].parent: expected another agency's id; found 'pemkab-16.05'",
        ),
        (
            UNIT.replace('"Dinas PUPR"', '""'),
            "agency[0].name: expected text of 1-200 characters without leading or trailing spaces; found ''",
        ),
        (
            UNIT + "kode_wilayah = 16.10\n",
            "agency[0].kode_wilayah: expected a Kemendagri code NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN, as a quoted string; found 16.1",
        ),
        (
            UNIT + 'kode_wilayah = "16.99"\n',
            "agency[0].kode_wilayah: expected a Kemendagri code NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN that exists in the Kemendagri region data; found '16.99'",
        ),
        (
            '[[agency]]\nid = "pemkot-16.71"\nname = "Pemerintah Kota Palembang"\nlevel = "REGENCY"\nkode_wilayah = "16.71"\n',
            "agency[0].kode_wilayah: expected the code of a kabupaten, like \"16.05\"; found '16.71'",
        ),
        (
            '[[agency]]\nid = "pemprov-16"\nname = "Pemprov"\nlevel = "PROVINCE"\n',
            'agency[0].kode_wilayah: expected the code of a province, like "16" (a PROVINCE agency governs a region); found None',
        ),
        (UNIT + UNIT, "agency[1].id: expected an id not used before (it is agency[0]'s); found '16.05-pupr'"),
        (
            '[[category]]\nid = "jalan"\nname = "Jalan"\nicon = "road"\n',
            "category[0]: expected only the keys id, name, parent; found 'icon'",
        ),
        (
            '[[category]]\nid = "jalan"\nname = "' + "x" * 121 + '"\n',
            "category[0].name: expected text of 1-120 characters without leading or trailing spaces; found '"
            + "x" * 121
            + "'",
        ),
        (
            '[[category]]\nid = "jalan"\nname = "Jalan"\n[[category]]\nid = "jalan"\nname = "Jalan lagi"\n',
            "category[1].id: expected an id not used before (it is category[0]'s); found 'jalan'",
        ),
        ("[[agency]\n", None),
    ],
)
def test_a_bad_file_is_refused_with_path_expected_and_found(text: str, message: str | None) -> None:
    with pytest.raises(ReferenceFileError) as caught:
        parse_reference(text)
    if message is None:
        assert str(caught.value).startswith("not valid TOML: ")
    else:
        assert str(caught.value) == message
    assert caught.value.code == "BAD_REFERENCE_FILE"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match=r"nowhere\.toml: cannot read it"):
        read_reference(tmp_path / "nowhere.toml")


def test_the_sumatera_selatan_example_is_the_demo_registry_and_its_links_hold() -> None:
    example = read_reference(EXAMPLE)
    assert example == demo_reference(), "docs/examples/reference-sumsel.toml drifted from the demo's registry"
    check_parents(example, {}, {})  # loads into an empty store
    assert len(example.agencies) == 250 and len(example.categories) == 60
    levels = {a.level.value for a in example.agencies}
    assert levels == set(LEVELS)


def _documented_keys(heading: str) -> list[str]:
    """The keys in the first column of the table under a `### heading` of the doc."""
    section = DOC.read_text(encoding="utf-8").split(f"### `{heading}`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


def test_every_key_the_parser_accepts_is_documented() -> None:
    assert _documented_keys("[[agency]]") == list(AGENCY_KEYS)
    assert _documented_keys("[[category]]") == list(CATEGORY_KEYS)
    text = DOC.read_text(encoding="utf-8")
    for key in TOP_KEYS:
        assert f"`[[{key}]]`" in text
    for level in LEVELS:
        assert f"`{level}`" in text
