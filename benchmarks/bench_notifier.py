"""Notifier benchmark: events per second and commit-to-send latency, on SQLite and PostgreSQL.

    python -m benchmarks.bench_notifier [--events 1000] [--chats 100] [--postgres URL|--no-postgres] [--json PATH]
    python benchmarks/bench_notifier.py

A notifier runs with a sender that only records when it was called (no network), without the
Telegram pacing (which by design holds a bot to ~30 messages/s: 1,000 Telegram messages take
at least 33 s whatever the notifier does). While it runs, ``--events`` timeline events are
committed as fast as one writer can, spread over ``--chats`` chats, so up to the whole burst is
queued at once. Latency is measured from each event's commit to its send. ``run()`` returns the
figures as a dict.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import update  # noqa: E402

from benchmarks.common import POSTGRES_SERVER, postgres_database  # noqa: E402
from bot.notifier import Notifier  # noqa: E402
from store import Actor, DemandDraft, Store  # noqa: E402
from store.models import OutboxRow  # noqa: E402

TARGET_P99_S = 1.0
# name, all queued before the notifier starts, producer rate (events/s, 0 = flat out)
SCENARIOS = (("queued", True, 0), ("live-flat-out", False, 0), ("live-50/s", False, 50))
DEFAULT_POSTGRES = POSTGRES_SERVER
DRAFT = DemandDraft(title="Benchmark", organ_key="sefaz", type_key="sistemas",
                    category_key="sis-erros-duvidas", subject_key="fpe", subject_detail=None,
                    description="Demanda do benchmark do notificador.")


class NullSender:
    """A channel that accepts everything at once: what is measured is the notifier itself."""

    channel = "bench"

    def min_interval(self, chat) -> float:
        return 0.0

    async def send(self, chat, outgoing, skip: int = 0) -> None:
        return None


async def _setup(store: Store, chats: int, channel: str = "bench",
                 chat_id: Callable[[int], str] = "chat-{}".format) -> tuple[Actor, list[str]]:
    """An attendant who received one demand of each of `chats` requesters, each with a chat of
    `channel` (`chat_id(n)` for the n-th): the attendant's protocols, in the chats' order."""
    async with store.transaction() as tx:
        attendant = await tx.ensure_person(channel, "attendant", "Atendente")
        await tx.set_attendant(attendant.id, True)
        requesters = []
        for n in range(chats):
            person = await tx.ensure_person(channel, f"r{n}", f"Requerente {n}")
            await tx.ensure_chat(channel, chat_id(n), "private", person_id=person.id)
            requesters.append(person.id)
    protocols = []
    holder = Actor(attendant.id, True)
    for person_id in requesters:
        async with store.transaction() as tx:
            protocol = (await tx.open_demand(Actor(person_id), DRAFT)).protocol
            # Received now, so that each answer below is one event (an answer to a demand nobody
            # holds records its "received" first).
            await tx.receive(holder, protocol)
            protocols.append(protocol)
    return holder, protocols


async def _produce(store: Store, attendant: Actor, protocols: list[str], events: int,
                   rate: float = 0, committed_hook: Callable[[], None] | None = None) -> dict[int, float]:
    """Commit ``events`` answers, one transaction each, ``rate`` a second (0: as fast as one
    writer can), the n-th on protocols[n % len(protocols)]: event id -> commit time.
    `committed_hook` is called after each commit (a notifier of this process woken, as a
    channel's InboxRunner wakes it after a turn that wrote pushes)."""
    committed = {}
    begin = time.perf_counter()
    for n in range(events):
        if rate:
            await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        async with store.transaction() as tx:
            view = await tx.answer(attendant, protocols[n % len(protocols)], f"resposta {n}")
            event_id = (await tx.timeline(attendant, view.protocol))[0].id
        committed[event_id] = time.perf_counter()
        if committed_hook is not None:
            committed_hook()
        # A writer of the bot (a turn) goes on to send its replies after its commit, which gives
        # the loop back; on SQLite a transaction itself never does (store/sqlite_inline.py), and
        # a loop of them alone would keep the notifier beside it from running until the last.
        await asyncio.sleep(0)
    return committed


async def measure(url: str, events: int, chats: int, backlog: bool, rate: float = 0) -> dict:
    """backlog: the events are all queued before the notifier starts (latency counted from its
    start); otherwise they are committed while it runs, ``rate`` a second (latency counted from
    each commit)."""
    with tempfile.TemporaryDirectory() as attachments:
        store = await Store.open(url, attachments_dir=attachments)
        try:
            sent, committed, started, finished = await _drain(store, events, chats, backlog, rate)
        finally:
            await store.close()
    latencies = sorted(sent[event_id] - moment for event_id, moment in committed.items())
    return {
        "events": events, "chats": chats, "backlog": backlog, "rate": rate,
        "events_per_s": round(events / (finished - started), 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
        "max_ms": round(1000 * latencies[-1], 1),
    }


async def _forget_setup_pushes(store: Store) -> None:
    async with store.transaction() as tx:  # the setup's "created" rows are not measured
        await tx.session.execute(update(OutboxRow).values(status="sent"))


async def _drain(store: Store, events: int, chats: int, backlog: bool, rate: float):
    """Runs a notifier over ``events`` events; returns when each was sent, when each was committed,
    and when the drain started and finished."""
    sent: dict[int, float] = {}
    attendant, protocols = await _setup(store, chats)
    await _forget_setup_pushes(store)
    notifier = Notifier(store, {"bench": NullSender()}, poll_interval=0.05, global_rate=0,
                        pace_chats=False, on_sent=lambda d: sent.setdefault(d.event.id, time.perf_counter()))
    stop = asyncio.Event()
    if backlog:
        committed = await _produce(store, attendant, protocols, events)
        started = time.perf_counter()
        committed = dict.fromkeys(committed, started)
        task = asyncio.create_task(notifier.run(stop))
    else:
        task = asyncio.create_task(notifier.run(stop))
        started = time.perf_counter()
        committed = await _produce(store, attendant, protocols, events, rate)
    while len(sent) < events:
        await asyncio.sleep(0.01)
    finished = time.perf_counter()
    stop.set()
    await task
    return sent, committed, started, finished


async def run(events: int = 1000, chats: int = 100, postgres: str | None = DEFAULT_POSTGRES) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, backlog, rate in SCENARIOS:
            url = f"sqlite+aiosqlite:///{folder}/bench-{len(results)}.db"
            results[f"sqlite {name}"] = await measure(url, events, chats, backlog, rate)
    if postgres:
        for name, backlog, rate in SCENARIOS:
            async with postgres_database(postgres) as url:
                results[f"postgresql {name}"] = await measure(url, events, chats, backlog, rate)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL (a database is created and dropped)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = asyncio.run(run(args.events, args.chats, None if args.no_postgres else args.postgres))
    for database, figures in results.items():
        verdict = "OK" if figures["p99_ms"] < TARGET_P99_S * 1000 else "OVER TARGET"
        print(f"{database:<25} {figures['events']} events over {figures['chats']} chats: "
              f"{figures['events_per_s']} events/s, p50 {figures['p50_ms']} ms, "
              f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms [{verdict}]")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
