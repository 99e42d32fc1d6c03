"""Python escape hatches: HttpSource subclasses for what a mapping file cannot say.

A mapping names one with `[source] python = "connectors.quirks.<module>:<Class>"`; each
overrides a hook (`refine` for reads, `prepare` for writes) and nothing else.
"""

from __future__ import annotations
