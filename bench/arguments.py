"""Command-line argument types the benches share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def positive(cast: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: `cast` of the value, refused unless above zero."""

    def parse(value: str) -> Any:
        parsed = cast(value)
        if parsed <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, not {value}")
        return parsed

    return parse
