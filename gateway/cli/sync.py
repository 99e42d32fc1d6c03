"""`penghubung sync ...`: the command line of the sync tools (gateway.cli.sync_actions).

Each action's function is set as its parser's default; the work is loaded only when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeAlias

from gateway.cli.common import fail

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings

Action: TypeAlias = "Callable[[argparse.Namespace, GatewaySettings], Coroutine[Any, Any, int]]"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `sync` and its actions."""
    sync = sub.add_parser("sync", help="the sync engine: status, dead letters, replay, confirm, reconcile, backfill")
    sync_sub = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    status = sync_sub.add_parser("status", help="each source's last success, lag, backlog, failures and dead letters")
    status.set_defaults(run=_running(_status))
    dead = sync_sub.add_parser("dead-letters", help="deliveries that gave up, with their reasons")
    dead.add_argument("--destination", help="only those for one source")
    dead.set_defaults(run=_running(_dead_letters))
    replay = sync_sub.add_parser("replay", help="send dead letters again")
    replay.add_argument("ids", nargs="*", type=int, help="dead letter ids (see dead-letters)")
    replay.add_argument("--all", action="store_true", help="every dead letter")
    replay.add_argument(
        "--not-there",
        action="store_true",
        help="you checked the destination and it does not hold them: send those in doubt without looking them up",
    )
    replay.set_defaults(run=_running(_replay))
    confirm = sync_sub.add_parser(
        "confirm", help="a create in doubt is at its destination after all: link it to the id found there"
    )
    confirm.add_argument("id", type=int, help="the dead letter's id (see dead-letters)")
    confirm.add_argument("source_id", help="the complaint's id in the destination's system")
    confirm.set_defaults(run=_running(_confirm))
    rec = sync_sub.add_parser("reconcile", help="compare a source with the index and report the differences")
    rec.add_argument("source", help="the source's name, e.g. 16.05-musi-rawas or lapor")
    rec.add_argument("--repair", action="store_true", help="also fix what can be fixed")
    rec.set_defaults(run=_running(_reconcile))
    back = sync_sub.add_parser("backfill", help="pull a source's whole history, resumably, with a progress bar")
    back.add_argument("source", help="the source's name")
    back.add_argument("--from-start", action="store_true", help="ignore the saved cursor and read everything")
    back.add_argument("--deliver", action="store_true", help="then deliver what it queued (else the worker does)")
    back.add_argument("--expect", type=int, help="how many records to expect, for the progress bar")
    back.set_defaults(run=_running(_backfill))


def _running(action: Action) -> Callable[[argparse.Namespace, GatewaySettings], int]:
    """The action run to its end, a configuration problem told as a usage error."""

    def run(args: argparse.Namespace, settings: GatewaySettings) -> int:
        import asyncio

        from connectors.spec_errors import SpecError
        from gateway.settings import SettingsError

        try:
            return asyncio.run(action(args, settings))
        except (SettingsError, SpecError) as exc:
            return fail(str(exc))

    return run


async def _status(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import show_status

    return await show_status(settings)


async def _dead_letters(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import show_dead_letters

    return await show_dead_letters(settings, args.destination)


async def _replay(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import replay_dead_letters

    return await replay_dead_letters(settings, args.ids, args.all, args.not_there)


async def _confirm(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import confirm_dead_letter

    return await confirm_dead_letter(settings, args.id, args.source_id)


async def _reconcile(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import run_reconcile

    return await run_reconcile(settings, args.source, args.repair)


async def _backfill(args: argparse.Namespace, settings: GatewaySettings) -> int:
    from gateway.cli.sync_actions import run_backfill

    return await run_backfill(settings, args.source, args.from_start, args.deliver, args.expect)
