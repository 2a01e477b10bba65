"""`python -m bot telegram`, a real process over HTTP, killed with SIGKILL at random instants and
started again while 200 requesters each open a demand: 0 updates lost, 0 handled twice, every
reply delivered (at most the one in flight when the process died is sent twice), in webhook and
in polling mode, on SQLite and on PostgreSQL.

The local Bot API server plays Telegram: in webhook mode each update is posted until the bot
answers 200 (a refused connection is tried again, as Telegram does); in polling mode it serves
what the bot has not confirmed by its next getUpdates offset. A requester sends its next message
only once the answers to the last one came.
"""

from __future__ import annotations

import asyncio
import random

import aiohttp
import pytest
from fault_support import LOAD_PATIENCE_S, REQUESTERS, SCRIPT, TURN_PATIENCE_S, Bot, nothing_lost_nothing_doubled, polling_delivery, requester, webhook_delivery

from benchmarks.common import replies_per_turn, seed_profiles
from benchmarks.telegram_rig import BotAPI
from store import Store

KILLS = 3

pytestmark = pytest.mark.slow


async def kill_at_random(bot: Bot, rng: random.Random, done: asyncio.Event) -> int:
    kills = 0
    while kills < KILLS and not done.is_set():
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        if done.is_set():
            break
        await bot.kill()
        kills += 1
        await bot.start()
    return kills


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, empty_database) -> str:
    return empty_database(request.param)


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_sigkill_at_random_instants_loses_nothing_and_doubles_nothing(mode, database_url, tmp_path):
    seed = random.randrange(1 << 30)
    print(f"random seed {seed}")
    rng = random.Random(seed)
    chats = list(range(80_001, 80_001 + REQUESTERS))
    counts = await replies_per_turn(SCRIPT)
    store = await Store.open(database_url, attachments_dir=tmp_path / "files")
    try:
        await seed_profiles(store, "telegram", [str(chat) for chat in chats])
        async with BotAPI() as api, aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            api.turn_timeout = TURN_PATIENCE_S
            bot = Bot(api, database_url, tmp_path, webhook=mode == "webhook")
            await bot.start()
            deliver = webhook_delivery(bot, http) if bot.webhook else polling_delivery(api)
            done = asyncio.Event()
            killing = asyncio.create_task(kill_at_random(bot, rng, done))
            try:
                await asyncio.wait_for(asyncio.gather(*(requester(api, deliver, chat, counts) for chat in chats)), LOAD_PATIENCE_S)
            finally:
                done.set()
                kills = await killing
                await bot.stop()
        assert kills == KILLS, "the load ended before every kill"
        await nothing_lost_nothing_doubled(api, store, chats, counts, repeats_allowed=kills)
    finally:
        await store.close()


