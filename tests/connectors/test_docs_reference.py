"""The guide's reference (docs/connect-your-regency.md, "Reference: every key of a mapping
file") names every key the mapping parser accepts, and the values of its enumerations.

The accepted keys come from the parser itself: `only()` records, per table, the keys it was
told to allow (connectors.spec_errors.ACCEPTED) while the mappings below are loaded, and
every `only()` call in the mapping parser must have been reached, so a table or key added to
the parser fails this test until the reference has it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from connectors import spec, spec_errors, write_spec
from connectors.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "connect-your-regency.md"
HEADING = "## Reference: every key of a mapping file"
# The sources file (connectors/config.py) is another file, documented in step 6.
NOT_MAPPING = {"config.py"}

# Tables no bundled mapping uses; together with those, every table of the parser is loaded.
EXTRA = """
[source]
name = "uji"
kode_wilayah = "16.05"

[request]
pagination = { style = "page" }
auth = { kind = "bearer" }

[fields]
source_id = "id"
content = "isi"
status = { const = "SELESAI" }
created_at = { path = "dibuat", cast = "date" }

[follow_ups]
path = "tanggapan"
text = "isi"
at = { path = "waktu", cast = "datetime" }
author = { const = "AGENCY" }

[create]
path = "/x"
id = "id"
body = { isi = { value = "content" } }
idempotency = { style = "header" }

[change_status]
path = "/x/{id}"
body = { status = { value = "status" } }
idempotency = { style = "header" }

[follow_up]
path = "/x/{id}/t"
body = { isi = { value = "text" } }
idempotency = { style = "header" }
"""


def mappings() -> list[str]:
    files = [
        *sorted((ROOT / "connectors" / "mappings").glob("*.toml")),
        Path(__file__).parent / "fixtures" / "jsonapi.toml",
    ]
    return [f.read_text() for f in files] + [EXTRA]


def reference() -> dict[str, str]:
    """Each table the reference documents -> the text of its section."""
    text = GUIDE.read_text()
    assert HEADING in text, f"{GUIDE.name} has no '{HEADING}' section"
    body = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    sections: dict[str, str] = {}
    for chunk in body.split("\n### ")[1:]:
        heading, _, content = chunk.partition("\n")
        # A heading names its tables before its colon: "`[create]`, `[follow_up]`: writes".
        for name in re.findall(r"`([^`]+)`", heading.split(": ", 1)[0]):
            sections[name.strip("[]")] = content
    return sections


def keys_in(section: str) -> set[str]:
    """The keys a section's list items start with (`a`, `b`: ...)."""
    found: set[str] = set()
    for line in section.splitlines():
        if line.startswith("- ") and ":" in line:
            found.update(re.findall(r"`([^`]+)`", line.split(":", 1)[0]))
    return found


def words_in(section: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", section))


@pytest.fixture(scope="module")
def loaded() -> tuple[dict[str, frozenset[str]], set[tuple[str, int]]]:
    """(table -> accepted keys, only() calls reached) of loading the mappings above alone:
    what other tests parsed before (a sources file has an `only` of its own) is set aside."""
    spec_errors.ACCEPTED.clear()
    spec_errors.CALLED_FROM.clear()
    for text in mappings():
        load_spec(text)
    return dict(spec_errors.ACCEPTED), set(spec_errors.CALLED_FROM)


@pytest.fixture(scope="module")
def accepted(loaded: tuple[dict[str, frozenset[str]], set[tuple[str, int]]]) -> dict[str, frozenset[str]]:
    return loaded[0]


def test_every_table_of_the_parser_was_loaded(loaded: tuple[dict[str, frozenset[str]], set[tuple[str, int]]]) -> None:
    calls = {
        (str(path), node.lineno)
        for path in (ROOT / "connectors").glob("*.py")
        if path.name not in NOT_MAPPING
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "only"
    }
    missed = sorted(calls - loaded[1])
    assert not missed, f"only() calls no mapping in this test reaches (add a table that does to EXTRA): {missed}"


def test_every_accepted_key_is_in_the_reference(accepted: dict[str, frozenset[str]]) -> None:
    sections = reference()
    missing = []
    for table, keys in sorted(accepted.items()):
        if table not in sections:
            missing.append(f"the table {table} (a '### `{table}`' section)")
            continue
        missing.extend(f"{table}: {key}" for key in sorted(keys - keys_in(sections[table])))
    assert not missing, "the reference in docs/connect-your-regency.md lacks " + "; ".join(missing)


def test_the_reference_names_no_key_the_parser_refuses(accepted: dict[str, frozenset[str]]) -> None:
    sections = reference()
    stale = [
        f"{table}: {key}"
        for table, section in sorted(sections.items())
        if table in accepted
        for key in sorted(keys_in(section) - accepted[table])
    ]
    assert not stale, "the reference documents keys the parser refuses: " + "; ".join(stale)


# Keys whose values are a fixed list in the parser: each value must be in its table's section.
ENUMERATIONS = {
    ("source", "time_zone"): spec.TIME_ZONES,
    ("source", "encoding"): spec.ENCODINGS,
    ("request", "format"): spec.FORMATS,
    ("request", "method"): spec.METHODS,
    ("request", "since_cast"): spec.SINCE_CASTS,
    ("request.pagination", "style"): spec.PAGINATION_STYLES,
    ("request.auth", "kind"): spec.AUTH_KINDS,
    ("fields.*", "cast"): spec.CASTS,
    ("create", "method"): write_spec.METHODS,
    ("create", "encoding"): write_spec.ENCODINGS,
    ("create.body.*", "cast"): write_spec.OUT_CASTS,
    ("create.idempotency", "style"): write_spec.IDEMPOTENCY_STYLES,
    **{(f"{action}.body.*", "value"): names for action, names in write_spec.VALUES.items()},
}


@pytest.mark.parametrize(("table", "key"), sorted(ENUMERATIONS))
def test_every_value_of_a_key_is_in_the_reference(table: str, key: str) -> None:
    section = reference()[table]
    missing = [v for v in ENUMERATIONS[(table, key)] if v not in words_in(section)]
    assert not missing, f"the reference's {table} section lacks these values of {key}: {', '.join(missing)}"


def test_the_guides_toml_examples_load() -> None:
    """The worked examples are whole mappings; they must load as written."""
    blocks = re.findall(r"```toml\n(.*?)```", GUIDE.read_text(), re.S)
    whole = [b for b in blocks if b.lstrip().startswith("[source]") and "[fields]" in b]
    assert whole, "the guide has no whole mapping example"
    for block in whole:
        load_spec(block)
