"""Replies through the inbox and the outbox: the bot process as the overhead benchmark runs it
(Telegram webhook, SQLite, bot.app.open_app), with people who pause between messages as people do.

    python -m benchmarks.bench_replies [--quick] [--people N ...]

At 1, 50 and 500 requesters at once, each through the demand script (benchmarks.common.SCRIPT)
with a pause of 0.3 to 1 s before each message: turns per second, the reply latency (from the
POST to the last answer of the turn arriving at the Bot API server) and the webhook's
acknowledgement (the POST's own time: the update written to the inbox). Then the acknowledgement
p99 with 200 updates posted at the same instant. Target: reply p99 <= 20 ms at 50 people.

Beside ours, the floors of the same rig at 50 people: python-telegram-bot's echo as the library
comes (its httpx client) and through our Bot API client, each answering every update with one
message and keeping nothing (benchmarks/botproc.py): what the driver, the Bot API server and the
library take before our durability and dialogs add theirs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from benchmarks.checkout import ROOT, prepared_sqlite, target  # noqa: E402
from benchmarks.common import SCRIPT, latency_figures, print_results  # noqa: E402
from benchmarks.telegram_rig import SECRET, RemoteBotAPI, Tally, bot_processes  # noqa: E402
from bot.http import TELEGRAM_SECRET_HEADER  # noqa: E402

TARGET_P99_MS = 20
PAUSE_S = (0.3, 1.0)
BURST = 200


async def _person(api: Tally, http: aiohttp.ClientSession, url: str, chat: int, counts: list[int],
                  replies: list[float], acks: list[float]) -> None:
    rng = random.Random(chat)
    expected = api.sent[chat]
    for (text, choice), count in zip(SCRIPT, counts):
        await asyncio.sleep(rng.uniform(*PAUSE_S))
        update = api.update_for(chat, text, choice)
        started = time.perf_counter()
        async with http.post(url, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}) as response:
            assert response.status == 200, response.status
        acks.append(time.perf_counter() - started)
        expected += count
        replies.append(await api.until_sent(chat, expected) - started)


async def _crowd(api: Tally, url: str, chats: list[int], counts: list[int]) -> dict:
    replies: list[float] = []
    acks: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(_person(api, http, url, chat, counts, replies, acks) for chat in chats))
        elapsed = time.perf_counter() - started
    return {"people": len(chats), "turns_per_s": round(len(replies) / elapsed, 1),
            "reply": latency_figures(replies), "ack": latency_figures(acks)}


async def _burst(api: Tally, url: str, chats: list[int]) -> dict:
    """Every chat's next update posted at the same instant: how long the webhook takes to say yes."""
    acks: list[float] = []

    async def post(http: aiohttp.ClientSession, chat: int) -> None:
        update = api.update_for(chat, "menu", None)
        started = time.perf_counter()
        async with http.post(url, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}) as response:
            assert response.status == 200, response.status
        acks.append(time.perf_counter() - started)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        await asyncio.gather(*(post(http, chat) for chat in chats))
    return latency_figures(acks)


async def run(quick: bool = False, crowds: tuple[int, ...] | None = None) -> dict:
    crowds = crowds or ((1, 20) if quick else (1, 50, 500))
    everyone = list(range(2000, 2000 + max(crowds) + BURST))
    results: dict = {"benchmark": "replies", "database": "sqlite", "checkout": target().name,
                     "target_p99_ms": TARGET_P99_MS}
    with tempfile.TemporaryDirectory() as folder:
        url, counts = await prepared_sqlite(folder, "replies", everyone + [10**9])
        async with RemoteBotAPI() as api, bot_processes(api, "full", url, attachments=folder) as bots:
            await _crowd(api, bots[0].url, [10**9], counts)  # warm up
            start = 0
            for people in crowds:
                results[f"x{people}"] = await _crowd(api, bots[0].url, everyone[start:start + people], counts)
                start += people
            results[f"ack_burst_{BURST}"] = await _burst(api, bots[0].url, everyone[start:start + BURST])
    floors = ("echo", "echo-our-client") if target().root == ROOT else ("echo",)
    for mode in floors if 50 in crowds else ():
        results[f"floor_{mode}_x50"] = await _floor(mode, everyone[:50])
    return results


async def _floor(mode: str, chats: list[int]) -> dict:
    """50 people pausing, as above, against an echo bot (one message an update, nothing kept)."""
    answers = [1] * len(SCRIPT)
    async with RemoteBotAPI() as api, bot_processes(api, mode) as bots:
        await _crowd(api, bots[0].url, [10**9], answers)  # warm up
        return await _crowd(api, bots[0].url, chats, answers)


def rows(results: dict) -> list[tuple[str, str, str]]:
    table = []
    for key, figures in results.items():
        if key.startswith("x"):
            target = f"p99 <= {TARGET_P99_MS} ms" if key == "x50" else ""
            table.append((f"replies {key} (pausing)", f"{figures['turns_per_s']} turns/s, reply p50 "
                          f"{figures['reply']['p50_ms']} ms p99 {figures['reply']['p99_ms']} ms, ack p99 "
                          f"{figures['ack']['p99_ms']} ms", target))
    burst = results[f"ack_burst_{BURST}"]
    table.append((f"webhook ack, {BURST} at once", f"p50 {burst['p50_ms']} ms, p99 {burst['p99_ms']} ms", ""))
    for mode, name in (("echo", "the library's echo"), ("echo-our-client", "that echo through our Bot API client")):
        if (floor := results.get(f"floor_{mode}_x50")) is not None:
            table.append((f"replies x50 (pausing), {name}", f"reply p50 {floor['reply']['p50_ms']} ms p99 "
                          f"{floor['reply']['p99_ms']} ms", "floor"))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--people", type=int, nargs="+", help="crowd sizes (default 1 50 500)")
    args = parser.parse_args()
    print_results(asyncio.run(run(args.quick, tuple(args.people or ()))), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
