"""`penghubung token issue`: a development token signed with the local dev key."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from auth.roles import KNOWN_SCOPES, Role
from gateway.cli.common import fail

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `token issue`."""
    token = sub.add_parser("token", help="development tokens signed with the local dev key")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    issue = token_sub.add_parser(
        "issue",
        help="print a signed development token (the key pair is made on first use in "
        "PENGHUBUNG_DEV_KEYS, default ./penghubung-dev-keys)",
    )
    issue.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role if r is not Role.PUBLIC],
        help="a role to grant (repeatable, all of one token kind)",
    )
    issue.add_argument("--agency", help="agency (instansi) id, e.g. pemkab-16.05 or 16.05-pupr")
    issue.add_argument("--region", help="kode wilayah, e.g. 16 or 16.05")
    issue.add_argument("--subject", default="dev-user", help="the token subject (default dev-user)")
    issue.add_argument("--scope", action="append", default=[], choices=sorted(KNOWN_SCOPES), help="extra scope")
    issue.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds (default 8 hours)")
    issue.set_defaults(run=run)


def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Print a token for the roles asked for (making the dev key pair on first use)."""
    from auth.dev import issue_token, load_or_create

    if not (settings.dev_keys_dir / "dev-signing-key.pem").exists():
        print(
            f"penghubung: made a new development key pair in {settings.dev_keys_dir}; "
            "a gateway trusts it only if started from this directory (or with the same "
            "PENGHUBUNG_DEV_KEYS)",
            file=sys.stderr,
        )
    try:
        token = issue_token(
            load_or_create(settings.dev_keys_dir),
            subject=args.subject,
            roles=[Role(r) for r in args.role],
            agency_id=args.agency,
            kode_wilayah=args.region,
            scopes=args.scope,
            ttl=args.ttl,
        )
    except ValueError as exc:
        return fail(str(exc))
    print(token)
    return 0
