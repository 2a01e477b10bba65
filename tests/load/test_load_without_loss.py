"""Load without loss: 200 requesters at once open a demand each through the Telegram webhook;
every message gets its answer and every demand exists exactly once.

The local Bot API server posts each update to our webhook with the secret, as Telegram does; the
bot is the service as `python -m bot telegram` composes it (bot.app.open_app: store, dialogs;
the flood guard), on SQLite, without python-telegram-bot's rate limiter (Telegram's 30 messages a
second is a quota of the real server, not something this test is about).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from fakes.ports import free_port

from benchmarks.common import PROFILE, SENTENCE_SCRIPT, replies_per_turn, seed_profiles
from benchmarks.telegram_rig import BotAPI
from bot.app import open_app
from bot.config import Config
from bot.flood import FloodGuard
from bot.http import create_app, serve
from bot.telegram import TelegramChannel
from store import Actor

REQUESTERS = 200
# Each requester's demand, from a sentence: its draft kept over five turns, then sent.
SCRIPT = SENTENCE_SCRIPT
SECRET = "load-Secret_token"
UNEXPECTED = "algo deu errado"

pytestmark = pytest.mark.slow


async def requester(api: BotAPI, chat: int, counts: list[int]) -> None:
    """One person through the script, each turn only once the previous one was answered."""
    expected = 0
    for (text, choice), count in zip(SCRIPT, counts):
        if choice is None:
            await api.user_says(chat, text)
        else:
            await api.user_presses(chat, api.last[chat]["message_id"], choice)
        expected += count
        await api.until_sent(chat, expected)


@asynccontextmanager
async def the_bot_behind_its_webhook(api: BotAPI, config: Config, dialogs, store) -> AsyncIterator[TelegramChannel]:
    """The Telegram channel as `python -m bot telegram` runs it, served on config.http_port."""
    channel = TelegramChannel(config, FloodGuard(dialogs), store, rate_limited=False)
    runner = await serve(create_app(telegram=channel.webhook), config.http_port, host="127.0.0.1")
    await channel.start()
    try:
        yield channel
    finally:
        await runner.cleanup()
        await channel.stop()


def every_turn_got_exactly_its_answers(api: BotAPI, chats: list[int], counts: list[int]) -> None:
    """Every update reached the bot, and every turn got exactly the answers it should."""
    assert api.webhook_statuses == [200] * (REQUESTERS * len(SCRIPT))
    assert {chat: api.sent[chat] for chat in chats} == {chat: sum(counts) for chat in chats}
    bot_texts = [call.params.get("text", "") for call in api.calls if call.method == "sendMessage"]
    assert not [text for text in bot_texts if UNEXPECTED in str(text)]


async def each_requester_has_the_one_demand_its_confirmation_names(api: BotAPI, store, chats: list[int]) -> None:
    protocols = set()
    async with store.transaction() as tx:
        for chat in chats:
            person = await tx.person_for_account("telegram", str(chat))
            page = await tx.list_demands(Actor(person.id), False, page=1, page_size=10)
            assert page.total == 1, (chat, [d.protocol for d in page.items])
            [demand] = page.items
            [created] = [m["text"] for m in api.sent_to(chat) if "Demanda criada" in m["text"]]
            assert demand.protocol in created and demand.requester_name == PROFILE["name"]
            protocols.add(demand.protocol)
    assert len(protocols) == REQUESTERS


async def test_200_concurrent_requesters_each_open_exactly_one_demand(tmp_path: Path):
    chats = list(range(70_001, 70_001 + REQUESTERS))
    counts = await replies_per_turn(SCRIPT)
    port = free_port()
    async with BotAPI() as api:
        config = Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
                        attachments_dir=tmp_path / "files", telegram_bot_token=api.token,
                        telegram_api_url=api.base_url, http_port=port,
                        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
                        telegram_webhook_secret=SECRET)
        async with open_app(config) as app:
            await seed_profiles(app.store, "telegram", [str(chat) for chat in chats])
            async with the_bot_behind_its_webhook(api, config, app.dialogs, app.store) as channel:
                await asyncio.gather(*(requester(api, chat, counts) for chat in chats))
                await channel.drain()
            every_turn_got_exactly_its_answers(api, chats, counts)
            await each_requester_has_the_one_demand_its_confirmation_names(api, app.store, chats)
