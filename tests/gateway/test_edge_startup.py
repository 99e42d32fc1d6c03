"""`penghubung serve` warns at start-up, one line each, about an open /metrics and trusted
development tokens; a safe set-up and the demo's settings get no such warning."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.settings import GatewaySettings
from gateway.startup_warnings import startup_warnings
from tests.servers import clean_env, running

OPEN_METRICS = "/metrics is open to anyone"
DEV_TOKENS = "development tokens are trusted"


def _serve_log(tmp_path: Path, extra: dict[str, str]) -> str:
    env = clean_env(extra)
    subprocess.run(
        [sys.executable, "-m", "gateway.cli", "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    log = tmp_path / "serve.log"
    with running(["serve"], env=env, log=log, cwd=tmp_path):
        pass
    return log.read_text()


@pytest.mark.slow
def test_serve_warns_about_open_metrics_and_trusted_dev_tokens(tmp_path: Path) -> None:
    text = _serve_log(tmp_path, {"PENGHUBUNG_TRUST_DEV_TOKENS": "1"})
    lines = text.splitlines()
    for needle in (OPEN_METRICS, DEV_TOKENS):
        (line,) = [line for line in lines if needle in line]
        assert "WARNING" in line, line
    assert "Traceback" not in text


@pytest.mark.slow
def test_a_safe_serve_prints_neither_warning(tmp_path: Path) -> None:
    text = _serve_log(tmp_path, {"PENGHUBUNG_METRICS_TOKEN": "m" * 24})
    assert OPEN_METRICS not in text and DEV_TOKENS not in text


def test_the_demo_and_a_short_metrics_token(settings: GatewaySettings) -> None:
    assert startup_warnings(replace(settings, demo=True, trust_dev_tokens=True)) == []
    (short,) = startup_warnings(replace(settings, metrics_token="short"))
    assert "shorter than 16 characters" in short and "short" not in short.replace("shorter", "")
