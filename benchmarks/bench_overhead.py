"""Overhead against the floor: our full bot against an echo bot, same python-telegram-bot
`Application`, same webhook endpoint, same local Bot API server, same load, in one run.

    python -m benchmarks.bench_overhead [--quick]

Each simulated requester runs the demand script (benchmarks.common.SCRIPT) through Telegram
webhook updates; the echo bot answers each update with one message. The cost of an update is the
CPU time the bot process spent per update (the driver and the Bot API server run in processes
of their own); wall time per update is reported beside it. Target: ours <= 1x the echo's.

The floor is the library's echo as it comes, with its httpx client. Our bot sends through aiohttp's
(bot/telegram/bot_api_http.py), a sixth to a half of the CPU a request, so beside the target's ratio stands
the ratio against the echo through our client too: what our durability and dialogs cost on their
own. (Only when the checkout measured is this one: an older one has no such echo.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.checkout import ROOT, prepared_sqlite, target  # noqa: E402
from benchmarks.common import SCRIPT, latency_figures, print_results  # noqa: E402
from benchmarks.telegram_rig import RemoteBotAPI, bot_processes, drive  # noqa: E402

TARGET_RATIO = 1.0  # durable (inbox, outbox replies) against an echo that keeps nothing


async def _measure(mode: str, chats: list[int], counts: list[int], database_url: str, folder: str,
                   profile: str | None = None) -> dict:
    async with RemoteBotAPI() as api:
        async with bot_processes(api, mode, database_url, attachments=folder, profile=profile) as bots:
            # One chat through the whole script first: imports, caches and connections warm up.
            await drive(api, bots, [10**9], counts)
            figures = await drive(api, bots, chats, counts)
    updates = figures["updates"]
    return {"mode": mode, "updates": updates,
            "cpu_ms_per_update": round(1000 * figures["bot_cpu_s"] / updates, 3),
            "wall_ms_per_update": round(1000 * figures["elapsed_s"] / updates, 3),
            "updates_per_s": round(updates / figures["elapsed_s"], 1),
            **latency_figures(figures["latencies"])}


async def run(quick: bool = False, profile: str | None = None) -> dict:
    """With `profile`, our bot process writes its cProfile statistics to that file."""
    concurrent = 20 if quick else 50
    chats = list(range(1000, 1000 + concurrent))
    with tempfile.TemporaryDirectory() as folder:
        url, counts = await prepared_sqlite(folder, "overhead", chats + [10**9])
        ours = await _measure("full", chats, counts, url, folder, profile)
        echo = await _measure("echo", chats, [1] * len(SCRIPT), "", folder)
        same_client = (await _measure("echo-our-client", chats, [1] * len(SCRIPT), "", folder)
                       if target().root == ROOT else None)
    results = {"benchmark": "overhead", "checkout": target().name, "concurrent": concurrent, "database": "sqlite",
               "echo": echo, "ours": ours,
               "cpu_ratio": round(ours["cpu_ms_per_update"] / echo["cpu_ms_per_update"], 2),
               "wall_ratio": round(ours["wall_ms_per_update"] / echo["wall_ms_per_update"], 2),
               "target_ratio": TARGET_RATIO}
    if same_client:
        results["echo_our_client"] = same_client
        results["cpu_ratio_our_client"] = round(ours["cpu_ms_per_update"] / same_client["cpu_ms_per_update"], 2)
    return results


def rows(results: dict) -> list[tuple[str, str, str]]:
    echo, ours = results["echo"], results["ours"]
    rows = [
        ("overhead echo (floor)", f"{echo['cpu_ms_per_update']} ms CPU/update, {echo['updates_per_s']} updates/s, "
                                  f"p99 {echo['p99_ms']} ms", ""),
        ("overhead ours", f"{ours['cpu_ms_per_update']} ms CPU/update, {ours['updates_per_s']} updates/s, "
                          f"p99 {ours['p99_ms']} ms", ""),
        ("overhead ratio ours/echo", f"CPU {results['cpu_ratio']}x, wall {results['wall_ratio']}x",
         f"<= {TARGET_RATIO:g}x"),
    ]
    if "echo_our_client" in results:
        same = results["echo_our_client"]
        rows += [("overhead echo through our Bot API client", f"{same['cpu_ms_per_update']} ms CPU/update, "
                                                             f"{same['updates_per_s']} updates/s", ""),
                 ("overhead ratio ours/that echo", f"CPU {results['cpu_ratio_our_client']}x", "")]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", help="cProfile our bot process; statistics written to this file")
    args = parser.parse_args()
    print_results(asyncio.run(run(args.quick, args.profile)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
