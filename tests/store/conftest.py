"""Fixtures of the store tests. Each test gets, in a clean database:
``world.ana`` (a requester with a Telegram and a Teams chat), ``world.bia`` (another requester),
``world.caio`` and ``world.dora`` (attendants with private chats) and ``world.room`` (the
attendants' group chat)."""

from __future__ import annotations

import pytest
from store_support import World, make_member


@pytest.fixture
async def world(store) -> World:
    return await build_world(store)


@pytest.fixture
async def postgres_world(postgres_store) -> World:
    return await build_world(postgres_store)


async def build_world(store) -> World:
    async with store.transaction() as tx:
        ana = await make_member(tx, "Ana Souza", "ana", chats=(("telegram", "tg"), ("teams", "teams")))
        bia = await make_member(tx, "Bia Lima", "bia")
        caio = await make_member(tx, "Caio Prado", "caio", attendant=True)
        dora = await make_member(tx, "Dora Reis", "dora", attendant=True)
        room = await tx.ensure_chat("telegram", "room-chat", "group")
        await tx.bind_room(caio.actor(), room.id)
    return World(store, ana, bia, caio, dora, room.id)


@pytest.fixture
async def sqlite_world(sqlite_store) -> World:
    return await build_world(sqlite_store)
