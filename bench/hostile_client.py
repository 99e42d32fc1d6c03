"""The hostile client: a process of its own that attacks the gateway for a fixed time and
prints what answered, by error code, as one JSON line.

    python -m bench.hostile_client --url http://127.0.0.1:PORT --dev-keys DIR --duration 20

It runs beside the gateway and beside the legitimate client, in its own process with its
own event loop, so its rate is not held back by the legitimate client's work (nor that
client's timings by its own). It connects from its own loopback address (default
127.66.0.1), so per-network limits can tell it from the legitimate clients.

Each paced attack sends at its own rate up to a cap of requests in flight (beyond the cap
a send is skipped and counted: the run stays bounded however slow the gateway gets). The
HTTP flood keeps many connections busy in a closed loop up to a total count; the socket
flood opens many WebSockets on one token, each with as many subscriptions as allowed.
The first line on stdout says the attack began; the last holds the result.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from auth.dev import load_or_create
from bench import hostile_requests as attack
from bench.arguments import positive
from bench.load import JSON_HEADERS, percentile

REQUEST_TIMEOUT_S = 60.0
WS_ACK_TIMEOUT_S = 10.0
KEPT_INTERVALS = 2_000  # in-flight spans of the worst query, for /healthz while it runs
OK = "ok"
UNFINISHED = "UNFINISHED"
# Answers that mean the gateway did not cope, rather than that it refused.
NOT_REFUSALS = frozenset({OK, UNFINISHED, "CLIENT_TIMEOUT", "CONNECTION_ERROR", "INTERNAL_ERROR", "TIMEOUT"})


def answer_code(status: int, payload: bytes) -> str:
    """How an HTTP answer is counted: "ok" (data, no errors), else its first error's code,
    else its HTTP status (`HTTP_429`)."""
    try:
        body = json.loads(payload)
    except ValueError:
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = (errors[0].get("extensions") or {}).get("code")
            if isinstance(code, str):
                return code
        if isinstance(body.get("code"), str):
            return str(body["code"])
        if status == 200 and body.get("data") is not None and not errors:
            return OK
    return f"HTTP_{status}"


def is_refusal(code: str) -> bool:
    """Whether an answer is the gateway refusing (a 4xx, a named refusal), not serving the
    request or breaking down under it."""
    return code not in NOT_REFUSALS and not code.startswith("HTTP_5")


@dataclass(slots=True)
class Tally:
    """What one attack saw."""

    sent: int = 0
    skipped: int = 0  # not sent: the cap of requests in flight was reached
    answers: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    events: int = 0  # subscription messages received (socket flood)

    def to_json(self) -> dict[str, Any]:
        refused = sum(n for code, n in self.answers.items() if is_refusal(code))
        return {
            "sent": self.sent,
            "skipped": self.skipped,
            "answers": dict(sorted(self.answers.items())),
            "refused": refused,
            "served": self.answers.get(OK, 0),
            "p50_ms": _ms(percentile(self.latencies, 50)),
            "p99_ms": _ms(percentile(self.latencies, 99)),
            "events": self.events,
        }


def _ms(seconds: float) -> float | None:
    # NaN: no request finished, and JSON has no NaN.
    return None if math.isnan(seconds) else round(seconds * 1000.0, 3)


def no_token() -> str | None:
    """An attack sent without a token."""
    return None


@dataclass(frozen=True, slots=True)
class Paced:
    """One paced attack: a request body maker, its token (maker), rate and in-flight cap."""

    name: str
    body: Callable[[], bytes]
    rate: float
    cap: int
    token: Callable[[], str | None] = no_token


class HostileClient:
    """Runs every attack until `stop_at` (a `time.monotonic()` instant), then waits up to
    `drain` seconds for the answers still out."""

    def __init__(
        self,
        url: str,
        session: aiohttp.ClientSession,
        local_address: str,
        stop_at: float,
        drain: float,
    ) -> None:
        self.url = url
        self.session = session
        self.local_address = local_address
        self.stop_at = stop_at
        self.drain = drain
        self.tallies: dict[str, Tally] = {}
        self.intervals: list[tuple[float, float]] = []  # region tree requests in flight
        self.tasks: set[asyncio.Task[None]] = set()

    async def post(
        self,
        name: str,
        body: bytes,
        token: str | None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        tally = self.tallies.setdefault(name, Tally())
        headers = dict(JSON_HEADERS)
        if token:
            headers["authorization"] = f"Bearer {token}"
        tally.sent += 1
        started = time.monotonic()
        try:
            async with (session or self.session).post(self.url, data=body, headers=headers) as response:
                code = answer_code(response.status, await response.read())
        except TimeoutError:
            code = "CLIENT_TIMEOUT"
        except aiohttp.ClientError:
            code = "CONNECTION_ERROR"
        except asyncio.CancelledError:
            tally.answers[UNFINISHED] += 1
            self._span(name, started)
            raise
        tally.latencies.append(time.monotonic() - started)
        tally.answers[code] += 1
        self._span(name, started)

    def _span(self, name: str, started: float) -> None:
        if name == "region_tree" and len(self.intervals) < KEPT_INTERVALS:
            self.intervals.append((started, time.monotonic()))

    async def paced(self, spec: Paced) -> None:
        """Send at the attack's rate until the stop, skipping a send when `cap` are out."""
        tally = self.tallies.setdefault(spec.name, Tally())
        mine: set[asyncio.Task[None]] = set()
        began = time.monotonic()
        i = 0
        while (at := began + i / spec.rate) < self.stop_at:
            i += 1
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            if len(mine) >= spec.cap:
                tally.skipped += 1
                continue
            task = asyncio.create_task(self.post(spec.name, spec.body(), spec.token()))
            for group in (mine, self.tasks):
                group.add(task)
                task.add_done_callback(group.discard)

    async def flood(self, connections: int, max_requests: int, token: str) -> None:
        """`connections` keep-alive connections, each sending as fast as answers come."""
        body = attack.cheap_read()
        sent = 0
        connector = aiohttp.TCPConnector(limit=connections, local_addr=(self.local_address, 0))
        async with aiohttp.ClientSession(connector=connector, timeout=self.session.timeout) as own:

            async def worker() -> None:
                nonlocal sent
                while time.monotonic() < self.stop_at and sent < max_requests:
                    sent += 1
                    await self.post("http_flood", body, token, own)

            await self._bounded([asyncio.create_task(worker()) for _ in range(connections)])

    async def _bounded(self, tasks: list[asyncio.Task[None]]) -> None:
        """Wait for `tasks` until the stop plus the drain, then cancel what is left."""
        if not tasks:
            return
        await asyncio.wait(tasks, timeout=max(0.0, self.stop_at + self.drain - time.monotonic()))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def sockets(self, ws_url: str, connections: int, per_connection: int, token: str) -> None:
        """`connections` WebSockets on one token, each subscribing `per_connection` times,
        held open until the stop."""
        tally = self.tallies.setdefault("socket_flood", Tally())

        async def one() -> None:
            tally.sent += 1
            started = time.monotonic()
            try:
                async with self.session.ws_connect(ws_url, protocols=("graphql-transport-ws",)) as ws:
                    payload = {"authorization": f"Bearer {token}"}
                    await ws.send_str(json.dumps({"type": "connection_init", "payload": payload}))
                    refused = _refusal(ws, await ws.receive(timeout=WS_ACK_TIMEOUT_S))
                    if refused:
                        tally.answers[refused] += 1
                        return
                    tally.latencies.append(time.monotonic() - started)
                    for i in range(per_connection):
                        await ws.send_str(attack.subscription(i + 1))
                    await self._hold(ws, tally)
            except aiohttp.WSServerHandshakeError as exc:
                tally.answers[f"HTTP_{exc.status}"] += 1
            except TimeoutError:
                tally.answers["CLIENT_TIMEOUT"] += 1
            except aiohttp.ClientError:
                tally.answers["CONNECTION_ERROR"] += 1
            except asyncio.CancelledError:
                tally.answers[UNFINISHED] += 1
                raise

        await self._bounded([asyncio.create_task(one()) for _ in range(connections)])

    async def _hold(self, ws: aiohttp.ClientWebSocketResponse, tally: Tally) -> None:
        """Read until the stop; a socket the gateway closes is counted by its close code."""
        while (left := self.stop_at - time.monotonic()) > 0:
            try:
                message = await ws.receive(timeout=left)
            except TimeoutError:
                break
            if message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                tally.answers[f"WS_CLOSE_{ws.close_code}"] += 1
                return
            if message.type == aiohttp.WSMsgType.TEXT:
                kind = json.loads(message.data).get("type")
                if kind == "next":
                    tally.events += 1
                elif kind == "error":
                    tally.answers["WS_SUBSCRIBE_ERROR"] += 1
        tally.answers[OK] += 1  # held open to the end

    async def finish(self) -> None:
        """Wait until the stop plus the drain for what is still out, then cancel it."""
        await self._bounded(list(self.tasks))


def _refusal(ws: aiohttp.ClientWebSocketResponse, ack: aiohttp.WSMessage) -> str | None:
    """How a socket's first answer refused it (its close code), or None if it was the
    `connection_ack`."""
    if ack.type == aiohttp.WSMsgType.TEXT and json.loads(ack.data).get("type") == "connection_ack":
        return None
    return f"WS_CLOSE_{ws.close_code}" if ws.close_code else "WS_NO_ACK"


def paced_attacks(args: argparse.Namespace, tokens: attack.HostileTokens) -> list[Paced]:
    """The paced attacks with their rates (per second) and caps of requests in flight."""
    bad = itertools.cycle(tokens.bad)
    return [
        Paced(
            "region_tree",
            lambda: attack.region_tree(args.tree_aliases),
            args.tree_rate,
            2,
        ),
        Paced("aliased_lists", lambda: attack.aliased_lists(30), args.slow_rate, 4),
        Paced("long_tracking_id", attack.long_tracking_id, args.slow_rate, 4),
        Paced(
            "long_text_submit",
            attack.long_text_submission,
            args.slow_rate,
            4,
            lambda: tokens.citizen,
        ),
        Paced("long_text_filter", attack.long_text_filter, args.slow_rate, 4),
        # Each request carries the next bad token in turn.
        Paced("bad_tokens", attack.cheap_read, args.bad_token_rate, 32, lambda: next(bad)),
    ]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tokens = attack.HostileTokens(load_or_create(Path(args.dev_keys)))
    connector = aiohttp.TCPConnector(limit=0, local_addr=(args.local_address, 0))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.monotonic()
        client = HostileClient(
            f"{args.url}/graphql",
            session,
            args.local_address,
            began + args.duration,
            args.drain,
        )
        print(json.dumps({"event": "started", "at": began}), flush=True)
        ws_url = args.url.replace("http://", "ws://", 1) + "/graphql"
        chosen = set(args.attacks)
        jobs = [client.paced(a) for a in paced_attacks(args, tokens) if a.name in chosen]
        if "http_flood" in chosen:
            jobs.append(client.flood(args.http_connections, args.flood_max_requests, tokens.citizen))
        if "socket_flood" in chosen:
            jobs.append(
                client.sockets(
                    ws_url,
                    args.ws_connections,
                    args.ws_subscriptions,
                    tokens.coordinator,
                )
            )
        await asyncio.gather(*jobs)
        await client.finish()
        ended = time.monotonic()
    return {
        "event": "finished",
        "started": began,
        "ended": ended,
        "attacks": {name: tally.to_json() for name, tally in sorted(client.tallies.items())},
        "region_tree_in_flight": client.intervals,
    }


ATTACKS = (
    "region_tree", "aliased_lists", "long_tracking_id", "long_text_submit",
    "long_text_filter", "bad_tokens", "http_flood", "socket_flood",
)  # fmt: skip


def attack_names(value: str) -> list[str]:
    """A comma-separated list of attacks, each one of ATTACKS."""
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in ATTACKS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown attack {', '.join(unknown) or '(none given)'}; expected some of {','.join(ATTACKS)}"
        )
    return list(dict.fromkeys(names))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_client", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the gateway, e.g. http://127.0.0.1:8000")
    parser.add_argument(
        "--dev-keys",
        required=True,
        help="the development key directory the gateway trusts",
    )
    parser.add_argument(
        "--attacks",
        type=attack_names,
        default=list(ATTACKS),
        help="which attacks, comma-separated (all)",
    )
    parser.add_argument("--duration", type=positive(float), default=20.0, help="seconds of attack (20)")
    parser.add_argument(
        "--drain",
        type=positive(float),
        default=10.0,
        help="seconds to wait for answers still out (10)",
    )
    parser.add_argument(
        "--local-address",
        default="127.66.0.1",
        help="loopback address to connect from (127.66.0.1)",
    )
    parser.add_argument(
        "--tree-aliases",
        type=positive(int),
        default=2,
        help="aliases of the region tree per request (2)",
    )
    parser.add_argument(
        "--tree-rate",
        type=positive(float),
        default=0.5,
        help="region tree requests/s (0.5)",
    )
    parser.add_argument(
        "--slow-rate",
        type=positive(float),
        default=1.0,
        help="requests/s of each long-string and aliased-list attack (1)",
    )
    parser.add_argument(
        "--bad-token-rate",
        type=positive(float),
        default=10.0,
        help="requests/s with a bad token (10)",
    )
    parser.add_argument(
        "--http-connections",
        type=positive(int),
        default=64,
        help="connections of the HTTP flood (64)",
    )
    parser.add_argument(
        "--flood-max-requests",
        type=positive(int),
        default=20_000,
        help="requests of the HTTP flood at most (20000)",
    )
    parser.add_argument(
        "--ws-connections",
        type=positive(int),
        default=100,
        help="WebSockets on one token (100)",
    )
    parser.add_argument(
        "--ws-subscriptions",
        type=positive(int),
        default=5,
        help="subscriptions per WebSocket (5)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = asyncio.run(run(args))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
