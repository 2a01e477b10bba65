"""Memory: resident memory of a bot process (Telegram webhook mode, SQLite) whose database holds
10,000 demands, after 1,000 people have conversations under way with it.

    python -m benchmarks.bench_memory [--quick]

The demands are seeded through the store (10 per person); then every person talks to the running
process through webhook updates, stopping halfway through opening one more demand, so 1,000
conversation states are live. VmRSS (and the peak, VmHWM) come from /proc/<pid>/status.
Target: < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import memory_kib, print_results, replies_per_turn, seed_profiles  # noqa: E402
from benchmarks.telegram_rig import BotAPI, bot_processes, drive  # noqa: E402
from store import Actor, DemandDraft, Store  # noqa: E402

TARGET_MB = 200
CHANNEL = "telegram"
DRAFT = DemandDraft(title="Liberar liquidação do empenho", organ_key="sefaz", type_key="servicos",
                    category_key="srv-execucao-despesa", subject_key="liberar-liquidacao", subject_detail=None,
                    description="A liquidação está travada desde ontem no FPE; o empenho é o 2025NE000123.")
HALFWAY = 6  # turns of the script: the conversation is left at the subject question


async def _seed(url: str, folder: str, chats: list[int], demands: int) -> float:
    started = time.perf_counter()
    store = await Store.open(url, attachments_dir=Path(folder))
    try:
        await seed_profiles(store, CHANNEL, [str(c) for c in chats])
        async with store.transaction() as tx:
            people = [(await tx.person_for_account(CHANNEL, str(c))).id for c in chats]
        for start in range(0, demands, 250):
            async with store.transaction() as tx:
                for n in range(start, min(demands, start + 250)):
                    draft = dataclasses.replace(DRAFT, title=f"{DRAFT.title} {n}")
                    await tx.open_demand(Actor(people[n % len(people)]), draft)
    finally:
        await store.close()
    return time.perf_counter() - started


async def run(quick: bool = False) -> dict:
    demands, conversations = (1_000, 100) if quick else (10_000, 1_000)
    chats = list(range(20_000, 20_000 + conversations))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/memory.db"
        seeding_s = await _seed(url, folder, chats, demands)
        counts = await replies_per_turn()
        async with BotAPI() as api:
            async with bot_processes(api, "full", url, attachments=folder) as [bot]:
                started_kib = memory_kib(bot.pid)
                figures = await drive(api, [bot], chats, counts, turns=HALFWAY)
                held_kib = memory_kib(bot.pid)
                peak_kib = memory_kib(bot.pid, "VmHWM")
    return {"benchmark": "memory", "database": "sqlite", "demands": demands, "conversations": conversations,
            "updates": figures["updates"], "seeding_s": round(seeding_s, 1),
            "rss_started_mb": round(started_kib / 1024, 1), "rss_mb": round(held_kib / 1024, 1),
            "peak_mb": round(peak_kib / 1024, 1), "target_mb": TARGET_MB}


def rows(results: dict) -> list[tuple[str, str, str]]:
    return [(f"memory {results['demands']:,} demands, {results['conversations']:,} conversations",
             f"RSS {results['rss_mb']} MB (at start {results['rss_started_mb']} MB, peak {results['peak_mb']} MB)",
             f"< {TARGET_MB} MB")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_results(asyncio.run(run(parser.parse_args().quick)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
