"""Rate limits are kept by queueing, never by dropping; backoff grows with jitter and honours
retry_after; rows of a channel with no sender wait (logged once)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from notifier_support import ANA_TG, Running, fast_options, statuses
from samples import DRAFT

from bot.notifier import Notifier
from bot.notifier.pacing import BACKOFF_CAP, ChatPacer, TokenBucket, backoff
from bot.notifier.senders import TELEGRAM_PRIVATE_INTERVAL
from store import Actor
from store.lifecycle import RECEIVED_TEXT


class FakeTime:
    """A monotonic clock that moves only when slept on or by hand: what the pacers schedule,
    whatever the machine's load does to real waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        # At least a nanosecond, like a real clock's tick: a bucket a rounding error short of a
        # token asks for a sleep too short to move a float of this size.
        self.now += max(seconds, 1e-9)


async def test_the_chat_pacer_waits_the_interval_from_each_confirmed_send():
    time_ = FakeTime()
    pacer = ChatPacer(clock=time_, sleep=time_.sleep)
    starts = []
    for _ in range(3):
        async with pacer.paced(7, 1.0):
            starts.append(time_.now)
            time_.now += 0.25  # the send itself, until the channel confirms it
    # Each send starts a full interval after the previous one was confirmed, not after it began.
    assert starts == [0.0, 1.25, 2.5] and time_.slept == [1.0, 1.0]
    async with pacer.paced(8, 1.0):  # another chat does not wait for this one
        async with pacer.paced(7, 0.0):  # nor does a channel without a per-chat interval
            pass
    assert time_.slept == [1.0, 1.0]
    time_.now += 5  # long after the last send: no wait
    async with pacer.paced(7, 1.0):
        pass
    assert time_.slept == [1.0, 1.0]


async def test_one_private_chat_gets_at_most_one_message_a_second(world, api, telegram):
    protocol = await world.open()
    for n in range(3):
        await world.run("answer", "caio", protocol, f"resposta {n}")
    notifier = Notifier(world.store, telegram, **fast_options(pace_chats=True))
    async with Running(notifier) as running:
        await running.drained(timeout=15)
    # Timed where Telegram would count them: when the Bot API server received them. Only a lower
    # bound, which load cannot break: the pacer waits a second from the confirmation of the
    # previous message, which the server had received before confirming it, so a slow machine
    # only makes the gaps longer (the exact schedule is the test above, on a clock of its own).
    times = [call.at for call in api.calls_of("sendMessage") if int(call.params["chat_id"]) == ANA_TG]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3 and min(gaps) >= TELEGRAM_PRIVATE_INTERVAL
    # The first answer received the demand (nobody held it): that push comes first.
    assert [m["text"].rsplit("\n", 1)[-1] for m in api.sent_to(ANA_TG)] == [RECEIVED_TEXT] + [
        f"resposta {n}" for n in range(3)]


async def test_token_bucket_spreads_a_burst():
    time_ = FakeTime()
    bucket = TokenBucket(rate=20, clock=time_, sleep=time_.sleep)
    for _ in range(30):  # 20 at once, then 10 more at 20/s
        await bucket.take()
    assert time_.slept[0] == pytest.approx(0.05) and time_.now == pytest.approx(0.5)
    time_.now += 10  # a quiet while refills the bucket, to its size and no more
    for _ in range(20):
        await bucket.take()
    assert time_.now == pytest.approx(10.5)
    await bucket.take()
    assert time_.now == pytest.approx(10.55)


async def test_token_bucket_on_the_real_clock_waits_at_least_its_rate():
    bucket = TokenBucket(rate=20)
    started = time.monotonic()
    for _ in range(30):
        await bucket.take()
    assert time.monotonic() - started >= 0.45  # a lower bound only: load makes it longer


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
