"""`penghubung demo`: prepare the demo database in the current directory and say how to use it."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice

from auth.dev import DEV_ISSUER, issue_token, load_or_create
from auth.roles import Role
from gateway.domain.reference import load_reference, upgrade_database
from gateway.settings import GatewaySettings, redacted
from gateway.store.complaint_reads import complaint_count
from gateway.store.database import store
from gateway.store.owners import adopt_owners
from gateway.store.writer import SubmittedBy, insert_complaints
from schema.canonical import Reporter

DEMO_CITIZEN = "warga-demo"
# One person behind the demo citizen's account (made-up values).
DEMO_CITIZEN_IDENTITY = Reporter(
    name="Warga Demo", nik="1671014107900001", phone="+6281200000001", email="warga.demo@example.id"
)
CITIZEN_COMPLAINTS = 25

# (label, roles, agency, region, scopes): the tokens the demo prints.
DEMO_TOKENS: tuple[tuple[str, tuple[Role, ...], str | None, str | None, tuple[str, ...]], ...] = (
    ("national admin (LAPOR!)", (Role.NATIONAL_ADMIN,), "kemenpanrb", None, ()),
    ("agency admin, Pemkab Musi Rawas", (Role.AGENCY_ADMIN,), "pemkab-16.05", None, ()),
    ("agency officer, Dinas PUPR Musi Rawas", (Role.AGENCY_OFFICER,), "16.05-pupr", None, ()),
    ("regional coordinator, Sumatera Selatan", (Role.REGIONAL_COORDINATOR,), "pemprov-16", "16", ()),
    ("auditor", (Role.AUDITOR,), None, None, ()),
    ("connector service, Musi Rawas", (Role.CONNECTOR_SERVICE,), "pemkab-16.05", "16.05", ()),
)


async def prepare_demo(settings: GatewaySettings, *, complaints: int) -> None:
    """Migrate the demo database and, if it holds no complaints yet, seed it."""
    from gateway.demo import demo_complaints
    from gateway.demo.reference import demo_reference

    await upgrade_database(settings.database_url)
    async with store(settings.database_url):
        await load_reference(demo_reference())
        existing = await complaint_count()
        # A demo database seeded before owners had an issuer: every token it ever served
        # came from the development issuer.
        await adopt_owners(DEV_ISSUER)
        if existing:
            print(f"demo database {redacted(settings.database_url)}: {existing} complaints")
            return
        started = time.perf_counter()
        print(f"seeding {complaints} Sumatera Selatan complaints ...", flush=True)
        generated = demo_complaints(complaints, now=datetime.now(UTC))
        # The demo citizen owns the first few, so a citizen token has something to see.
        inserted = await insert_complaints(
            (replace(c, reporter=DEMO_CITIZEN_IDENTITY) for c in islice(generated, CITIZEN_COMPLAINTS)),
            submitted_by=SubmittedBy(
                owner_issuer=DEV_ISSUER, owner_subject=DEMO_CITIZEN, issuer=DEV_ISSUER, subject=DEMO_CITIZEN
            ),
        )
        inserted += await insert_complaints(generated)
        print(
            f"seeded {inserted} complaints into {redacted(settings.database_url)} "
            f"in {time.perf_counter() - started:.1f} s"
        )


def demo_tokens(settings: GatewaySettings) -> list[tuple[str, str]]:
    """(label, token) for each demo role, signed with the local development key."""
    keys = load_or_create(settings.dev_keys_dir)
    tokens = [
        (
            label,
            issue_token(
                keys,
                subject="demo-" + "-".join(r.value for r in roles),
                roles=roles,
                agency_id=agency,
                kode_wilayah=region,
                scopes=scopes,
            ),
        )
        for label, roles, agency, region, scopes in DEMO_TOKENS
    ]
    tokens.append(
        (
            f"citizen '{DEMO_CITIZEN}' (owns {CITIZEN_COMPLAINTS} complaints)",
            issue_token(keys, subject=DEMO_CITIZEN, roles=[Role.CITIZEN]),
        )
    )
    return tokens


def print_welcome(host: str, port: int, settings: GatewaySettings) -> None:
    """Tell the user where the gateway is, how to ask it something, and with which tokens."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    query = '{ publicComplaints(first: 3, filter: {kodeWilayah: \\"16.05\\"}) { totalCount edges { node { trackingId title status createdAt } } } }'
    print(
        f"""
Penghubung demo gateway
  GraphiQL (in your browser):  {base}/graphql
  Health:                      {base}/healthz  {base}/readyz

Example query, from a terminal:
  curl -s {base}/graphql -H 'content-type: application/json' \\
    -d '{{"query": "{query}"}}'

Without a token you are the public: publicComplaints shows non-secret complaints.
With a token (GraphiQL: Headers tab, {{"Authorization": "Bearer <token>"}}) the
complaints query shows the case files your role may see. Tokens, valid 8 hours:
""",
        flush=True,
    )
    for label, token in demo_tokens(settings):
        print(f"  {label}:\n    {token}\n")
    _print_sources(settings, base)
    print(
        "More: penghubung token issue --role ROLE [--agency ID] [--region KODE]\n"
        "Press Ctrl+C to stop. The demo database and dev keys stay in the current directory.",
        flush=True,
    )


def _print_sources(settings: GatewaySettings, base: str) -> None:
    """Which kab/kota the demo configuration connects, and how to look."""
    if settings.sources_file is None:
        return
    from connectors.config import load_config

    config = load_config(settings.sources_file)
    absent = ", ".join(f"{r.kode_wilayah} {r.name}" for r in config.regencies if not r.connected)
    kinds = sorted({r.dialect or "custom mapping" for r in config.connected})
    where = "simulated by the sandbox inside this process" if settings.sandbox else "at their configured URLs"
    print(
        f"Connected systems ({settings.sources_file.name}): the national SP4N-LAPOR! and "
        f"{len(config.connected)} of {len(config.regencies)} kab/kota, in {', '.join(kinds)}, "
        f"{where}.\nNot connected yet: {absent}.\n"
        "With a staff token: { connections { connectedCount regencies { kodeWilayah regionName connected kind connectedSince } } }\n"
        "Coordinators' dashboard (paste the national admin's or the coordinator's token): "
        f"{base}/dashboard\n"
        "Live from the kab/kota systems (the national admin's token):\n"
        '  { complaints(live: true, first: 5, filter: {kodeWilayah: "16", createdAfter: "2000-01-01T00:00:00Z"}) '
        "{ partial sources { system outcome latencyMs } edges { node { trackingId status owner { system } } } } }\n"
        '  { complaint(trackingId: "...") { status live stale syncedAt owner { system outcome latencyMs error } } }\n',
        flush=True,
    )
