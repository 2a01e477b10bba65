"""PostgreSQL restarted (`pg_ctl restart -m fast`) while `python -m bot telegram`, a real process
over HTTP, serves 200 requesters each opening a demand: every update is handled once, every
reply arrives, no draft is lost (each requester's script goes on to its demand), nobody gets an
error reply, and nobody more than the one "instabilidade" note.

The server is the test's own (tests/fakes/postgres_server.py): the shared one is never restarted.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from fault_support import LOAD_PATIENCE_S, REQUESTERS, SCRIPT, TURN_PATIENCE_S, Bot, nothing_lost_nothing_doubled, requester, webhook_delivery

from benchmarks.common import replies_per_turn, seed_profiles
from benchmarks.telegram_rig import BotAPI
from store import Store

pytestmark = pytest.mark.slow


async def test_a_postgres_restart_mid_load_loses_no_draft_and_answers_no_error(own_postgres, tmp_path):
    url = own_postgres.url()
    chats = list(range(90_001, 90_001 + REQUESTERS))
    counts = await replies_per_turn(SCRIPT)
    store = await Store.open(url, attachments_dir=tmp_path / "files")
    try:
        await seed_profiles(store, "telegram", [str(chat) for chat in chats])
        async with BotAPI() as api, aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            api.turn_timeout = TURN_PATIENCE_S
            bot = Bot(api, url, tmp_path, webhook=True)
            await bot.start()
            try:
                talking = asyncio.gather(*(requester(api, webhook_delivery(bot, http), chat, counts)
                                           for chat in chats))
                # Mid-load: once a third of the turns are answered, with every requester mid-draft.
                while sum(api.sent.values()) < REQUESTERS * sum(counts) // 3:
                    await asyncio.sleep(0.05)
                answered_before = sum(api.sent.values())
                await asyncio.get_running_loop().run_in_executor(None, own_postgres.restart)
                await asyncio.wait_for(talking, LOAD_PATIENCE_S)
            finally:
                await bot.stop()
        assert answered_before < REQUESTERS * sum(counts), "the restart came after the load"
        await store.engine.dispose()  # our own pooled connections died with the server
        await nothing_lost_nothing_doubled(api, store, chats, counts, notes_allowed=1)
    finally:
        await store.close()
