"""Delivery fairness against the fake Bot API: a 429 holds back only what it limits (its chat, or
the whole bot when Telegram's answer says so); a chat that blocked the bot is marked, its rows
skipped until it writes again; a crashed notifier's rows are taken back at once, and a send
under way keeps its short lease."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import timedelta

import pytest
from notifier_support import (ANA_TG, ANA_TG2, ROOM_TG, Running, fast_options, start_notifier, statuses,
                              telegram_config, unsent, wait_until)
from samples import DRAFT
from sqlalchemy import select
from telegram.error import RetryAfter

from bot.notifier import Notifier
from bot.notifier.core import LEASE_S
from bot.telegram import TelegramChannel, build_bot
from bot.telegram.limits import GLOBAL_CHATS
from dialogs import Dialogs
from store import Actor, outbox
from store.models import ChatRow, OutboxRow
from taxonomy import default_taxonomy

BLOCKED = "Forbidden: bot was blocked by the user"


async def _rows(store, **where) -> list[OutboxRow]:
    async with store.transaction() as tx:
        query = select(OutboxRow).join(ChatRow, ChatRow.id == OutboxRow.chat_id).order_by(OutboxRow.id)
        for column, value in where.items():
            query = query.where(getattr(ChatRow, column) == value)
        return list((await tx.session.scalars(query)).all())


async def _blocked_at(store, chat_id: int):
    async with store.transaction() as tx:
        return await tx.session.scalar(select(ChatRow.blocked_at).where(ChatRow.chat_id == str(chat_id)))


# --- a 429 ----------------------------------------------------------------------------------------

async def test_a_429_in_one_chat_holds_back_that_chat_only(world, api, telegram):
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Primeira resposta.")
    api.fail_next("sendMessage", status=429, retry_after=60, chat_id=ANA_TG)
    async with Running(Notifier(world.store, telegram, **fast_options())):
        # Every other chat is served while Ana's first chat waits its minute.
        await wait_until(lambda: _only_waiting(world.store, ANA_TG), timeout=15)
    waiting = await _rows(world.store, chat_id=str(ANA_TG))
    assert [row.status for row in waiting] == ["pending", "pending"]  # its head, and the row behind it
    head = waiting[0]
    assert head.next_attempt_at - head.created_at >= timedelta(seconds=55)  # Telegram's retry_after
    assert "Flood control" in head.last_error
    assert sum(m["text"].endswith("Primeira resposta.") for m in api.sent_to(ANA_TG2)) == 1
    limits = telegram["telegram"].bot.rate_limiter
    assert limits.limited_for(ANA_TG) > 0 and limits.paused_for() == 0


async def _only_waiting(store, chat: int) -> bool:
    rows = await _rows(store)
    async with store.transaction() as tx:
        chats = dict((await tx.session.execute(select(ChatRow.id, ChatRow.chat_id))).all())
    unsent_chats = {chats[row.chat_id] for row in rows if row.status != "sent"}
    return unsent_chats == {str(chat)} and all(row.status == "pending" for row in rows if row.status != "sent")


async def test_429s_in_many_chats_at_once_or_for_no_chat_pause_the_whole_bot(api):
    async with build_bot(telegram_config(api)) as bot:
        limits = bot.rate_limiter
        # One chat limited: the others go on.
        api.fail_next("sendMessage", status=429, retry_after=1, chat_id=1)
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "um")
        assert limits.limited_for(1) > 0 and limits.paused_for() == 0
        with pytest.raises(RetryAfter):  # that chat is not even asked for a while
            await bot.send_message(1, "de novo")
        assert len([call for call in api.calls_of("sendMessage") if call.params["chat_id"] == 1]) == 1

        # Chats limited at the same moment: it is the bot's limit, everything waits.
        for chat in range(2, GLOBAL_CHATS + 1):
            api.fail_next("sendMessage", status=429, retry_after=1, chat_id=chat)
            with pytest.raises(RetryAfter):
                await bot.send_message(chat, "um")
        paused = limits.paused_for()
        assert paused > 0
        refused_at = api.calls_of("sendMessage")[-1].at
        await bot.send_message(99, "depois da pausa")
        assert api.calls_of("sendMessage")[-1].at - refused_at >= 0.9  # it waited for the pause

        # A 429 on a request tied to no chat: the bot pauses, and that request is tried again.
        api.fail_next("getMe", status=429, retry_after=1)
        await bot.get_me()
        first, again = api.calls_of("getMe")[-2:]
        assert again.at - first.at >= 0.9 and limits.paused_for() == 0


# --- a chat that blocked the bot ------------------------------------------------------------------

REQUESTER_TG = 5005


async def test_a_chat_that_blocked_the_bot_is_skipped_until_it_writes_again(world, api, telegram, database_url):
    store = world.store
    async with store.transaction() as tx:
        maria = await tx.ensure_person("telegram", str(REQUESTER_TG), "Maria Souza")
        await tx.ensure_chat("telegram", str(REQUESTER_TG), "private", person_id=maria.id)
        protocol = (await tx.open_demand(Actor(maria.id), DRAFT)).protocol
    api.fail_next("sendMessage", status=403, description=BLOCKED, chat_id=REQUESTER_TG)
    async with Running(Notifier(store, telegram, **fast_options())) as running:
        await running.drained()
        assert await _blocked_at(store, REQUESTER_TG) is not None
        # While the mark stands her new events are skipped, visible to the operator, never tried.
        async with store.transaction() as tx:
            await tx.answer(world.caio_actor(), protocol, "Enquanto bloqueado.")
        await running.drained()
    hers = await _rows(store, chat_id=str(REQUESTER_TG))
    assert [row.status for row in hers] == ["failed", "skipped", "skipped"]  # received, answered
    assert BLOCKED in hers[0].last_error
    assert len([c for c in api.calls_of("sendMessage") if c.params["chat_id"] == REQUESTER_TG]) == 1
    listing = {entry.id: entry.status for entry in await outbox.list_outbox(store)}
    assert listing[hers[1].id] == "skipped"

    # She writes to the bot again: the mark goes with that turn, and the bot answers her.
    dialogs = Dialogs(store, default_taxonomy())
    channel = TelegramChannel(telegram_config(api, database_url, telegram_rate_limited=False), dialogs, store,
                              poll_timeout=1)
    await channel.start()
    try:
        answered = len(api.sent_to(REQUESTER_TG))
        await api.user_says(REQUESTER_TG, "oi", user=api.user(REQUESTER_TG))
        await api.taken()
        await channel.drain()
    finally:
        await channel.stop()
    assert await _blocked_at(store, REQUESTER_TG) is None
    assert len(api.sent_to(REQUESTER_TG)) > answered

    # Blocked again (her next push refused), then unblocked: Telegram says so (my_chat_member), and
    # her pushes go again before she writes.
    async with store.transaction() as tx:
        await tx.answer(world.caio_actor(), protocol, "Bloqueado de novo.")
    api.fail_next("sendMessage", status=403, description=BLOCKED, chat_id=REQUESTER_TG)
    async with Running(Notifier(store, telegram, **fast_options())) as running:
        await running.drained()
    assert await _blocked_at(store, REQUESTER_TG) is not None
    channel = TelegramChannel(telegram_config(api, database_url, telegram_rate_limited=False), dialogs, store,
                              poll_timeout=1)
    await channel.start()
    try:
        await api.bot_status_changes(REQUESTER_TG, "kicked", "member", user=api.user(REQUESTER_TG))
        await api.taken()
        await channel.drain()
    finally:
        await channel.stop()
    assert await _blocked_at(store, REQUESTER_TG) is None

    # Her next event reaches her; the one skipped stays skipped (old news).
    async with store.transaction() as tx:
        await tx.answer(world.caio_actor(), protocol, "Depois de ela voltar.")
    async with Running(Notifier(store, telegram, **fast_options())) as running:
        await running.drained()
    assert api.sent_to(REQUESTER_TG)[-1]["text"].endswith("Depois de ela voltar.")
    assert (await statuses(store))[hers[1].id] == "skipped"


# --- leases ---------------------------------------------------------------------------------------

async def test_a_send_under_way_keeps_its_short_lease_and_is_not_taken_by_another_notifier(world, api, telegram):
    assert Notifier(world.store, telegram).lease == LEASE_S == 15.0
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Resposta lenta.")
    lease = 3.0
    api.hold("sendMessage")
    first = Notifier(world.store, telegram, **fast_options(lease=lease))
    async with Running(first):
        await api.wait_for(lambda: api.held, timeout=10)
        claimed = {row.id: row.claimed_until for row in await _rows(world.store) if row.status == "sending"}
        async with Running(Notifier(world.store, telegram, **fast_options(lease=lease))):
            # The sends hang past their first lease: renewed, they stay the first notifier's.
            await wait_until(lambda: _renewed_past(world.store, claimed, lease), timeout=30)
            sending = [row for row in await _rows(world.store) if row.id in claimed]
            assert {row.claimed_by for row in sending} == {first.name}
            api.release()
            await wait_until(lambda: _no_unsent(world.store), timeout=15)
    sends = Counter((call.params["chat_id"], call.params["text"]) for call in api.calls_of("sendMessage"))
    assert max(sends.values()) == 1  # nothing sent twice


async def _renewed_past(store, claimed: dict, lease: float) -> bool:
    rows = [row for row in await _rows(store) if row.id in claimed]
    return all(row.claimed_until is not None and row.claimed_until > claimed[row.id] + timedelta(seconds=lease)
               for row in rows)


async def _no_unsent(store) -> bool:
    return await unsent(store) == 0


@pytest.mark.slow
async def test_a_notifier_killed_mid_send_has_its_rows_sent_by_another_at_once(world, api, telegram, database_url):
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Depois da queda.")
    api.hold("sendMessage")
    # A lease far longer than the test: only the dead owner's claims being freed can explain a
    # prompt takeover.
    crashed = await start_notifier(api, database_url, lease=600)
    await api.wait_for(lambda: api.held, timeout=60)
    claimed = [row for row in await _rows(world.store) if row.status == "sending"]
    assert claimed
    crashed.send_signal(signal.SIGKILL)
    await crashed.wait()
    api.release()  # what was in flight reaches "Telegram" after all

    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained(timeout=30)
    rows = {row.id: row for row in await _rows(world.store)}
    for row in claimed:
        assert rows[row.id].status == "sent"
        assert rows[row.id].sent_at < row.claimed_until - timedelta(seconds=500)  # long before its lease ran out
    got = [m["text"] for m in api.sent_to(ANA_TG2) if m["text"].endswith("Depois da queda.")]
    assert 1 <= len(got) <= 2  # the send in flight may repeat, never more
    assert await unsent(world.store) == 0
    assert ROOM_TG in {call.params["chat_id"] for call in api.calls_of("sendMessage")}
