"""Quiet hours: from 20:00 to 8:00 (Porto Alegre) a push to a requester goes out on Telegram with
disable_notification, unless the requester asked for sound in "Meus dados"; the rooms' pushes and
daytime pushes ring as always. Read from the requests the fake Bot API received."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from notifier_support import ANA_TG, ROOM_TG, Running, build_world, fast_options

from bot.notifier import Notifier
from store.workdays import LOCAL


def local_time(hour: int) -> datetime:
    return datetime(2025, 2, 4, hour, tzinfo=LOCAL).astimezone(timezone.utc)


def silent_flags(api, chat_id: int) -> list[bool]:
    return [str(call.params.get("disable_notification", "false")).lower() == "true"
            for call in api.calls_of("sendMessage") if str(call.params["chat_id"]) == str(chat_id)]


async def pushes_at(store, clock, api, telegram, hour: int, *, sound_at_night: bool = False) -> tuple[list, list]:
    clock.set(local_time(hour))
    world = await build_world(store)
    if sound_at_night:
        async with store.transaction() as tx:
            await tx.set_silent_at_night(world.ana, False)
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Estamos vendo.")
    async with Running(Notifier(store, telegram, **fast_options())) as running:
        await running.drained()
    return silent_flags(api, ANA_TG), silent_flags(api, ROOM_TG)


@pytest.mark.parametrize("hour", [20, 23, 7])
async def test_a_requesters_push_at_night_is_silent(store, clock, api, telegram, hour):
    requester, room = await pushes_at(store, clock, api, telegram, hour)
    assert requester and all(requester)
    assert room and not any(room)  # the attendants' room is no requester


@pytest.mark.parametrize("hour", [8, 12, 19])
async def test_a_requesters_push_by_day_rings(store, clock, api, telegram, hour):
    requester, _ = await pushes_at(store, clock, api, telegram, hour)
    assert requester and not any(requester)


async def test_a_requester_who_asked_for_sound_hears_pushes_at_night(store, clock, api, telegram):
    requester, _ = await pushes_at(store, clock, api, telegram, 22, sound_at_night=True)
    assert requester and not any(requester)
