"""Dialog throughput and latency: simulated requesters opening demands through `Dialogs.handle`.

    python -m benchmarks.bench_dialogs [--quick] [--no-postgres] [--profile]

1, 50 and 500 requesters at once, each running the fixed script of turns (benchmarks.common.SCRIPT)
once per demand, on SQLite and on PostgreSQL (a scratch database). Per turn we time `handle()`; the
throughput is turns over wall time. Targets (2 cores): >= 300 turns/s on SQLite, p99 < 50 ms at
50 concurrent.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SCRIPT, latency_figures, postgres_database, print_results, seed_profiles  # noqa: E402
from dialogs import Dialogs, Incoming  # noqa: E402
from dialogs.choice_ids import SIMILAR_OPEN  # noqa: E402
from store import Store  # noqa: E402
from taxonomy import default_taxonomy  # noqa: E402

CHANNEL = "bench"
TARGET_TURNS_PER_S = 300
TARGET_P99_MS = 50
START_WITHIN_S = 0.1
WARMUP_REQUESTERS = 8


async def _requester(dialogs: Dialogs, user: str, demands: int, latencies: list[float], think_s: float,
                     start_within_s: float) -> None:
    rng = random.Random(user)
    await asyncio.sleep(rng.uniform(0, start_within_s))
    for _ in range(demands):
        for text, choice in SCRIPT:
            if think_s:
                await asyncio.sleep(rng.uniform(0, 2 * think_s))
            incoming = Incoming(CHANNEL, f"chat-{user}", user, "Maria Souza", text=text, choice=choice)
            started = time.perf_counter()
            replies = await dialogs.handle(incoming)
            latencies.append(time.perf_counter() - started)
            if not replies:
                raise RuntimeError(f"no answer to {text or choice!r}")
        if any(option.id == SIMILAR_OPEN for reply in replies for option in reply.choices):
            # The second demand of the same script is one the requester already has open: the
            # bot offers it first (dialogs/similar.py), and the requester opens the new one anyway.
            incoming = Incoming(CHANNEL, f"chat-{user}", user, "Maria Souza", choice=SIMILAR_OPEN)
            started = time.perf_counter()
            replies = await dialogs.handle(incoming)
            latencies.append(time.perf_counter() - started)
        if "Protocolo" not in replies[0].text:
            raise RuntimeError(f"the script did not end with a demand: {replies[0].text[:80]!r}")


async def measure(url: str, concurrent: int, demands: int, attachments: Path, think_s: float = 0) -> dict:
    """`concurrent` requesters, each opening `demands` demands one after another. With `think_s`,
    a requester pauses that long on average before each turn, as a person reading and typing.

    Requesters start at random moments within the first START_WITHIN_S. Started together they
    would stay in lockstep (the store serves turns first come, first served) and press "Enviar",
    the heaviest turn, in the same millisecond at every cycle: a coincidence, not a load."""
    store = await Store.open(url, attachments_dir=attachments)
    try:
        users = [f"u{i}" for i in range(concurrent)]
        warmup = [f"warmup-{i}" for i in range(min(concurrent, WARMUP_REQUESTERS))]
        await seed_profiles(store, CHANNEL, users + warmup)
        dialogs = Dialogs(store, default_taxonomy())
        # Untimed, as in a service that has been running: the pool's connections open and every
        # statement is compiled (on PostgreSQL the first 0.1 s of a cold run held all its slow turns).
        await asyncio.gather(*(_requester(dialogs, user, 1, [], 0, 0) for user in warmup))
        latencies: list[float] = []
        start_within_s = START_WITHIN_S if concurrent > 1 else 0
        started = time.perf_counter()
        await asyncio.gather(*(_requester(dialogs, user, demands, latencies, think_s, start_within_s)
                               for user in users))
        elapsed = time.perf_counter() - started
    finally:
        await store.close()
    return {"concurrent": concurrent, "think_s": think_s, "turns": len(latencies),
            "turns_per_s": round(len(latencies) / elapsed, 1), **latency_figures(latencies)}


# (concurrent requesters, demands each, mean pause before a turn in seconds). Without pauses every
# requester fires its next turn the moment it is answered: the store runs flat out and latency is
# mostly queueing (concurrency / throughput). The paced run is 50 people at a brisk human pace.
LEVELS = ((1, 30, 0), (50, 4, 0), (500, 1, 0), (50, 2, 0.5))
QUICK_LEVELS = ((1, 5, 0), (50, 1, 0), (500, 1, 0), (50, 1, 0.5))


async def run(quick: bool = False, postgres: bool = True) -> dict:
    results: dict = {"benchmark": "dialogs", "target_turns_per_s": TARGET_TURNS_PER_S,
                     "target_p99_ms_at_50": TARGET_P99_MS, "runs": []}
    levels = QUICK_LEVELS if quick else LEVELS
    # All SQLite runs first: dropping a PostgreSQL scratch database makes the server checkpoint,
    # which would weigh on the SQLite run after it.
    with tempfile.TemporaryDirectory() as folder:
        for number, (concurrent, demands, think_s) in enumerate(levels):
            url = f"sqlite+aiosqlite:///{folder}/dialogs-{number}.db"
            figures = await measure(url, concurrent, demands, Path(folder), think_s)
            results["runs"].append({"database": "sqlite", **figures})
        for concurrent, demands, think_s in levels if postgres else ():
            async with postgres_database() as url:
                figures = await measure(url, concurrent, demands, Path(folder), think_s)
                results["runs"].append({"database": "postgresql", **figures})
    return results


def rows(results: dict) -> list[tuple[str, str, str]]:
    out = []
    for r in results["runs"]:
        targets = []
        if r["database"] == "sqlite" and not r["think_s"]:
            targets.append(f">= {TARGET_TURNS_PER_S} turns/s")
        if r["concurrent"] == 50:
            targets.append(f"p99 < {TARGET_P99_MS} ms")
        paced = f" paced {r['think_s']:g} s" if r["think_s"] else ""
        target = ", ".join(targets)
        out.append((f"dialogs {r['database']} x{r['concurrent']}{paced}",
                    f"{r['turns_per_s']} turns/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms", target))
    return out


async def profile(concurrent: int = 50, demands: int = 2, top: int = 25) -> str:
    """cProfile of the SQLite run at `concurrent` requesters: where a turn's time goes."""
    with tempfile.TemporaryDirectory() as folder:
        profiler = cProfile.Profile()
        profiler.enable()
        await measure(f"sqlite+aiosqlite:///{folder}/profile.db", concurrent, demands, Path(folder))
        profiler.disable()
    report = []
    stats = pstats.Stats(profiler, stream=_Collect(report)).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return "".join(report)


class _Collect:
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.append(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the SQLite run at 50 concurrent")
    args = parser.parse_args()
    if args.profile:
        print(asyncio.run(profile()))
        return 0
    print_results(asyncio.run(run(args.quick, postgres=not args.no_postgres)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
