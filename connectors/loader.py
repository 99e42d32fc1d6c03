"""Building a live connector from a mapping: the declarative HttpSource, or the Python
subclass the mapping names for a quirky system."""

from __future__ import annotations

import importlib

from connectors.http import UpstreamClient
from connectors.source import HttpSource
from connectors.spec_errors import SpecError, fail
from connectors.spec_types import SourceSpec


def source_class(spec: SourceSpec) -> type[HttpSource]:
    """HttpSource, or the subclass named by `[source] python`; raises SpecError."""
    if spec.python is None:
        return HttpSource
    module_name, _, class_name = spec.python.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except ImportError as exc:
        raise fail("source.python", "an importable module", f"{module_name} ({exc.msg})") from None
    except (TypeError, ValueError):
        raise fail("source.python", "an absolute module path like connectors.quirks.x", module_name) from None
    except AttributeError:
        raise fail("source.python", f"a class defined in {module_name}", class_name) from None
    if not (isinstance(found, type) and issubclass(found, HttpSource)):
        raise SpecError(f"source.python: expected a subclass of connectors.source.HttpSource; found {spec.python!r}")
    return found


def build_source(spec: SourceSpec, client: UpstreamClient, base_url: str, *, secret: str | None = None) -> HttpSource:
    """The connector for one mapping."""
    return source_class(spec)(spec, client, base_url, secret=secret)
