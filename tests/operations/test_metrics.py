"""`GET /metrics` as an operator's Prometheus reads it, while Maria talks to the bot on Telegram
(webhook) and an attendant answers her demand: every number moves with what happened."""

from __future__ import annotations

import asyncio

from fakes.telegram_api import TOKEN, FakeTelegramAPI
from service_support import Samples, parse, running_service, scrape, value
from samples import ATTENDANT_NAME, DRAFT

from bot.config import Config
from bot.flood import FloodGuard
from bot.metrics import Metrics
from bot.telegram import TelegramChannel
from dialogs import Dialogs
from store import Actor, Status, Store
from taxonomy import default_taxonomy

MARIA = 4242
EVENTUALLY_S = 30


async def eventually(port: int, holds) -> Samples:
    """The metrics once `holds(samples)` is true (turns and sends finish in the background)."""
    for _ in range(EVENTUALLY_S * 20):
        samples = await scrape(port)
        if holds(samples):
            return samples
        await asyncio.sleep(0.05)
    raise AssertionError(f"the metrics never got there; last: {samples}")


def sent(samples: Samples, result: str = "sent") -> float:
    return value(samples, "ecage_deliveries_total", channel="telegram", result=result)


def turns(samples: Samples, outcome: str) -> float:
    return value(samples, "ecage_turns_total", channel="telegram", outcome=outcome)


def waiting(samples: Samples, queue: str) -> float:
    return value(samples, "ecage_queue_depth", queue=queue)


async def an_attendant_answers_her_demand(store: Store) -> Status:
    async with store.transaction() as tx:
        maria = await tx.person_for_account("telegram", str(MARIA))
        await tx.update_profile(maria.id, organ_key="sefaz")
        attendant = await tx.ensure_person("shell", "ana", ATTENDANT_NAME)
        await tx.set_attendant(attendant.id, True)
        demand = await tx.open_demand(Actor(maria.id), DRAFT)
    async with store.transaction() as tx:
        return (await tx.answer(Actor(attendant.id, True), demand.protocol, "Liquidação liberada.")).status


async def test_metrics_move_as_maria_talks_and_the_bot_delivers(api: FakeTelegramAPI, file_store: Store,
                                                                 http_port: int) -> None:
    async with running_service(api, file_store, http_port):
        quiet = await scrape(http_port)
        assert value(quiet, "ecage_database_up") == 1
        assert waiting(quiet, "inbox") == waiting(quiet, "outbox") == 0
        assert all(value(quiet, "ecage_demands", status=status.name) == 0 for status in Status)

        # A turn, its replies sent.
        await api.user_says(MARIA, "/start")
        hello = await eventually(http_port, lambda s: turns(s, "ok") == 1 and sent(s) == len(api.sent_to(MARIA)))
        assert sent(hello) >= 1
        assert value(hello, "ecage_turn_seconds_count", channel="telegram") == 1
        assert value(hello, "ecage_active_conversations") == 1

        # A reply Telegram holds up: her next message waits in the inbox, the reply in the outbox.
        api.hold("sendMessage")
        await api.user_says(MARIA, "oi")
        await api.user_says(MARIA, "oi")
        await eventually(http_port, lambda s: waiting(s, "inbox") == 1 and waiting(s, "outbox") >= 1
                         and value(s, "ecage_queue_oldest_age_seconds", queue="inbox") >= 0)
        api.release()
        await eventually(http_port, lambda s: turns(s, "ok") == 3 and waiting(s, "inbox") == waiting(s, "outbox") == 0)

        # A 429: the replies are left to the notifier, which sends them later.
        before = await scrape(http_port)
        api.fail_next("sendMessage", status=429, retry_after=1)
        await api.user_says(MARIA, "oi")
        await eventually(http_port, lambda s: sent(s, "retry") >= 1 and sent(s) > sent(before)
                         and waiting(s, "outbox") == 0)

        # The chat blocked the bot: that reply failed for good, and the chat is marked...
        api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
        await api.user_says(MARIA, "oi")
        await eventually(http_port, lambda s: sent(s, "failed") == 1)
        # ...until she writes again.
        ok = turns(await scrape(http_port), "ok")
        await api.user_says(MARIA, "oi")
        await eventually(http_port, lambda s: turns(s, "ok") == ok + 1 and waiting(s, "outbox") == 0)

        # A push: the attendant's answer reaches her through the notifier.
        before = await scrape(http_port)
        status = await an_attendant_answers_her_demand(file_store)
        pushed = await eventually(http_port, lambda s: sent(s) > sent(before) and waiting(s, "outbox") == 0)
        assert value(pushed, "ecage_demands", status=status.name) == 1
        assert sum(value(pushed, "ecage_demands", status=other.name) for other in Status) == 1
        assert turns(pushed, "error") == turns(pushed, "store-unavailable") == 0


async def test_messages_past_the_flood_limit_are_counted_as_refused(api: FakeTelegramAPI, file_store: Store) -> None:
    # The flood guard's clock stands still: after one message the bucket stays empty.
    dialogs = FloodGuard(Dialogs(file_store, default_taxonomy()), burst=1, clock=lambda: 0.0)
    channel = TelegramChannel(Config(telegram_bot_token=TOKEN, telegram_api_url=api.base_url,
                                     telegram_rate_limited=False), dialogs, file_store, poll_timeout=1)
    metrics = channel.replies.metrics = channel.runner.metrics = Metrics(file_store)
    await channel.start()
    try:
        for text in ("/start", "oi", "oi"):
            await api.user_says(MARIA, text)
        await api.taken()
        await channel.drain()
    finally:
        await channel.stop()
    samples = parse((await metrics.exposition()).decode())
    assert (turns(samples, "ok"), turns(samples, "refused-by-flood")) == (1, 2)
