"""On SQLite a notifier in another process than the bot is woken by the bot's commits (the WAL
file changes, bot/notifier/wakeups.py), not by its poll: with a poll of an hour, a push still
arrives. The "other process" is a second Store on the same file: its commits wake nothing in this
process's notifier, as another process's would not."""

from __future__ import annotations

import asyncio

import pytest
from notifier_support import ANA_TG2, Running, build_world, fast_options, wait_until

from bot.notifier import Notifier
from bot.notifier.wakeups import wal_file, watch_commits
from store import Store


@pytest.fixture
async def other_process_store(sqlite_store, tmp_path):
    """The bot's store, opened apart from the notifier's `sqlite_store` on the same file."""
    url = sqlite_store.engine.url.render_as_string(hide_password=False)
    opened = await Store.open(url, clock=sqlite_store.clock, attachments_dir=tmp_path / "attachments", migrate=False)
    yield opened
    await opened.close()


async def test_a_push_committed_by_another_process_is_sent_without_waiting_for_the_poll(
        sqlite_store, other_process_store, api, telegram):
    world = await build_world(other_process_store)
    notifier = Notifier(sqlite_store, telegram, watch_wal=True, **fast_options(poll_interval=3600))
    async with Running(notifier):
        await asyncio.sleep(0.2)  # its first pass found nothing: now it only waits
        protocol = await world.open()
        pushed = await wait_until(lambda: _sent(api, ANA_TG2, protocol), timeout=10)
    assert pushed[0]["text"].startswith("Demanda Registrada")


async def _sent(api, chat: int, protocol: str) -> list[dict]:
    return [message for message in api.sent_to(chat) if protocol in message["text"]]


async def test_the_watch_wakes_on_each_commit_and_not_without_one(sqlite_store, other_process_store):
    wal = wal_file(sqlite_store.engine.url.database)
    wakes, stop = [], asyncio.Event()
    watching = asyncio.create_task(watch_commits(wal, lambda: wakes.append(1), stop, interval=0.01))
    await asyncio.sleep(0.1)
    assert wakes == []
    await build_world(other_process_store)
    await wait_until(lambda: _async(bool(wakes)), timeout=5)
    stop.set()
    await watching


async def _async(value):
    return value


def test_an_in_memory_database_has_no_wal_to_watch():
    assert wal_file(":memory:") is None and wal_file(None) is None
    assert str(wal_file("/data/ecage.db")) == "/data/ecage.db-wal"
