"""The inbox runner over a real store: one chat's messages one after another and in order, other
chats at the same time; an album taken whole; a message whose channel code keeps failing given up
without holding its chat back forever.

The processor here is the test's own channel: it records what the runner hands it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from prometheus_client.parser import text_string_to_metric_families

from bot.inbox import MAX_ATTEMPTS, InboxRunner
from bot.metrics import Metrics
from store import inbox
from store.inbox import Received
from store.models import InboxRow


class Recorder:
    channel = "telegram"
    group_quiet = 0.2

    def __init__(self, delays: dict[int, float] | None = None, failing: set[int] = frozenset()) -> None:
        self.delays = delays or {}
        self.failing = failing
        self.log: list[tuple[str, str, tuple[int, ...]]] = []
        self.running: set[str] = set()
        self.overlapped = False

    async def process(self, items, receipt) -> bool:
        chat, keys = items[0].chat_key, tuple(item.payload["n"] for item in items)
        assert chat not in self.running, "two messages of one chat ran at once"
        self.overlapped |= bool(self.running)
        self.running.add(chat)
        self.log.append(("start", chat, keys))
        try:
            await asyncio.sleep(self.delays.get(keys[0], 0))
            if keys[0] in self.failing:
                raise RuntimeError("a bug in the channel's own code")
        finally:
            self.running.discard(chat)
        self.log.append(("end", chat, keys))
        return False

    def started(self, chat: str) -> list[tuple[int, ...]]:
        return [keys for kind, where, keys in self.log if kind == "start" and where == chat]


def received(chat: str, n: int, group: str | None = None) -> Received:
    return Received(channel="telegram", chat_key=chat, update_key=str(n), payload={"n": n}, group_key=group)


async def run(file_store, recorder: Recorder, updates: list[Received], metrics: Metrics | None = None,
              **options) -> None:
    runner = InboxRunner(file_store, [recorder], poll_interval=0.05, retry_cap=0.05, **options)
    if metrics is not None:
        runner.metrics = metrics
    await runner.start()
    try:
        await inbox.receive(file_store, updates)
        runner.wake()
        await asyncio.wait_for(runner.idle(), 30)
    finally:
        await runner.stop()


async def pending(store) -> int:
    async with store.transaction() as tx:
        return len((await tx.session.execute(select(InboxRow.id).where(InboxRow.status == "pending"))).all())


async def test_one_chat_in_order_other_chats_at_the_same_time(file_store):
    recorder = Recorder(delays={0: 0.3, 1: 0.01, 3: 0.05})
    await run(file_store, recorder, [received("1", 0), received("2", 1), received("1", 2), received("2", 3),
                                     received("1", 4)])
    assert recorder.started("1") == [(0,), (2,), (4,)]
    assert recorder.started("2") == [(1,), (3,)]
    assert recorder.overlapped
    # Chat 2 was through while chat 1's first message still ran.
    assert recorder.log.index(("end", "2", (3,))) < recorder.log.index(("end", "1", (0,)))
    assert await pending(file_store) == 0


async def test_an_album_is_taken_whole_once_its_parts_stop_coming(file_store):
    recorder = Recorder()
    runner = InboxRunner(file_store, [recorder], poll_interval=0.05)
    await runner.start()
    try:
        await inbox.receive(file_store, [received("1", 1, "album")])
        runner.wake()
        await asyncio.sleep(0.1)  # the album is still growing: nothing is handed over yet
        assert recorder.log == []
        await inbox.receive(file_store, [received("1", 2, "album"), received("1", 3)])
        runner.wake()
        await asyncio.wait_for(runner.idle(), 10)
    finally:
        await runner.stop()
    assert recorder.started("1") == [(1, 2), (3,)]


async def test_a_message_that_keeps_failing_is_given_up_and_its_chat_goes_on(file_store):
    recorder = Recorder(failing={1})
    metrics = Metrics()
    await run(file_store, recorder, [received("1", 1), received("1", 2), received("2", 3)], metrics=metrics)
    assert recorder.started("1") == [(1,)] * MAX_ATTEMPTS + [(2,)]
    assert recorder.started("2") == [(3,)]
    assert await pending(file_store) == 0
    # Each failed turn is counted with outcome "error"; all but the last are taken again.
    counted = {(sample.name, sample.labels.get("outcome")): sample.value
               for family in text_string_to_metric_families((await metrics.exposition()).decode())
               for sample in family.samples}
    assert counted[("ecage_turns_total", "error")] == MAX_ATTEMPTS
    assert counted[("ecage_inbox_retries_total", None)] == MAX_ATTEMPTS - 1


class DoneFirst(Recorder):
    """As a real turn: the rows are done when the turn commits, before its replies are sent."""

    def __init__(self, store, **options) -> None:
        super().__init__(**options)
        self.store = store

    async def process(self, items, receipt) -> bool:
        await inbox.finish(self.store, receipt.inbox_ids)
        await super().process(items, receipt)
        return True


async def test_a_chats_next_message_waits_until_the_replies_before_it_are_sent(file_store):
    recorder = DoneFirst(file_store, delays={1: 0.3})
    await run(file_store, recorder, [received("1", 1), received("1", 2)])
    assert recorder.log == [("start", "1", (1,)), ("end", "1", (1,)), ("start", "1", (2,)), ("end", "1", (2,))]
