"""The `penghubung` command: one module per subcommand, dispatched by `main`.

Only the parser and the dispatch are loaded at start; each command imports what it needs
when it runs, so `penghubung --help` and `penghubung token issue` start quickly.
"""

from __future__ import annotations

from gateway.cli.main import main

__all__ = ["main"]
