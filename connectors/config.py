"""The sources configuration: which kab/kota of a province are connected, and how.

    [province]
    kode_wilayah = "16"

    [national]
    api = "v3"                      # "v3" (provisional JSON) or "legacy" (XML addstream)
    url = "https://lapor.example"   # or "sandbox"
    secret_env = "LAPOR_API_KEY"

    [[regency]]
    kode_wilayah = "16.05"
    dialect = "wa_bot_mongo"        # a bundled mapping, or mapping = "path/to/mapping.toml"
    url = "sandbox"
    secret_env = "MUSI_RAWAS_KEY"
    connected_since = 2025-02-03

    [[regency]]
    kode_wilayah = "16.08"
    connected = false               # not yet connected: complaints live only in LAPOR!

Every kab/kota of the province is listed once, connected or not, so the coordinators'
view has no gaps. Parsing is strict, like mapping files: unknown keys and bad values are
refused with their path, the expected and the found value.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from connectors.dialects import BY_NAME, NAMES
from connectors.spec import load_spec
from connectors.spec_errors import SpecError, fail, only
from connectors.spec_types import SourceSpec
from schema.regions import children, get_region

DEMO_CONFIG = Path(__file__).parent / "demo" / "sumsel.toml"
NATIONAL_APIS = ("v3", "legacy")
SANDBOX_URL = "sandbox"


def slug(name: str) -> str:
    """ "Kabupaten Ogan Komering Ulu Timur" -> "ogan-komering-ulu-timur" (kota keeps "kota")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"^kabupaten\s+", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True, slots=True)
class RegencyEntry:
    """One kab/kota and its connection (or its absence)."""

    kode_wilayah: str
    name: str  # the Kemendagri name, e.g. Kabupaten Musi Rawas
    connected: bool
    dialect: str | None = None
    mapping: Path | None = None
    url: str | None = None
    secret_env: str | None = None
    connected_since: date | None = None

    @property
    def source_name(self) -> str:
        """The source's name, e.g. 16.05-musi-rawas."""
        return f"{self.kode_wilayah}-{slug(self.name)}"

    @property
    def mapped(self) -> bool:
        """Whether its system is described by a mapping (its own, or its dialect's); a
        push-only dialect has none."""
        return self.mapping is not None or (self.dialect is not None and BY_NAME[self.dialect].mapped)

    def spec(self) -> SourceSpec:
        """The mapping of this regency's system, named and coded for it (only when `mapped`)."""
        path = self.mapping or (BY_NAME[self.dialect].mapping if self.dialect else None)
        if path is None:
            raise SpecError(f"{self.source_name}: the {self.dialect} dialect has no mapping")
        spec = load_spec(path.read_text(encoding="utf-8"))
        return replace(spec, name=self.source_name, kode_wilayah=self.kode_wilayah)


@dataclass(frozen=True, slots=True)
class NationalEntry:
    """How the national system is reached."""

    api: str
    url: str
    secret_env: str | None = None
    name: str = "lapor"


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    """A province's sources."""

    province: str
    national: NationalEntry
    regencies: tuple[RegencyEntry, ...]

    @property
    def connected(self) -> tuple[RegencyEntry, ...]:
        """The regencies with a connection."""
        return tuple(r for r in self.regencies if r.connected)


def _text(raw: Mapping[str, Any], key: str, where: str, expected: str) -> str | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise fail(f"{where}.{key}", expected, value)
    return value


def _regency(raw: object, where: str, province: str, base: Path) -> RegencyEntry:
    if not isinstance(raw, dict):
        raise fail(where, "a [[regency]] table", raw)
    only(raw, where, ("kode_wilayah", "connected", "dialect", "mapping", "url", "secret_env", "connected_since"))
    code = raw.get("kode_wilayah")
    region = get_region(code) if isinstance(code, str) else None
    if region is None or not isinstance(code, str) or not code.startswith(f"{province}.") or code.count(".") != 1:
        raise fail(
            f"{where}.kode_wilayah", f'the code of a kab/kota of province {province}, like "{province}.05"', code
        )
    connected = raw.get("connected", True)
    if not isinstance(connected, bool):
        raise fail(f"{where}.connected", "true or false", connected)
    dialect = raw.get("dialect")
    mapping = _text(raw, "mapping", where, "a path to a mapping file")
    url = _text(raw, "url", where, f'an http(s) URL or "{SANDBOX_URL}"')
    secret_env = _text(raw, "secret_env", where, "the name of an environment variable")
    since = raw.get("connected_since")
    if not connected:
        extra = [k for k in ("dialect", "mapping", "url", "secret_env", "connected_since") if k in raw]
        if extra:
            raise fail(f"{where}.{extra[0]}", "nothing (connected = false)", raw[extra[0]])
        return RegencyEntry(kode_wilayah=code, name=region.name, connected=False)
    if (dialect is None) == (mapping is None):
        raise fail(where, "exactly one of dialect or mapping", sorted(raw))
    if dialect is not None and dialect not in NAMES:
        raise fail(f"{where}.dialect", f"one of {', '.join(NAMES)}", dialect)
    if url is None:
        raise fail(f"{where}.url", f'the system\'s base URL, or "{SANDBOX_URL}"', None)
    if url == SANDBOX_URL and dialect is None:
        raise fail(f"{where}.url", "a real URL (the sandbox simulates the bundled dialects only)", url)
    if url != SANDBOX_URL and not re.match(r"^(https?|file)://", url):
        raise fail(f"{where}.url", f'an http(s) or file:// URL, or "{SANDBOX_URL}"', url)
    if since is not None and not isinstance(since, date):
        raise fail(f"{where}.connected_since", "a date like 2025-02-03", since)
    path = (base / mapping) if mapping else None
    if path is not None and not path.is_file():
        raise fail(f"{where}.mapping", "a mapping file that exists", str(path))
    return RegencyEntry(
        kode_wilayah=code,
        name=region.name,
        connected=True,
        dialect=dialect,
        mapping=path,
        url=url,
        secret_env=secret_env,
        connected_since=since,
    )


def parse_config(data: Mapping[str, Any], *, base: Path = Path(".")) -> SourcesConfig:
    """A SourcesConfig from a parsed TOML document; raises SpecError."""
    only(data, "(top level)", ("province", "national", "regency"))
    province_raw = data.get("province")
    if not isinstance(province_raw, dict):
        raise fail("province", "a [province] table", province_raw)
    only(province_raw, "province", ("kode_wilayah",))
    province = province_raw.get("kode_wilayah")
    if not isinstance(province, str) or get_region(province) is None or "." in province:
        raise fail("province.kode_wilayah", 'a province code, like "16"', province)
    national_raw = data.get("national")
    if not isinstance(national_raw, dict):
        raise fail("national", "a [national] table", national_raw)
    only(national_raw, "national", ("api", "url", "secret_env"))
    api = national_raw.get("api", "v3")
    if api not in NATIONAL_APIS:
        raise fail("national.api", f"one of {', '.join(NATIONAL_APIS)}", api)
    url = _text(national_raw, "url", "national", f'an http(s) URL or "{SANDBOX_URL}"')
    if url is None or (url != SANDBOX_URL and not re.match(r"^https?://", url)):
        raise fail("national.url", f'an http(s) URL, or "{SANDBOX_URL}"', url)
    national = NationalEntry(
        api=api, url=url, secret_env=_text(national_raw, "secret_env", "national", "a variable name")
    )
    listed = data.get("regency", [])
    if not isinstance(listed, list):
        raise fail("regency", "[[regency]] tables", listed)
    regencies = tuple(_regency(raw, f"regency[{i}]", province, base) for i, raw in enumerate(listed))
    codes = [r.kode_wilayah for r in regencies]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise fail("regency", "each kab/kota once", f"{duplicate} twice")
    expected = {r.code for r in children(province)}
    missing = sorted(expected - set(codes))
    if missing:
        raise fail("regency", f"every kab/kota of {province} listed (connected or not)", _no_entry(missing))
    return SourcesConfig(
        province=province, national=national, regencies=tuple(sorted(regencies, key=lambda r: r.kode_wilayah))
    )


# Enough to write the missing entries from, short enough to read in one error.
MISSING_SHOWN = 20


def _no_entry(missing: list[str]) -> str:
    """Every kab/kota without an entry, named with its code and name (at most MISSING_SHOWN)."""
    named = []
    for code in missing[:MISSING_SHOWN]:
        region = get_region(code)
        named.append(f"{code} {region.name}" if region is not None else code)
    more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
    return f"no entry for {len(missing)}: {', '.join(named)}{more}"


def load_config(path: Path) -> SourcesConfig:
    """Read a sources file; raises SpecError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: expected valid TOML; found an error: {exc}") from None
    try:
        return parse_config(data, base=path.parent)
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None
