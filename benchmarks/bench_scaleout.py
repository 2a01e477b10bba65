"""Scaling out: two bot processes in Telegram webhook mode on one PostgreSQL database against one
process, same load (requesters opening demands through webhook updates).

    python -m benchmarks.bench_scaleout [--quick]

Each configuration gets a fresh scratch database. A chat always reaches the same process, as a
load balancer hashing on the chat would do. The driver and the Bot API server run in this
process and share the machine's cores with the bots, which bounds the ratio on a small machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import latency_figures, postgres_database, print_results, replies_per_turn, seed_profiles  # noqa: E402
from benchmarks.telegram_rig import BotAPI, bot_processes, drive  # noqa: E402
from store import Store  # noqa: E402


async def _measure(processes: int, chats: list[int], counts: list[int], folder: str) -> dict:
    async with postgres_database() as url:
        store = await Store.open(url, attachments_dir=Path(folder))  # migrates the scratch database
        try:
            await seed_profiles(store, "telegram", [str(c) for c in chats + [10**9, 10**9 + 1]])
        finally:
            await store.close()
        async with BotAPI() as api:
            async with bot_processes(api, "full", url, count=processes, attachments=folder) as bots:
                await drive(api, bots, [10**9, 10**9 + 1], counts)  # warm every process up
                figures = await drive(api, bots, chats, counts)
    return {"processes": processes, "updates": figures["updates"],
            "updates_per_s": round(figures["updates"] / figures["elapsed_s"], 1),
            "bot_cpu_s": round(figures["bot_cpu_s"], 2), "driver_cpu_s": round(figures["driver_cpu_s"], 2),
            # Cores kept busy by the bots plus the driver: near the machine's count, the machine is the limit.
            "cores_busy": round((figures["bot_cpu_s"] + figures["driver_cpu_s"]) / figures["elapsed_s"], 2),
            **latency_figures(figures["latencies"])}


async def run(quick: bool = False) -> dict:
    chats = list(range(5000, 5000 + (40 if quick else 150)))
    counts = await replies_per_turn()
    with tempfile.TemporaryDirectory() as folder:
        one = await _measure(1, chats, counts, folder)
        two = await _measure(2, chats, counts, folder)
    return {"benchmark": "scaleout", "database": "postgresql", "requesters": len(chats), "one": one, "two": two,
            "ratio": round(two["updates_per_s"] / one["updates_per_s"], 2)}


def rows(results: dict) -> list[tuple[str, str, str]]:
    one, two = results["one"], results["two"]
    return [
        ("scaleout 1 process (PostgreSQL)", f"{one['updates_per_s']} updates/s, p99 {one['p99_ms']} ms, "
                                            f"{one['cores_busy']} cores busy", ""),
        ("scaleout 2 processes (PostgreSQL)", f"{two['updates_per_s']} updates/s, p99 {two['p99_ms']} ms, "
                                              f"{two['cores_busy']} cores busy", ""),
        ("scaleout ratio 2/1", f"{results['ratio']}x", "report"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_results(asyncio.run(run(parser.parse_args().quick)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
