"""Rate limits are kept by queueing, never by dropping; backoff grows with jitter and honours
retry_after; rows of a channel with no sender wait (logged once)."""

from __future__ import annotations

import asyncio
import logging
import time

from notifier_support import ANA_TG, Running, fast_options, statuses
from samples import DRAFT

from bot.notifier import Notifier
from bot.notifier.pacing import BACKOFF_CAP, TokenBucket, backoff
from store import Actor
from store.lifecycle import RECEIVED_TEXT


async def test_one_private_chat_gets_at_most_one_message_a_second(world, api, telegram):
    protocol = await world.open()
    for n in range(3):
        await world.run("answer", "caio", protocol, f"resposta {n}")
    notifier = Notifier(world.store, telegram, **fast_options(pace_chats=True))
    async with Running(notifier) as running:
        await running.drained(timeout=15)
    # Timed where Telegram would count them: when the Bot API server received them (timing the
    # confirmations instead adds each send's own commit to the gaps).
    times = [call.at for call in api.calls_of("sendMessage") if int(call.params["chat_id"]) == ANA_TG]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.95
    # The first answer received the demand (nobody held it): that push comes first.
    assert [m["text"].rsplit("\n", 1)[-1] for m in api.sent_to(ANA_TG)] == [RECEIVED_TEXT] + [
        f"resposta {n}" for n in range(3)]


async def test_token_bucket_spreads_a_burst():
    bucket = TokenBucket(rate=20)
    started = time.monotonic()
    for _ in range(30):  # 20 at once, then 10 more at 20/s
        await bucket.take()
    assert 0.4 <= time.monotonic() - started < 1.0


def test_backoff_is_exponential_with_full_jitter_and_honours_retry_after():
    assert backoff(5, retry_after=7) == 7
    for attempts in range(1, 15):
        delays = [backoff(attempts) for _ in range(200)]
        assert all(0 <= d <= min(BACKOFF_CAP, 2 ** (attempts - 1)) for d in delays)
    assert max(backoff(12) for _ in range(200)) > 60  # grows up to the 5-minute cap


async def test_rows_of_a_channel_without_sender_stay_pending(live_store, telegram, caplog):
    async with live_store.transaction() as tx:
        person = await tx.ensure_person("teams", "t1", "Teresa")
        await tx.ensure_chat("teams", "conv-1", "private", person_id=person.id)
        attendant = await tx.ensure_person("telegram", "caio", "Caio")
        await tx.set_attendant(attendant.id, True)
    async with live_store.transaction() as tx:
        protocol = (await tx.open_demand(Actor(person.id), DRAFT)).protocol
    async with live_store.transaction() as tx:
        await tx.answer(Actor(attendant.id, True), protocol, "Oi")
    caplog.set_level(logging.WARNING, logger="bot.notifier")
    async with Running(Notifier(live_store, telegram, **fast_options())):
        await asyncio.sleep(0.5)
    assert set((await statuses(live_store)).values()) == {"pending"}
    warnings = [r.getMessage() for r in caplog.records if "'teams'" in r.getMessage()]
    assert len(warnings) == 1
