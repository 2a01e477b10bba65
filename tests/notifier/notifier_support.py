"""Helpers of the notifier tests: a small world of people and chats, and running a notifier
until the outbox is empty."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from fakes.telegram_api import TOKEN
from samples import DRAFT
from sqlalchemy import func, select

from bot.config import Config
from bot.notifier import Notifier
from store import Actor, Store
from store.models import OutboxRow


# Telegram chat ids of the world (private chats are positive, groups negative).
ANA_TG, ANA_TG2, CAIO_TG, ROOM_TG = 1001, 1002, 3001, -2001


@dataclass
class World:
    store: Store
    ana: int          # requester person id
    caio: int         # attendant person id
    ana_chat: int | None  # db id of Ana's first Telegram chat (where she "acts" from)
    ana_chat2: int | None  # db id of Ana's second chat, which hears even her own actions
    caio_chat: int
    room: int

    def ana_actor(self, from_chat: int | None = None) -> Actor:
        return Actor(self.ana, False, from_chat if from_chat is not None else self.ana_chat)

    def caio_actor(self) -> Actor:
        return Actor(self.caio, True, self.caio_chat)

    async def open(self, **changes) -> str:
        async with self.store.transaction() as tx:
            return (await tx.open_demand(self.ana_actor(), replace(DRAFT, **changes))).protocol

    async def run(self, method: str, who: str, *args) -> None:
        actor = self.ana_actor() if who == "ana" else self.caio_actor()
        async with self.store.transaction() as tx:
            await getattr(tx, method)(actor, *args)


async def build_world(store: Store, *, email: str | None = "ana@sefaz.rs.gov.br",
                      ana_chats: tuple[tuple[str, str], ...] = (("telegram", str(ANA_TG)),
                                                                ("telegram", str(ANA_TG2)))) -> World:
    async with store.transaction() as tx:
        ana = await tx.ensure_person("telegram", "ana", "Ana Souza")
        if email:
            await tx.update_profile(ana.id, email=email)
        chats = [await tx.ensure_chat(channel, chat_id, "private", person_id=ana.id)
                 for channel, chat_id in ana_chats]
        caio = await tx.ensure_person("telegram", "caio", "Caio Prado")
        await tx.set_attendant(caio.id, True)
        caio_chat = await tx.ensure_chat("telegram", str(CAIO_TG), "private", person_id=caio.id)
        room = await tx.ensure_chat("telegram", str(ROOM_TG), "group")
        await tx.bind_room(Actor(caio.id, True), room.id)
    first, last = (chats[0].id, chats[-1].id) if chats else (None, None)
    return World(store, ana.id, caio.id, first, last, caio_chat.id, room.id)


async def unsent(store: Store) -> int:
    async with store.transaction() as tx:
        return await tx.session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_(("pending", "sending"))))


async def statuses(store: Store) -> dict[int, str]:
    async with store.transaction() as tx:
        return dict((await tx.session.execute(select(OutboxRow.id, OutboxRow.status))).all())


async def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        result = await predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(interval)


class Running:
    """A notifier running in a task of this test: `async with Running(notifier): ...`."""

    def __init__(self, notifier: Notifier):
        self.notifier = notifier
        self.stop = asyncio.Event()

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.notifier.run(self.stop))
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 10)

    async def drained(self, timeout: float = 10.0) -> None:
        """Every row sent, and what follows a send (the rooms' card edits) done too."""
        await wait_until(lambda: _no_unsent(self.notifier.store), timeout)
        await wait_until(self._quiet, timeout)

    async def _quiet(self) -> bool:
        return not self.notifier.busy


async def _no_unsent(store: Store) -> bool:
    return await unsent(store) == 0


def fast_options(**changes) -> dict:
    """Notifier options for tests: no pacing (the Telegram limits are tested on their own)."""
    return {"poll_interval": 0.05, "global_rate": 0, "pace_chats": False, **changes}


def telegram_config(api, database_url: str | None = None, **changes) -> Config:
    return Config(database_url=database_url or "sqlite+aiosqlite:///unused.db", telegram_bot_token=TOKEN,
                  telegram_api_url=api.base_url, **changes)


# A notifier in a process of its own (tests/notifier/notifier_process.py), killed or stopped.
SCRIPT = Path(__file__).with_name("notifier_process.py")
PROCESS_OPTIONS = {"lease": 1.5, "poll_interval": 0.1, "global_rate": 0, "pace_chats": False}


async def start_notifier(api, database_url: str, **options) -> asyncio.subprocess.Process:
    # Without Telegram's steady 30 messages a second, as without the notifier's own pacing above:
    # a quota of the real server, which these tests are not about (a 429 is still obeyed).
    env = {**os.environ, "ECAGE_DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_API_URL": api.base_url, "TELEGRAM_RATE_LIMIT": "off"}
    env.pop("ECAGE_SMTP_URL", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), json.dumps({**PROCESS_OPTIONS, **options}), env=env)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), 15)
