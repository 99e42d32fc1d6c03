"""Benchmarks of the gateway, each runnable as a module (e.g. `python -m bench.read_path`)."""

from __future__ import annotations
