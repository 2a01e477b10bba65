"""Push latency: from the commit of an event (an attendant's answer) to its push arriving at the
Bot API server, with the notifier in the committing process and woken by it, and with the
notifier in a process of its own (`python -m bot notifier`: on SQLite it is woken by the WAL
file's changes, bot/notifier/wakeups.py; on PostgreSQL by LISTEN/NOTIFY).

    python -m benchmarks.bench_push [--quick] [--no-postgres]

Answers are committed RATE a second, one transaction each, round the requesters' Telegram chats;
the pushes go out through python-telegram-bot, with its rate limiter as in production, to the
local Bot API server in its own process (benchmarks/apiproc.py), which times their arrival on
the machine's monotonic clock. Targets: p99 < 250 ms woken in the process, < 1 s across processes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_notifier import _forget_setup_pushes, _produce, _setup  # noqa: E402
from benchmarks.common import POSTGRES_SERVER, ROOT, latency_figures, postgres_database, print_results  # noqa: E402
from benchmarks.telegram_rig import RemoteBotAPI  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.notifier import Notifier  # noqa: E402
from bot.notifier.senders import TelegramSender  # noqa: E402
from bot.telegram import build_bot  # noqa: E402
from store import Store  # noqa: E402

TARGET_WOKEN_P99_MS = 250
TARGET_ACROSS_P99_MS = 1000
RATE = 20.0
FIRST_CHAT = 7000


def _chat(n: int) -> int:
    return FIRST_CHAT + n


async def _in_process(api: RemoteBotAPI, store: Store, run_producer) -> dict:
    config = Config(telegram_bot_token=api.token, telegram_api_url=api.base_url)
    async with build_bot(config) as bot:
        notifier = Notifier(store, {"telegram": TelegramSender(bot)})  # its defaults: a poll a second
        stop = asyncio.Event()
        delivering = asyncio.create_task(notifier.run(stop))
        try:
            return await run_producer(notifier.wake.set)
        finally:
            stop.set()
            await delivering


async def _across(api: RemoteBotAPI, url: str, folder: str, run_producer) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECAGE_DATABASE_URL": url, "ECAGE_ATTACHMENTS_DIR": folder,
           "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "notifier", cwd=ROOT, env=env)
    try:
        return await run_producer(None)
    finally:
        process.terminate()
        await process.wait()


async def measure(url: str, folder: str, events: int, chats: int, across: bool) -> dict:
    store = await Store.open(url, attachments_dir=folder)
    try:
        attendant, protocols = await _setup(store, chats + 1, channel="telegram", chat_id=lambda n: str(_chat(n)))
        await _forget_setup_pushes(store)
        async with RemoteBotAPI() as api:
            async def run_producer(wake) -> dict:
                # One answer first, on a chat of its own: the notifier is up (and warm) once it arrives.
                await _produce(store, attendant, protocols[chats:], 1, committed_hook=wake)
                await api.until_sent(_chat(chats), 1)
                committed = list((await _produce(store, attendant, protocols[:chats], events, RATE, wake)).values())
                latencies = []
                for n, moment in enumerate(committed):
                    chat = _chat(n % chats)
                    await api.until_sent(chat, n // chats + 1)
                    latencies.append(api.arrived[chat][n // chats] - moment)
                return latency_figures(latencies)

            figures = await (_across(api, url, folder, run_producer) if across
                             else _in_process(api, store, run_producer))
    finally:
        await store.close()
    return {"events": events, "chats": chats, "rate": RATE, **figures}


async def run(quick: bool = False, postgres: str | None = POSTGRES_SERVER) -> dict:
    events, chats = (100, 50) if quick else (400, 100)
    results: dict = {"benchmark": "push", "target_woken_p99_ms": TARGET_WOKEN_P99_MS,
                     "target_across_p99_ms": TARGET_ACROSS_P99_MS}
    with tempfile.TemporaryDirectory() as folder:
        for across in (False, True):
            url = f"sqlite+aiosqlite:///{folder}/push-{across}.db"
            results[f"sqlite {'across processes' if across else 'woken in process'}"] = await measure(
                url, folder, events, chats, across)
        if postgres:
            for across in (False, True):
                async with postgres_database(postgres) as url:
                    results[f"postgresql {'across processes' if across else 'woken in process'}"] = await measure(
                        url, folder, events, chats, across)
    return results


def rows(results: dict) -> list[tuple[str, str, str]]:
    return [(f"push {name}", f"{figures['events']} at {figures['rate']:g}/s: p50 {figures['p50_ms']} ms, "
                             f"p99 {figures['p99_ms']} ms",
             f"p99 < {TARGET_ACROSS_P99_MS if 'across' in name else TARGET_WOKEN_P99_MS} ms")
            for name, figures in results.items() if isinstance(figures, dict)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print_results(asyncio.run(run(args.quick, None if args.no_postgres else POSTGRES_SERVER)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
