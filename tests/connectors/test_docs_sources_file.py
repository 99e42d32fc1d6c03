"""The guide's sources-file section (step 6) names every key the sources file accepts and
its complete example loads as written (a regency IT team needed seven tries without it)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from connectors.config import NATIONAL_APIS, parse_config
from connectors.dialects import NAMES as DIALECTS

GUIDE = Path(__file__).parents[2] / "docs" / "connect-your-regency.md"
KEYS = {
    "province": ("kode_wilayah",),
    "national": ("api", "url", "secret_env"),
    "regency": ("kode_wilayah", "connected", "dialect", "mapping", "url", "secret_env", "connected_since"),
}


def section() -> str:
    text = GUIDE.read_text()
    return text[text.index("## 6. Add your system to the sources file") : text.index("## 7. ")]


def test_every_key_and_value_of_the_sources_file_is_documented() -> None:
    text = section()
    for table, keys in KEYS.items():
        assert f"[{table}]" in text or f"[[{table}]]" in text, table
        missing = [k for k in keys if f"`{k}`" not in text]
        assert not missing, f"step 6 does not document {table}: {', '.join(missing)}"
    for word in (*DIALECTS, *NATIONAL_APIS, "connected = false", "reference-data.md"):
        assert word in text, word


def test_the_complete_example_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", section(), re.S)
    whole = [b for b in blocks if "[province]" in b]
    assert whole, "step 6 has no complete sources file"
    data = tomllib.loads(whole[0])
    for entry in data["regency"]:
        if "mapping" in entry:
            (tmp_path / entry["mapping"]).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / entry["mapping"]).write_text("")
    config = parse_config(data, base=tmp_path)
    assert any(r.connected for r in config.regencies) and any(not r.connected for r in config.regencies)
