"""The declarative mapping file (TOML): strict parsing into frozen specs.

A regency IT team describes its system in one short file, no Python:

    [source]
    name = "16.05-musi-rawas"
    kode_wilayah = "16.05"
    time_zone = "WIB"              # for timestamps without an offset, and date-only ones

    [records]
    path = "data"                  # where the list of records is in a response

    [fields]
    source_id = "id"
    title = "title"
    content = "description"
    created_at = { path = "createdAt", cast = "datetime" }
    updated_at = { path = "tglUbah", cast = "datetime", format = "%d/%m/%Y %H:%M" }  # local
    status = { path = "bupatiStatus", map = "status" }
    is_secret = { path = "rahasia", cast = "bool", true = ["Y"], false = ["T"] }
    kode_wilayah = { const = "16.05" }
    latitude = { path = "location.lat", cast = "float", optional = true }

    [maps.status]
    PENDING = "BELUM_TERVERIFIKASI"
    SELESAI = "SELESAI"

A mapped value of a non-enum field is cast after mapping; every map value must cast, every
path must be one the engine can follow (connectors/paths.py), every date pattern must be one
it can read (connectors/time_formats.py). Every unknown key and bad value is refused with its
path, the expected and the actual value: `fields.created_at.cast: expected one of date, datetime, ...; found 'datetme'`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from connectors.attachment_spec import AttachmentsSpec, parse_attachments
from connectors.authenticators import AUTHENTICATORS
from connectors.casts import CASTS, cast_value
from connectors.follow_up_spec import parse_follow_ups
from connectors.formats.registry import FORMATS as FORMAT_CLASSES
from connectors.map_casts import check_map_casts
from connectors.paginators import PAGINATORS
from connectors.paths import check_path
from connectors.spec_errors import SpecError, fail, only, url_path
from connectors.spec_types import FieldSpec, RequestSpec, SourceSpec
from connectors.time_formats import ZONES, check_format, check_zone
from connectors.write_spec import parse_writes
from schema.canonical import Channel, Classification, Status
from schema.regions import KODE_WILAYAH_PATTERN

TIME_ZONES = ("WIB", "WITA", "WIT")
ENCODINGS = ("utf-8", "latin-1", "cp1252")

# Canonical fields a mapping may fill, and whether a record must have them.
REQUIRED_FIELDS = ("source_id", "content", "status", "created_at")
OPTIONAL_FIELDS = (
    "title",  # without one, the start of the content is the title
    "updated_at",
    "kode_wilayah",
    "classification",
    "channel",
    "address",
    "latitude",
    "longitude",
    "category_code",
    "lapor_tracking_id",
    "is_anonymous",
    "is_secret",
    "reporter_name",
    "reporter_nik",
    "reporter_phone",
    "reporter_email",
    "agency_id",  # the instansi the source routes a complaint to
    "external_ref",  # the gateway's own id, where the source keeps it
    # The registry's category id, usually through a [maps.kategori] table from the source's
    # own codes. A code with no entry does not reject the record: it is stored without a
    # category and the gap is reported (sync status, logs).
    "category_id",
    "incident_date",  # the day it happened (a date or datetime cast)
    # The OPD the regency's own system disposed it to, as a registry agency id, usually
    # through a map; "{kode_wilayah}" in a mapped value is the source's own code, so one
    # bundled mapping serves every kab/kota ("Dinas PU" = "{kode_wilayah}-pupr"). Reported,
    # not rejected, when the source's word has no entry.
    "disposed_to",
    "disposed_at",  # when it was disposed (else the record's update time)
)
# Optional fields whose map misses are reported instead of rejecting the record.
SOFT_FIELDS = ("category_id", "disposed_to")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
# Fields whose value maps must land on canonical names.
ENUM_TARGETS: Mapping[str, tuple[str, ...]] = {
    "status": tuple(s.value for s in Status),
    "classification": tuple(c.value for c in Classification),
    "channel": tuple(c.value for c in Channel),
    "author": ("AGENCY", "REPORTER"),  # who wrote a follow-up ([follow_ups] author)
}


# The names a mapping may use, each a class looked up by it when the source is called.
PAGINATION_STYLES = tuple(PAGINATORS)
FORMATS = tuple(FORMAT_CLASSES)
AUTH_KINDS = tuple(AUTHENTICATORS)
METHODS = ("GET", "POST")
# How the since parameter is written: "datetime" is UTC ISO 8601 with +00:00 (the meaning it
# always had); "local_datetime" is ISO 8601 in the source's zone without an offset.
SINCE_CASTS = ("datetime", "local_datetime", "date", "epoch_s", "epoch_ms")


def _pagination_keys(pages: Mapping[str, Any], style: str) -> None:
    """Only the pagination keys the style reads (`Paginator.keys`): a key another style reads
    is a mistake to name, not something to ignore (a next-page URL sent back as a cursor
    pages forever)."""
    if not PAGINATORS[style].links:
        return  # the older styles keep accepting what they always did
    for key in sorted(set(pages) - {"style"} - set(PAGINATORS[style].keys)):
        hint = (
            "the next page's URL is in the Link header"
            if style == "link_header"
            else "the next link is followed as it is"
        )
        raise fail(f"request.pagination.{key}", f'no {key} with style = "{style}" ({hint})', pages[key])
    nxt = pages.get("next", "links.next")
    if style == "next_link" and (not isinstance(nxt, str) or not nxt):
        raise fail("request.pagination.next", 'the dotted path of the next page\'s URL, e.g. "links.next"', nxt)


def _fixed_params(raw: object) -> dict[str, str]:
    """`[request] params`: names and text values, sent as they are on every list request."""
    if not isinstance(raw, dict) or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in raw.items()):
        raise fail("request.params", 'a table of text values like { urut = "asc" }', raw)
    return dict(raw)


def _request(raw: object) -> RequestSpec:
    if raw is None:
        return RequestSpec()
    if not isinstance(raw, dict):
        raise fail("request", "a [request] table", raw)
    only(
        raw,
        "request",
        (
            "path",
            "method",
            "format",
            "query",
            "delimiter",
            "since_param",
            "since_cast",
            "since_format",
            "pagination",
            "auth",
            "params",
        ),
    )
    path = url_path(raw.get("path", "/"), "request.path")
    params = _fixed_params(raw.get("params", {}))
    fmt = raw.get("format", "json")
    if fmt not in FORMATS:
        raise fail("request.format", f"one of {', '.join(FORMATS)}", fmt)
    method = raw.get("method", "POST" if fmt == "graphql" else "GET")
    if method not in METHODS:
        raise fail("request.method", f"one of {', '.join(METHODS)}", method)
    query = raw.get("query")
    if fmt == "graphql":
        if not isinstance(query, str) or not query.strip():
            raise fail("request.query", 'the GraphQL query document (format = "graphql")', query)
        if method != "POST":
            raise fail("request.method", "POST (GraphQL requests are POSTed)", method)
    elif query is not None:
        raise fail("request.query", 'no query (only format = "graphql" takes one)', query)
    since_cast = raw.get("since_cast", "datetime")
    if since_cast not in SINCE_CASTS:
        raise fail("request.since_cast", f"one of {', '.join(SINCE_CASTS)}", since_cast)
    since_format = raw.get("since_format")
    if since_format is not None:
        check_format(since_format, "request.since_format")
        if "since_cast" in raw:
            raise fail("request.since_cast", "no since_cast beside since_format (the pattern says how)", since_cast)
    delimiter = raw.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise fail("request.delimiter", "one character", delimiter)
    pages = raw.get("pagination", {"style": "none"})
    if not isinstance(pages, dict):
        raise fail("request.pagination", 'a table like { style = "page" }', pages)
    only(
        pages,
        "request.pagination",
        ("style", "page_param", "offset_param", "size_param", "size", "cursor_param", "next", "oldest_first"),
    )
    oldest_first = pages.get("oldest_first", False)
    if not isinstance(oldest_first, bool):
        raise fail("request.pagination.oldest_first", "true or false", oldest_first)
    if oldest_first and (raw.get("since_param") is None or pages.get("style") not in ("page", "offset")):
        raise fail(
            "request.pagination.oldest_first",
            'false unless style = "page" or "offset" and a since_param is set',
            oldest_first,
        )
    style = pages.get("style", "none")
    if style not in PAGINATION_STYLES:
        raise fail("request.pagination.style", f"one of {', '.join(PAGINATION_STYLES)}", style)
    size = pages.get("size", 100)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1000:
        raise fail("request.pagination.size", "an integer from 1 to 1000", size)
    _pagination_keys(pages, style)
    if style == "offset" and not isinstance(pages.get("size_param"), str):
        # Without it the source pages by its own size, and offsets of ours skip or repeat records.
        raise fail(
            "request.pagination.size_param",
            'the parameter asking for a page of `size` records, e.g. "limit"',
            pages.get("size_param"),
        )
    if PAGINATORS[style].links and (method != "GET" or FORMAT_CLASSES[fmt].posts_document):
        raise fail(
            "request.pagination.style",
            "page, cursor or none (next links are followed with GET, not GraphQL or POST)",
            style,
        )
    if style == "next_link" and fmt != "json":
        raise fail(
            "request.pagination.style",
            f'link_header, page, cursor or none (a next link in the body needs format = "json", not {fmt})',
            style,
        )
    auth = raw.get("auth", {"kind": "none"})
    if not isinstance(auth, dict):
        raise fail("request.auth", 'a table like { kind = "bearer" }', auth)
    only(auth, "request.auth", ("kind", "name"))
    kind = auth.get("kind", "none")
    if kind not in AUTH_KINDS:
        raise fail("request.auth.kind", f"one of {', '.join(AUTH_KINDS)}", kind)
    if AUTHENTICATORS[kind].post_only and method != "POST":
        raise fail("request.auth.kind", 'header, query or bearer (a token in the body needs method = "POST")', kind)
    if AUTHENTICATORS[kind].named and not isinstance(auth.get("name"), str):
        raise fail("request.auth.name", f"the {kind} name that carries the secret", auth.get("name"))
    # A fixed parameter the product also sets would be overwritten on some pages and not others.
    own = {
        raw.get("since_param"),
        pages.get("page_param", "page"),
        pages.get("offset_param", "offset") if style == "offset" else None,
        pages.get("size_param"),
        pages.get("cursor_param", "cursor"),
        auth.get("name"),
    }
    for name in params:
        if name in own:
            raise fail(
                f"request.params.{name}",
                "a parameter the product does not set itself (since, page, size, cursor or secret)",
                name,
            )
    return RequestSpec(
        path=path,
        method=method,
        format=fmt,
        query=query,
        delimiter=delimiter,
        params=params,
        since_param=raw.get("since_param"),
        since_cast=since_cast,
        since_format=since_format,
        pagination=style,
        page_param=str(pages.get("page_param", "page")),
        offset_param=str(pages.get("offset_param", "offset")),
        size_param=pages.get("size_param"),
        size=size,
        cursor_param=str(pages.get("cursor_param", "cursor")),
        next_cursor=str(pages.get("next", "links.next" if style == "next_link" else "nextCursor")),
        oldest_first=oldest_first,
        auth=kind,
        auth_name=auth.get("name"),
    )


def _words(raw: object, where: str) -> tuple[str, ...] | None:
    """A bool field's `true` or `false` words: one word or a list of them."""
    if raw is None:
        return None
    words = [raw] if isinstance(raw, str) else raw
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise fail(where, 'a word or a list of words, like ["Y", "ya"]', raw)
    return tuple(w.strip() for w in words)


def _field(name: str, raw: object, path: str, maps: Mapping[str, Mapping[str, str]]) -> FieldSpec:
    if isinstance(raw, str):
        raw = {"path": raw}
    if not isinstance(raw, dict):
        raise fail(path, 'a path string or a table like { path = "...", cast = "..." }', raw)
    only(
        raw,
        path,
        (
            "path",
            "const",
            "cast",
            "map",
            "default",
            "optional",
            "pattern",
            "extract",
            "format",
            "zone",
            "true",
            "false",
        ),
    )
    extract = raw.get("extract")
    extract_re: re.Pattern[str] | None = None
    if extract is not None:
        try:
            extract_re = re.compile(extract)
        except (re.error, TypeError):
            extract_re = None
        if extract_re is None or extract_re.groups != 1:
            raise fail(f"{path}.extract", 'a regular expression with one group, e.g. "ref:([0-9a-f-]+)"', extract)
    if ("path" in raw) == ("const" in raw):
        raise fail(path, "exactly one of path or const", sorted(raw))
    if "path" in raw:
        check_path(raw["path"], f"{path}.path")
    cast = raw.get("cast", "str")
    if cast not in CASTS:
        raise fail(f"{path}.cast", f"one of {', '.join(CASTS)}", cast)
    fmt, zone = raw.get("format"), raw.get("zone")
    for key, found in (("format", fmt), ("zone", zone)):
        if found is not None and cast not in ("date", "datetime"):
            raise fail(f"{path}.{key}", f'no {key} unless cast = "date" or "datetime" (the cast is {cast})', found)
    if fmt is not None:
        check_format(fmt, f"{path}.format")
    if zone is not None:
        check_zone(zone, f"{path}.zone")
    true_words, false_words = _words(raw.get("true"), f"{path}.true"), _words(raw.get("false"), f"{path}.false")
    if (true_words or false_words) and cast != "bool":
        key = "true" if true_words else "false"
        raise fail(f"{path}.{key}", f'no yes/no words unless cast = "bool" (the cast is {cast})', raw[key])
    both = {w.casefold() for w in true_words or ()} & {w.casefold() for w in false_words or ()}
    if both:
        raise fail(f"{path}.false", "words that are not also true words", sorted(both)[0])
    table = raw.get("map")
    if table is not None:
        if table not in maps:
            raise fail(f"{path}.map", f"a table defined under [maps] ({', '.join(sorted(maps)) or 'none'})", table)
        targets = ENUM_TARGETS.get(name)
        if targets:
            for word, target in maps[table].items():
                if target not in targets:
                    raise fail(f"maps.{table}.{word}", f"one of {', '.join(targets)}", target)
        else:
            # A mapped value is still cast (the map gives "true", the field wants True): every
            # value of the table must cast, or each record would fail on it later.
            check_map_casts(
                table,
                maps[table],
                cast,
                f"fields.{name}",
                zone=ZONES[zone or "WIB"],
                pattern=fmt,
                true_words=true_words,
                false_words=false_words,
            )
    default = raw.get("default")
    if default is not None:
        # A default stands in for a missing value on every record: one that cannot be read
        # would fail each of them, so it is refused now.
        if table is not None and str(default) not in maps[table]:
            raise fail(f"{path}.default", f"a word of [maps.{table}] ({', '.join(maps[table])})", default)
        if table is None:
            try:
                cast_value(
                    default, cast, ZONES[zone or "WIB"], pattern=fmt, true_words=true_words, false_words=false_words
                )
            except (ValueError, TypeError, OverflowError):
                raise fail(f"{path}.default", f"a value that casts to {cast}", default) from None
    pattern = raw.get("pattern")
    compiled: re.Pattern[str] | None = None
    if pattern is not None:
        try:
            compiled = re.compile(pattern)
        except (re.error, TypeError):
            raise fail(f"{path}.pattern", 'a regular expression, e.g. "^rep_[0-9a-f-]{36}$"', pattern) from None
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise fail(f"{path}.optional", "true or false", optional)
    if name in REQUIRED_FIELDS and optional:
        raise fail(f"{path}.optional", f"false: {name} is required", optional)
    return FieldSpec(
        name=name,
        path=raw.get("path"),
        const=raw.get("const"),
        cast=cast,
        map=table,
        default=raw.get("default"),
        optional=optional,
        pattern=compiled,
        extract=extract_re,
        format=fmt,
        zone=zone,
        true_words=true_words,
        false_words=false_words,
    )


def parse_spec(data: Mapping[str, Any]) -> SourceSpec:
    """Build a SourceSpec from a parsed TOML document; raises SpecError."""
    only(
        data,
        "(top level)",
        (
            "source",
            "records",
            "request",
            "fields",
            "maps",
            "follow_ups",
            "attachments",
            "read_one",
            "create",
            "change_status",
            "follow_up",
        ),
    )
    source = data.get("source")
    if not isinstance(source, dict):
        raise fail("source", "a [source] table", source)
    only(source, "source", ("name", "kode_wilayah", "time_zone", "encoding", "python"))
    python = source.get("python")
    if python is not None and (
        not isinstance(python, str) or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*", python)
    ):
        raise fail("source.python", '"package.module:ClassName" of an HttpSource subclass', python)
    name = source.get("name")
    if not isinstance(name, str) or not name:
        raise fail("source.name", "a non-empty string", name)
    code = source.get("kode_wilayah")
    if not isinstance(code, str) or not KODE_WILAYAH_PATTERN.match(code):
        raise fail("source.kode_wilayah", 'a Kemendagri code as a string, like "16.05"', code)
    zone = source.get("time_zone", "WIB")
    if zone not in TIME_ZONES:
        raise fail("source.time_zone", f"one of {', '.join(TIME_ZONES)}", zone)
    encoding = source.get("encoding", "utf-8")
    if encoding not in ENCODINGS:
        raise fail("source.encoding", f"one of {', '.join(ENCODINGS)}", encoding)
    records = data.get("records", {})
    if not isinstance(records, dict):
        raise fail("records", "a [records] table", records)
    only(records, "records", ("path",))
    check_path(records.get("path", ""), "records.path", empty_ok=True)
    maps_raw = data.get("maps", {})
    if not isinstance(maps_raw, dict):
        raise fail("maps", "tables of source word = canonical value", maps_raw)
    maps: dict[str, dict[str, str]] = {}
    for table, words in maps_raw.items():
        if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
            raise fail(f"maps.{table}", 'a table of word = "VALUE" strings', words)
        maps[table] = dict(words)
    fields_raw = data.get("fields")
    if not isinstance(fields_raw, dict):
        raise fail("fields", "a [fields] table", fields_raw)
    only(fields_raw, "fields", ALL_FIELDS)
    missing = [f for f in REQUIRED_FIELDS if f not in fields_raw]
    if missing:
        raise fail("fields", f"the required fields {', '.join(REQUIRED_FIELDS)}", f"no {missing[0]}")
    specs = {n: _field(n, raw, f"fields.{n}", maps) for n, raw in fields_raw.items()}
    _check_follow_up_endpoint(data)
    return SourceSpec(
        name=name,
        kode_wilayah=code,
        time_zone=zone,
        encoding=encoding,
        records_path=str(records.get("path", "")),
        request=_request(data.get("request")),
        fields=specs,
        maps=maps,
        writes=parse_writes(data, maps),
        follow_ups=parse_follow_ups(data.get("follow_ups"), lambda n, raw, path: _field(n, raw, path, maps)),
        attachments=_attachments(data, maps),
        python=python,
    )


def _attachments(data: Mapping[str, Any], maps: Mapping[str, Mapping[str, str]]) -> AttachmentsSpec | None:
    """[attachments]; a list inside follow-ups needs follow-ups that are items of a list."""
    found = parse_attachments(data.get("attachments"), lambda n, raw, path: _field(n, raw, path, maps))
    if found is not None and found.follow_ups is not None and not isinstance(data.get("follow_ups"), dict):
        raise fail("attachments.follow_ups", "nothing unless the mapping has a [follow_ups] table", found.follow_ups)
    return found


def _check_follow_up_endpoint(data: Mapping[str, Any]) -> None:
    """A follow-up endpoint's answers are decoded like the list's: JSON or XML only."""
    follow_ups, request = data.get("follow_ups"), data.get("request")
    fmt = request.get("format", "json") if isinstance(request, dict) else "json"
    if isinstance(follow_ups, dict) and "endpoint" in follow_ups and fmt not in ("json", "xml"):
        raise fail(
            "follow_ups.endpoint", "a list source of format json or xml (its answers are read the same way)", fmt
        )


def load_spec(text: str) -> SourceSpec:
    """Parse a mapping file's text; raises SpecError (also for TOML syntax errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"(file): expected valid TOML; found an error: {exc}") from None
    return parse_spec(data)
