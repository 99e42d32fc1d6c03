"""The client network a request comes from: the key anonymous callers share a limit under.

IPv4 addresses are grouped by a configurable prefix (/24 by default, /32 for one address),
IPv6 ones by /64 (what one subscriber is usually given). The address is the ASGI scope's
`client`: behind a reverse proxy, run uvicorn with `--proxy-headers` and
`--forwarded-allow-ips` naming the proxy, or every caller shares the proxy's network.
"""

from __future__ import annotations

import ipaddress

from starlette.types import Scope

UNKNOWN = "unknown"  # no client address (a Unix socket): all such callers share one limit


def client_network(scope: Scope, *, ipv4_prefix: int = 24, ipv6_prefix: int = 64) -> str:
    """The caller's network in CIDR notation, e.g. "203.0.113.0/24", or "unknown"."""
    client = scope.get("client")
    if not client:
        return UNKNOWN
    try:
        address = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:a.b.c.d is an IPv4 caller on a dual-stack socket
    prefix = ipv4_prefix if address.version == 4 else ipv6_prefix
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
