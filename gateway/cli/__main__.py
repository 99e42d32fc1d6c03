"""`python -m gateway.cli`: the `penghubung` command without the installed script."""

from __future__ import annotations

import sys

from gateway.cli.main import main

sys.exit(main())
