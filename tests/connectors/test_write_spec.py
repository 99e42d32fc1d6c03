"""Strict parsing of the write sections and of the newer [request]/[source] keys: every broken
variant of the bundled rest_json_v1 mapping names its key path, the expected and the found
value; and the loader's `[source] python` escape hatch fails pointing at source.python."""

from __future__ import annotations

import pytest

from connectors.bundled import MAPPINGS_DIR
from connectors.loader import source_class
from connectors.quirks.rest_json_v1 import RestJsonV1Source
from connectors.source import HttpSource
from connectors.spec import SpecError, load_spec
from connectors.write_spec import OUT_CASTS, VALUES
from schema.canonical import Status

BASE = (MAPPINGS_DIR / "rest_json_v1.toml").read_text(encoding="utf-8")
PYTHON_LINE = 'python = "connectors.quirks.rest_json_v1:RestJsonV1Source"'
REQUEST_LINES = 'path = "/api/reports"\nsince_param = "updatedSince"'
CREATE_HEAD = '[create]\npath = "/api/reports"\nid = "id"'
CREATE_IDEM = '[create]\npath = "/api/reports"\nid = "id"\nidempotency = { style = "header" }'
STATUS_BODY = 'body = { status = { value = "status", map = "status_out" }, reason = "reason", opdId = { value = "unit", map = "opd_out", when_unmapped = "omit" } }'
ROLE = '{ value = "from_reporter", cast = "bool", true = "PELAPOR", false = "OPD" }'
FOLLOW_BODY = f'body = {{ comment = "text", role = {ROLE} }}'
FOLLOW_HEAD = '[follow_up]\npath = "/api/reports/{id}/comments"'
STATUSES = ", ".join(s.value for s in Status)


def variant(old: str, new: str) -> str:
    """The bundled mapping with one change; the anchor must still be in the file."""
    assert BASE.count(old) == 1, f"anchor not found once in rest_json_v1.toml: {old!r}"
    return BASE.replace(old, new, 1)


def spec_error(text: str) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(text)
    return str(info.value)


# -- the bundled mapping itself -------------------------------------------------------


def test_the_bundled_write_sections_parse_as_written() -> None:
    w = load_spec(BASE).writes
    assert w.read_one is not None and (w.read_one.path, w.read_one.record) == ("/api/reports/{id}", "")
    assert w.create is not None and w.change_status is not None and w.follow_up is not None
    create = w.create
    assert (create.path, create.method, create.encoding, create.id_path) == ("/api/reports", "POST", "json", "id")
    assert (create.idempotency, create.idempotency_header, create.conflict_status) == ("header", "Idempotency-Key", 409)
    body = {item.key: item for item in create.body}
    assert body["reporter.nikNumber"].value == "reporter_nik"  # a quoted dotted key stays one key
    assert body["externalRef"].value == "external_ref"
    status = {item.key: item for item in w.change_status.body}["status"]
    assert (status.value, status.map, status.cast) == ("status", "status_out", "str")
    assert w.change_status.idempotency == "none"
    role = {item.key: item for item in w.follow_up.body}["role"]
    # A reporter's reply goes as the reporter's, never as an OPD's answer.
    assert (role.value, role.cast, role.true_word, role.false_word) == ("from_reporter", "bool", "PELAPOR", "OPD")


def test_the_bundled_request_and_source_keys_parse_with_their_defaults() -> None:
    spec = load_spec(BASE)
    r = spec.request
    assert (r.method, r.format, r.query, r.since_cast, r.auth, r.auth_name) == (
        "GET",
        "json",
        None,
        "datetime",
        "bearer",
        None,
    )
    assert spec.python == "connectors.quirks.rest_json_v1:RestJsonV1Source"
    pattern = spec.fields["source_id"].pattern
    assert pattern is not None and pattern.search("rep_" + "0" * 36) and not pattern.search("rep_1")


def test_graphql_defaults_to_post_and_keeps_its_query() -> None:
    spec = load_spec(
        variant(
            REQUEST_LINES,
            'path = "/graphql"\nformat = "graphql"\nquery = "query { reports { id } }"\nsince_param = "updatedSince"',
        )
    )
    assert (spec.request.format, spec.request.method, spec.request.query) == (
        "graphql",
        "POST",
        "query { reports { id } }",
    )


def test_a_post_list_with_the_token_in_the_body_and_an_epoch_cursor() -> None:
    spec = load_spec(
        variant(REQUEST_LINES, REQUEST_LINES + '\nmethod = "POST"\nsince_cast = "epoch_ms"').replace(
            'auth = { kind = "bearer" }', 'auth = { kind = "body", name = "api_token" }'
        )
    )
    assert (spec.request.method, spec.request.auth, spec.request.auth_name, spec.request.since_cast) == (
        "POST",
        "body",
        "api_token",
        "epoch_ms",
    )


def test_a_mapping_without_write_sections_declares_none() -> None:
    text = BASE.split("[read_one]")[0]
    w = load_spec(text).writes
    assert (w.read_one, w.create, w.change_status, w.follow_up) == (None, None, None, None)


# -- broken write sections ------------------------------------------------------------

CREATE_VALUES = ", ".join(VALUES["create"])
STATUS_VALUES = ", ".join(VALUES["change_status"])

BROKEN_WRITES = [
    pytest.param(
        'idempotency = { style = "header" }\nbody = { title',
        'idempotency = { style = "sometimes" }\nbody = { title',
        "create.idempotency.style: expected one of none, header, conflict; found 'sometimes'",
        id="create-idempotency-style",
    ),
    pytest.param(
        CREATE_HEAD,
        CREATE_HEAD + '\nmethod = "GET"',
        "create.method: expected one of POST, PUT, PATCH; found 'GET'",
        id="create-method",
    ),
    pytest.param(
        CREATE_HEAD,
        CREATE_HEAD + '\nencoding = "xml"',
        "create.encoding: expected one of json, form; found 'xml'",
        id="create-encoding",
    ),
    pytest.param(
        CREATE_HEAD,
        '[create]\npath = "/api/reports"',
        'create.id: expected where the new record\'s id is in the answer, e.g. "id"; found None',
        id="create-without-id",
    ),
    pytest.param(
        CREATE_HEAD,
        '[create]\npath = "api/reports"\nid = "id"',
        "create.path: expected a path starting with /; found 'api/reports'",
        id="create-relative-path",
    ),
    pytest.param(
        CREATE_HEAD,
        CREATE_HEAD + "\nretries = 3",
        "create: expected only the keys path, method, encoding, body, id, tracking_id, idempotency; found 'retries'",
        id="create-unknown-key",
    ),
    pytest.param(
        CREATE_HEAD,
        CREATE_HEAD + '\ntracking_id = ""',
        "create.tracking_id: expected where the tracking ID is in the answer; found ''",
        id="create-empty-tracking-id",
    ),
    pytest.param(
        'idempotency = { style = "header" }\nbody = { title',
        'idempotency = { style = "conflict", status = 200 }\nbody = { title',
        "create.idempotency.status: expected a 4xx status code; found 200",
        id="create-conflict-status",
    ),
    pytest.param(
        'idempotency = { style = "header" }\nbody = { title',
        'idempotency = { style = "header", ttl = 60 }\nbody = { title',
        "create.idempotency: expected only the keys style, name, status; found 'ttl'",
        id="create-idempotency-unknown-key",
    ),
    pytest.param(
        'idempotency = { style = "header" }\nbody = { title',
        'idempotency = "header"\nbody = { title',
        "create.idempotency: expected a table like { style = \"header\" }; found 'header'",
        id="create-idempotency-not-a-table",
    ),
    pytest.param(
        'body = { title = "title",',
        'body = { title = "judul",',
        f"create.body.title: expected one of {CREATE_VALUES}; found 'judul'",
        id="create-body-unknown-value",
    ),
    pytest.param(
        '[read_one]\npath = "/api/reports/{id}"',
        '[read_one]\npath = "/api/reports"',
        "read_one.path: expected a path holding {id}, e.g. \"/api/reports/{id}\"; found '/api/reports'",
        id="read-one-without-id",
    ),
    pytest.param(
        '[read_one]\npath = "/api/reports/{id}"',
        '[read_one]\npath = "/api/reports/{id}"\nrecord = 1',
        'read_one.record: expected a dotted path (or "" for the whole answer); found 1',
        id="read-one-record-not-a-path",
    ),
    pytest.param(
        '[read_one]\npath = "/api/reports/{id}"',
        '[read_one]\npath = "/api/reports/{id}"\nmethod = "GET"',
        "read_one: expected only the keys path, record; found 'method'",
        id="read-one-unknown-key",
    ),
    pytest.param(
        STATUS_BODY,
        STATUS_BODY.replace('map = "status_out"', 'map = "status_outt"'),
        "change_status.body.status.map: expected a table defined under [maps] (kanal, kanal_out, kategori, kategori_out, opd, opd_out, penulis, status, status_out); found 'status_outt'",
        id="change-status-unknown-map",
    ),
    pytest.param(
        STATUS_BODY,
        STATUS_BODY.replace('map = "status_out"', 'map = "status_out", cast = "upper"'),
        f"change_status.body.status.cast: expected one of {', '.join(OUT_CASTS)}; found 'upper'",
        id="change-status-unknown-cast",
    ),
    pytest.param(
        STATUS_BODY,
        STATUS_BODY.replace('value = "status"', 'value = "text"'),
        f"change_status.body.status.value: expected one of {STATUS_VALUES}; found 'text'",
        id="change-status-value-of-another-write",
    ),
    pytest.param(
        STATUS_BODY,
        STATUS_BODY + '\nidempotency = { style = "conflict" }',
        "change_status.idempotency.style: expected header or none (conflict applies to [create]); found 'conflict'",
        id="change-status-conflict-style",
    ),
    pytest.param(
        FOLLOW_HEAD,
        FOLLOW_HEAD + '\nid = "id"',
        "follow_up.id: expected no id (only [create] answers with a new record); found 'id'",
        id="follow-up-id",
    ),
    pytest.param(
        FOLLOW_HEAD,
        FOLLOW_HEAD + '\nmethod = "DELETE"',
        "follow_up.method: expected one of POST, PUT, PATCH; found 'DELETE'",
        id="follow-up-method",
    ),
    pytest.param(
        FOLLOW_BODY,
        "body = {}",
        "follow_up.body: expected a non-empty table of source key = value name; found {}",
        id="follow-up-empty-body",
    ),
    pytest.param(
        FOLLOW_BODY,
        FOLLOW_BODY.replace(ROLE, '{ const = "OPD", value = "text" }'),
        "follow_up.body.role: expected exactly one of value, const or template; found ['const', 'value']",
        id="follow-up-value-and-const",
    ),
    pytest.param(
        FOLLOW_BODY,
        FOLLOW_BODY.replace('comment = "text"', "comment = 7"),
        'follow_up.body.comment: expected a value name or a table like { value = "...", map = "..." }; found 7',
        id="follow-up-body-not-a-name",
    ),
    pytest.param(
        '[follow_up]\npath = "/api/reports/{id}/comments"\nidempotency = { style = "header" }',
        '[follow_up]\npath = "/api/reports/{id}/comments"\nidempotency = { style = "header", name = "" }',
        "follow_up.idempotency.name: expected a header name; found ''",
        id="follow-up-empty-header-name",
    ),
    pytest.param(
        'DIDISPOSISIKAN = "PROSES"',
        'DIPROSES = "PROSES"',
        f"maps.status_out.DIPROSES: expected a canonical status as key ({STATUSES}); found 'DIPROSES'",
        id="status-out-word-not-canonical",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN_WRITES)
def test_a_broken_write_section_names_key_expected_and_found(old: str, new: str, message: str) -> None:
    assert spec_error(variant(old, new)) == message


# -- broken [request] and [source] keys -----------------------------------------------

BROKEN_REQUEST = [
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nmethod = "DELETE"',
        "request.method: expected one of GET, POST; found 'DELETE'",
        id="method",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nformat = "soap"',
        "request.format: expected one of json, xml, csv, graphql; found 'soap'",
        id="format",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nformat = "graphql"',
        'request.query: expected the GraphQL query document (format = "graphql"); found None',
        id="graphql-without-query",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nformat = "graphql"\nquery = "   "',
        "request.query: expected the GraphQL query document (format = \"graphql\"); found '   '",
        id="graphql-blank-query",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nformat = "graphql"\nmethod = "GET"\nquery = "{ reports { id } }"',
        "request.method: expected POST (GraphQL requests are POSTed); found 'GET'",
        id="graphql-get",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nquery = "{ reports { id } }"',
        "request.query: expected no query (only format = \"graphql\" takes one); found '{ reports { id } }'",
        id="query-without-graphql",
    ),
    pytest.param(
        'auth = { kind = "bearer" }',
        'auth = { kind = "body", name = "api_token" }',
        "request.auth.kind: expected header, query or bearer (a token in the body needs method = \"POST\"); found 'body'",
        id="body-auth-on-get",
    ),
    pytest.param(
        'auth = { kind = "bearer" }',
        'method = "POST"\nauth = { kind = "body" }',
        "request.auth.name: expected the body name that carries the secret; found None",
        id="body-auth-without-name",
    ),
    pytest.param(
        'auth = { kind = "bearer" }',
        'auth = { kind = "cookie" }',
        "request.auth.kind: expected one of none, bearer, header, query, body; found 'cookie'",
        id="auth-kind",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + '\nsince_cast = "epoch_us"',
        "request.since_cast: expected one of datetime, local_datetime, date, epoch_s, epoch_ms; found 'epoch_us'",
        id="since-cast",
    ),
    pytest.param(
        REQUEST_LINES,
        REQUEST_LINES + "\ntimeout = 5",
        "request: expected only the keys path, method, format, query, delimiter, since_param, since_cast, "
        "since_format, pagination, auth, params; found 'timeout'",
        id="request-unknown-key",
    ),
    pytest.param(
        'pattern = "^rep_[0-9a-f-]{36}$"',
        'pattern = "^rep_[0-9a-f-"',
        "fields.source_id.pattern: expected a regular expression, e.g. \"^rep_[0-9a-f-]{36}$\"; found '^rep_[0-9a-f-'",
        id="pattern-not-a-regex",
    ),
    pytest.param(
        'pattern = "^rep_[0-9a-f-]{36}$"',
        "pattern = 36",
        'fields.source_id.pattern: expected a regular expression, e.g. "^rep_[0-9a-f-]{36}$"; found 36',
        id="pattern-not-a-string",
    ),
    pytest.param(
        PYTHON_LINE,
        'python = "RestJsonV1Source"',
        "source.python: expected \"package.module:ClassName\" of an HttpSource subclass; found 'RestJsonV1Source'",
        id="python-without-module",
    ),
    pytest.param(
        PYTHON_LINE,
        'python = "connectors/quirks/rest_json_v1.py:RestJsonV1Source"',
        'source.python: expected "package.module:ClassName" of an HttpSource subclass; '
        "found 'connectors/quirks/rest_json_v1.py:RestJsonV1Source'",
        id="python-file-path",
    ),
    pytest.param(
        PYTHON_LINE,
        "python = true",
        'source.python: expected "package.module:ClassName" of an HttpSource subclass; found True',
        id="python-not-a-string",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN_REQUEST)
def test_a_broken_request_or_source_key_names_key_expected_and_found(old: str, new: str, message: str) -> None:
    assert spec_error(variant(old, new)) == message


def test_an_unknown_value_in_a_table_names_the_value_key() -> None:
    message = spec_error(variant('body = { title = "title",', 'body = { title = { value = "judul" },'))
    assert message.startswith("create.body.title.value: expected one of ")


def test_a_body_key_that_is_also_a_parent_is_refused() -> None:
    text = variant('location = "address"', 'location = "address", "location.lat" = "latitude"')
    with pytest.raises(SpecError, match=r"^create\.body\.location"):
        load_spec(text)


@pytest.mark.parametrize("extra", ['cast = "bool01"', 'map = "status_out"'], ids=["cast", "map"])
def test_a_const_with_a_cast_or_map_is_refused(extra: str) -> None:
    text = variant(FOLLOW_BODY, FOLLOW_BODY.replace(ROLE, f'{{ const = "OPD", {extra} }}'))
    with pytest.raises(SpecError, match=r"^follow_up\.body\.role"):
        load_spec(text)


# -- the loader: [source] python ------------------------------------------------------


def python_spec(target: str):  # type: ignore[no-untyped-def]
    return load_spec(variant(PYTHON_LINE, f'python = "{target}"'))


def test_the_loader_builds_the_named_subclass_or_the_plain_source() -> None:
    assert source_class(load_spec(BASE)) is RestJsonV1Source
    assert source_class(load_spec(variant(PYTHON_LINE, ""))) is HttpSource


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param(
            "connectors.quirks.no_such_module:Anything",
            "source.python: expected an importable module; found "
            "\"connectors.quirks.no_such_module (No module named 'connectors.quirks.no_such_module')\"",
            id="missing-module",
        ),
        pytest.param(
            "connectors.quirks.rest_json_v1:RestJsonV2Source",
            "source.python: expected a class defined in connectors.quirks.rest_json_v1; found 'RestJsonV2Source'",
            id="missing-class",
        ),
        pytest.param(
            "connectors.http:UpstreamClient",
            "source.python: expected a subclass of connectors.source.HttpSource; found 'connectors.http:UpstreamClient'",
            id="not-an-http-source",
        ),
        pytest.param(
            "connectors.source:MAX_PAGES",
            "source.python: expected a subclass of connectors.source.HttpSource; found 'connectors.source:MAX_PAGES'",
            id="not-a-class",
        ),
    ],
)
def test_a_bad_python_target_is_a_spec_error_at_source_python(target: str, message: str) -> None:
    spec = python_spec(target)  # the shape is fine: only the loader can tell
    with pytest.raises(SpecError) as info:
        source_class(spec)
    assert str(info.value) == message


def test_a_relative_python_module_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match=r"^source\.python: "):
        source_class(python_spec(".quirks.rest_json_v1:RestJsonV1Source"))
