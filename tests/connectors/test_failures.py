"""The one failure classifier: every failure a call to a source can end in, and what the
deliverer, write-through and live calls decided for it before they shared the classifier."""

from __future__ import annotations

import pytest

from connectors.errors import (
    CircuitOpen,
    ConnectorError,
    DecodeError,
    SourceBusy,
    UpstreamRejected,
    UpstreamUnavailable,
)
from connectors.failures import Doubt, Failure, Kind, Next, classify, in_words
from connectors.mapping import MappingError
from connectors.protocol import UnmappedValue, Unsupported

S = "16.05-musi-rawas"

CASES = [
    # The caller's own deadline: in doubt only when the write may have left.
    pytest.param(TimeoutError(), True, Failure(Kind.TIMEOUT, Next.RETRY, Doubt.MAYBE), id="deadline-after-it-left"),
    pytest.param(TimeoutError(), False, Failure(Kind.TIMEOUT, Next.RETRY, Doubt.NO), id="deadline-before-it-left"),
    # Not even called: retried, the try refunded, never in doubt.
    pytest.param(
        CircuitOpen(S, "open"), True, Failure(Kind.CIRCUIT_OPEN, Next.RETRY, Doubt.NO, counts=False), id="circuit-open"
    ),
    pytest.param(
        SourceBusy(S, "busy", sent=False),
        True,
        Failure(Kind.SOURCE_BUSY, Next.RETRY, Doubt.NO, counts=False),
        id="source-busy",
    ),
    # Unavailable: retried, in doubt as the error says, after what the source asked.
    pytest.param(
        UpstreamUnavailable(S, "timed out", in_doubt=True),
        True,
        Failure(Kind.UNAVAILABLE, Next.RETRY, Doubt.MAYBE),
        id="unanswered-after-sent",
    ),
    pytest.param(
        UpstreamUnavailable(S, "refused", sent=False, in_doubt=True),
        True,
        Failure(Kind.UNAVAILABLE, Next.RETRY, Doubt.NO),
        id="never-left",
    ),
    pytest.param(
        UpstreamUnavailable(S, "answered 503", retry_after=7.0),
        True,
        Failure(Kind.UNAVAILABLE, Next.RETRY, Doubt.NO, after=7.0),
        id="503-retry-after",
    ),
    # Answered unreadably: retried, and the write may have happened.
    pytest.param(
        DecodeError(S, "not JSON"), True, Failure(Kind.UNREADABLE, Next.RETRY, Doubt.MAYBE), id="unreadable-answer"
    ),
    # A record read back that does not map: retried; it says nothing of the write.
    pytest.param(
        MappingError("r1", "status", "no word"),
        True,
        Failure(Kind.UNMAPPABLE, Next.RETRY, Doubt.UNTOLD),
        id="unmappable-record",
    ),
    # Refused, or not expressible: dead letters, nothing applied.
    pytest.param(
        UpstreamRejected(S, "answered 422", status=422),
        True,
        Failure(Kind.REFUSED, Next.DEAD, Doubt.NO),
        id="refused-4xx",
    ),
    pytest.param(
        Unsupported(S, "no change_status"), True, Failure(Kind.UNSUPPORTED, Next.DEAD, Doubt.NO), id="unsupported"
    ),
    pytest.param(
        UnmappedValue(S, action="create", key="kategori", value_name="category_code", value="X", table="kategori"),
        True,
        Failure(Kind.UNSUPPORTED, Next.DEAD, Doubt.NO),
        id="unmapped-value",
    ),
    # Any other connector failure: dead, in doubt unless it provably never left.
    pytest.param(ConnectorError(S, "odd"), True, Failure(Kind.FAILED, Next.DEAD, Doubt.MAYBE), id="other-sent"),
    pytest.param(
        ConnectorError(S, "odd", sent=False), True, Failure(Kind.FAILED, Next.DEAD, Doubt.NO), id="other-unsent"
    ),
]


@pytest.mark.parametrize(("exc", "left", "expected"), CASES)
def test_each_failure_is_classified_as_before(exc: BaseException, left: bool, expected: Failure) -> None:
    assert classify(exc, left=left) == expected


def test_what_is_not_a_source_failure_is_not_classified() -> None:
    assert classify(ValueError("a bug")) is None
    assert classify(KeyError("x")) is None


@pytest.mark.parametrize(
    ("exc", "deliverer_doubt"),
    [
        pytest.param(TimeoutError(), True, id="deadline"),
        pytest.param(MappingError("r1", "status", "no word"), False, id="unmappable-keeps-what-it-knew"),
        pytest.param(UpstreamRejected(S, "answered 409", status=409), False, id="refused"),
        pytest.param(DecodeError(S, "garbage"), True, id="unreadable"),
    ],
)
def test_in_doubt_is_only_what_the_failure_itself_says(exc: BaseException, deliverer_doubt: bool) -> None:
    failure = classify(exc)
    assert failure is not None and failure.in_doubt is deliverer_doubt


def test_in_words_quotes_the_code_and_the_sources_reason() -> None:
    exc = UpstreamRejected(S, "POST /api/reports answered 422", status=422, body=b'{"message": "judul wajib diisi"}')
    assert in_words(exc) == "UPSTREAM_REJECTED: POST /api/reports answered 422; it said: judul wajib diisi"
