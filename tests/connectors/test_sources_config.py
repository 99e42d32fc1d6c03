"""The sources configuration: the bundled Sumatera Selatan demo, and strict refusal of broken
variants with the path, the expected and the found value."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from connectors.config import (
    DEMO_CONFIG,
    SANDBOX_URL,
    SourcesConfig,
    load_config,
    parse_config,
)
from connectors.dialects import NAMES as DIALECTS
from connectors.spec import SpecError
from schema.regions import children

DEMO = DEMO_CONFIG.read_text(encoding="utf-8")
REGENCY_KEYS = "kode_wilayah, connected, dialect, mapping, url, secret_env, connected_since"
OKU = 'kode_wilayah = "16.01"  # Ogan Komering Ulu\ndialect = "rest_json_v1"\nurl = "sandbox"'
OKU_TIMUR = 'kode_wilayah = "16.08"  # Ogan Komering Ulu Timur\nconnected = false'
MAPPING_FILE = Path(__file__).parents[2] / "connectors" / "mappings" / "rest_json_v1.toml"


def variant(old: str, new: str) -> str:
    assert DEMO.count(old) == 1, f"anchor not found once in sumsel.toml: {old!r}"
    return DEMO.replace(old, new, 1)


def config_error(text: str, base: Path = Path(".")) -> str:
    with pytest.raises(SpecError) as info:
        parse_config(tomllib.loads(text), base=base)
    return str(info.value)


# -- the bundled demo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> SourcesConfig:
    return load_config(DEMO_CONFIG)


def test_the_demo_lists_every_kab_kota_of_sumatera_selatan(demo: SourcesConfig) -> None:
    assert demo.province == "16"
    codes = [r.kode_wilayah for r in demo.regencies]
    assert len(codes) == 17 and codes == sorted(r.code for r in children("16"))
    assert (demo.national.api, demo.national.url) == ("v3", SANDBOX_URL)


def test_the_demo_connects_15_in_four_dialects(demo: SourcesConfig) -> None:
    assert len(demo.connected) == 15
    assert Counter(r.dialect for r in demo.connected) == {
        "legacy_sql": 5,
        "rest_json_v1": 4,
        "wa_bot_mongo": 4,
        "xml_stream": 2,
    }
    assert set(DIALECTS) == {r.dialect for r in demo.connected}
    assert all(
        r.url == SANDBOX_URL and isinstance(r.connected_since, date) and r.mapping is None for r in demo.connected
    )


def test_oku_timur_and_musi_rawas_utara_are_not_connected(demo: SourcesConfig) -> None:
    waiting = [r for r in demo.regencies if not r.connected]
    assert [(r.kode_wilayah, r.name) for r in waiting] == [
        ("16.08", "Kabupaten Ogan Komering Ulu Timur"),
        ("16.13", "Kabupaten Musi Rawas Utara"),
    ]
    assert all((r.dialect, r.mapping, r.url, r.secret_env, r.connected_since) == (None,) * 5 for r in waiting)


def test_each_connected_entry_names_its_source_and_mapping(demo: SourcesConfig) -> None:
    by_code = {r.kode_wilayah: r for r in demo.regencies}
    assert by_code["16.05"].source_name == "16.05-musi-rawas"
    assert by_code["16.71"].source_name == "16.71-kota-palembang"
    assert by_code["16.12"].source_name == "16.12-penukal-abab-lematang-ilir"
    for entry in demo.connected:
        if entry.dialect == "xml_stream":
            continue  # push only: no mapping file
        spec = entry.spec()
        assert (spec.name, spec.kode_wilayah) == (entry.source_name, entry.kode_wilayah)


def test_parse_config_and_load_config_agree(demo: SourcesConfig) -> None:
    assert parse_config(tomllib.loads(DEMO)) == demo


def test_a_custom_mapping_is_found_beside_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "pemetaan").mkdir()
    (tmp_path / "pemetaan" / "oku.toml").write_text(MAPPING_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        variant(
            OKU,
            'kode_wilayah = "16.01"\nmapping = "pemetaan/oku.toml"\nurl = "https://lapor.okukab.example"\nsecret_env = "OKU_KEY"',
        ),
        encoding="utf-8",
    )
    entry = next(r for r in load_config(tmp_path / "sources.toml").regencies if r.kode_wilayah == "16.01")
    assert (entry.dialect, entry.mapping, entry.secret_env) == (None, tmp_path / "pemetaan" / "oku.toml", "OKU_KEY")
    assert entry.spec().name == "16.01-ogan-komering-ulu"


# -- broken variants -------------------------------------------------------------------

BROKEN = [
    pytest.param(
        OKU,
        OKU + '\nwarna = "merah"',
        f"regency[0]: expected only the keys {REGENCY_KEYS}; found 'warna'",
        id="unknown-key",
    ),
    pytest.param(
        'kode_wilayah = "16.03"',
        'kode_wilayah = "16.01"',
        "regency: expected each kab/kota once; found '16.01 twice'",
        id="duplicate",
    ),
    pytest.param(
        '[[regency]]\nkode_wilayah = "16.74"  # Kota Prabumulih\ndialect = "rest_json_v1"\nurl = "sandbox"\nconnected_since = 2025-08-25\n',
        "",
        "regency: expected every kab/kota of 16 listed (connected or not); found 'no entry for 1: 16.74 Kota Prabumulih'",
        id="missing",
    ),
    pytest.param(
        OKU_TIMUR,
        OKU_TIMUR + '\nurl = "sandbox"',
        "regency[7].url: expected nothing (connected = false); found 'sandbox'",
        id="not-connected-with-url",
    ),
    pytest.param(
        OKU_TIMUR,
        OKU_TIMUR + '\ndialect = "legacy_sql"',
        "regency[7].dialect: expected nothing (connected = false); found 'legacy_sql'",
        id="not-connected-with-dialect",
    ),
    pytest.param(
        OKU_TIMUR,
        'kode_wilayah = "16.08"\nconnected = "belum"',
        "regency[7].connected: expected true or false; found 'belum'",
        id="connected-not-a-bool",
    ),
    pytest.param(
        OKU,
        OKU.replace('"rest_json_v1"', '"soap_v2"'),
        "regency[0].dialect: expected one of rest_json_v1, wa_bot_mongo, legacy_sql, xml_stream; found 'soap_v2'",
        id="unknown-dialect",
    ),
    pytest.param(
        OKU,
        OKU.replace('dialect = "rest_json_v1"', 'mapping = "pemetaan/oku.toml"'),
        "regency[0].url: expected a real URL (the sandbox simulates the bundled dialects only); found 'sandbox'",
        id="sandbox-with-custom-mapping",
    ),
    pytest.param(
        OKU,
        OKU + '\nmapping = "pemetaan/oku.toml"',
        "regency[0]: expected exactly one of dialect or mapping; found "
        "['connected_since', 'dialect', 'kode_wilayah', 'mapping', 'url']",
        id="dialect-and-mapping",
    ),
    pytest.param(
        OKU,
        OKU.replace('url = "sandbox"', ""),
        'regency[0].url: expected the system\'s base URL, or "sandbox"; found None',
        id="connected-without-url",
    ),
    pytest.param(
        OKU,
        OKU.replace('"sandbox"', '"ftp://lapor.okukab.example"'),
        "regency[0].url: expected an http(s) or file:// URL, or \"sandbox\"; found 'ftp://lapor.okukab.example'",
        id="url-scheme",
    ),
    pytest.param(
        OKU,
        OKU.replace('"16.01"', '"17.01"'),
        "regency[0].kode_wilayah: expected the code of a kab/kota of province 16, like \"16.05\"; found '17.01'",
        id="another-province",
    ),
    pytest.param(
        OKU,
        OKU.replace('"16.01"', '"16.01.01"'),
        "regency[0].kode_wilayah: expected the code of a kab/kota of province 16, like \"16.05\"; found '16.01.01'",
        id="a-kecamatan",
    ),
    pytest.param(
        OKU,
        OKU.replace('"16.01"', "16.01"),
        'regency[0].kode_wilayah: expected the code of a kab/kota of province 16, like "16.05"; found 16.01',
        id="code-not-a-string",
    ),
    pytest.param(
        "connected_since = 2024-08-12",
        'connected_since = "12-08-2024"',
        "regency[0].connected_since: expected a date like 2025-02-03; found '12-08-2024'",
        id="since-not-a-date",
    ),
    pytest.param(
        'api = "v3"',
        'api = "v4"',
        "national.api: expected one of v3, legacy; found 'v4'",
        id="national-api",
    ),
    pytest.param(
        '[province]\nkode_wilayah = "16"',
        '[province]\nkode_wilayah = "16.71"',
        "province.kode_wilayah: expected a province code, like \"16\"; found '16.71'",
        id="province-code",
    ),
    pytest.param(
        "[province]",
        "[provinsi]",
        "(top level): expected only the keys province, national, regency; found 'provinsi'",
        id="top-level-unknown",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_a_broken_config_names_the_path(old: str, new: str, message: str) -> None:
    assert config_error(variant(old, new)) == message


def test_every_missing_kab_kota_is_named_at_once() -> None:
    # Without any [[regency]]: all 17 of Sumatera Selatan, each with its name.
    head = DEMO[: DEMO.index("[[regency]]")]
    message = config_error(head)
    assert (
        "found 'no entry for 17: 16.01 Kabupaten Ogan Komering Ulu, 16.02 Kabupaten Ogan Komering Ilir, " in message
    ), message
    assert "16.74 Kota Prabumulih" in message and "more" not in message, message


def test_a_long_list_of_missing_kab_kota_is_bounded_with_a_count() -> None:
    # Sulawesi Selatan has 24 kab/kota: the first 20 are named, the rest counted.
    head = DEMO[: DEMO.index("[[regency]]")].replace('kode_wilayah = "16"', 'kode_wilayah = "73"')
    message = config_error(head)
    assert "found 'no entry for 24: 73.01 " in message, message
    assert message.endswith(" and 4 more'"), message
    assert message.count(", ") == 19, message


def test_a_missing_custom_mapping_file_is_named(tmp_path: Path) -> None:
    text = variant(OKU, 'kode_wilayah = "16.01"\nmapping = "pemetaan/oku.toml"\nurl = "https://lapor.okukab.example"')
    assert config_error(text, base=tmp_path) == (
        f"regency[0].mapping: expected a mapping file that exists; found '{tmp_path / 'pemetaan' / 'oku.toml'}'"
    )


def test_load_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(variant(OKU, OKU.replace('"rest_json_v1"', '"soap_v2"')), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_config(path)
    assert str(info.value).startswith("sources.toml: regency[0].dialect: expected one of ")
    path.write_text("[province\nkode_wilayah = 16", encoding="utf-8")
    with pytest.raises(SpecError, match=r"sources\.toml: expected valid TOML; found an error"):
        load_config(path)
    with pytest.raises(SpecError, match=r"cannot be read \(No such file or directory\)"):
        load_config(tmp_path / "absent.toml")


def test_a_national_url_without_a_scheme_is_refused() -> None:
    message = config_error(variant('url = "sandbox"\n\n[[regency]]', 'url = "lapor.go.id"\n\n[[regency]]'))
    assert message.startswith("national.url: expected ") and message.endswith("found 'lapor.go.id'")
