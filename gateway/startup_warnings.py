"""Warnings a gateway prints at start-up about settings that are unsafe outside a demo.

Each is one log line naming the setting to change: an open `/metrics` (no
PENGHUBUNG_METRICS_TOKEN: the counters name sources, agencies and error rates) and trusted
development tokens (PENGHUBUNG_TRUST_DEV_TOKENS: whoever holds the key pair on disk can sign
a token for any role). The demo is meant to be open, so it is not warned about.
"""

from __future__ import annotations

from gateway.settings import GatewaySettings

MIN_METRICS_TOKEN = 16


def startup_warnings(settings: GatewaySettings) -> list[str]:
    """The warnings for these settings, one line each (empty for a safe set-up)."""
    warnings: list[str] = []
    if settings.metrics_token is None:
        if not settings.demo:
            warnings.append(
                "/metrics is open to anyone who can reach this port (PENGHUBUNG_METRICS_TOKEN is unset): "
                "set a token of 16 characters or more, or let only the monitoring network reach /metrics"
            )
    elif len(settings.metrics_token) < MIN_METRICS_TOKEN:
        warnings.append(f"PENGHUBUNG_METRICS_TOKEN is shorter than {MIN_METRICS_TOKEN} characters: easy to guess")
    if settings.trust_dev_tokens and not settings.demo:
        warnings.append(
            f"development tokens are trusted (PENGHUBUNG_TRUST_DEV_TOKENS=1): whoever holds the key pair in "
            f"{settings.dev_keys_dir} can sign a token for any role; unset it outside development"
        )
    return warnings
