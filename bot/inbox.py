"""Taking turns from the inbox: every update a channel received was written to the store's inbox
before it was acknowledged (store/inbox.py); `InboxRunner` takes them from there, the oldest of
each chat first, several chats at once, and hands each to its channel's `Processor`, which builds
the `Incoming`, asks the dialogs (whose turn marks the rows done) and sends the replies
(bot/replies.py). After a crash, whatever was received and not done is taken again.

The runner is woken when a channel writes to the inbox, so a turn starts at once; it also looks
every `poll_interval` seconds, for rows another process left (its lease ran out, or it died on
this host: store/owners.py). An album's parts are one message: taken together once no part has
arrived for the processor's `group_quiet` seconds.

If the database is away, the rows stay pending and are taken again once it is back: nothing
received is lost, however long that takes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from bot import metrics
from bot.channels import ChatLocks
from bot.notifier.pacing import backoff
from dialogs.messages import Receipt
from store import Store, StoreUnavailable, inbox
from store.inbox import InboxItem
from store.owners import keep_renewing, new_owner, release_dead_claims

log = logging.getLogger(__name__)

# A row that failed this many times (a bug in a channel's own code) is given up, logged. The
# database being away is no failure of the row's: it is waited out however long it takes.
MAX_ATTEMPTS = 5
RETRY_CAP = 30.0
# Rows of dead processes on this host and done rows past keeping are looked for this often.
HOUSEKEEPING_EVERY = 10.0
# A claim's lease, renewed every third of it while held: a turn's rows, and the replies it queued
# born claimed (store/inbox.py), renewed while they are sent (bot/replies.py).
LEASE_S = 30.0
DONE_MEMORY = 10_000


class Processor(Protocol):
    channel: str
    group_quiet: float  # seconds an album must stay without new parts before it is one message

    async def process(self, items: list[InboxItem], receipt: Receipt) -> bool:
        """Handle one message (several rows for an album). True when a turn marked the rows done;
        otherwise the runner marks them."""


def infrastructure(error: BaseException) -> bool:
    """The database or the network away: the row waits, it is not the row's fault."""
    return isinstance(error, (StoreUnavailable, DBAPIError, OSError, TimeoutError))


class InboxRunner:
    def __init__(self, store: Store, processors: list[Processor], *, owner: str | None = None,
                 lease: float = LEASE_S, concurrency: int = 64, poll_interval: float = 1.0,
                 retry_cap: float = RETRY_CAP) -> None:
        self.store = store
        self.retry_cap = retry_cap
        # Called after a message whose turn wrote pushes (or replies left behind an unsent one):
        # a notifier of this process wakes to send them.
        self.on_done: Callable[[], None] | None = None
        self._notices_told = store.notices
        self.metrics = metrics.UNCOUNTED  # the service's, set by bot/service.py
        self.processors = {processor.channel: processor for processor in processors}
        self.owner = owner or new_owner()
        self.lease = lease
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._held: set[int] = set()
        self._done: OrderedDict[int, None] = OrderedDict()
        self._waiters: dict[int, list[asyncio.Future]] = {}
        self._loop_task: asyncio.Task | None = None
        self._db_failures = 0
        # A chat's next message waits until the one before is through, replies sent: its row is
        # done (so its chat's next one can be claimed) as soon as its turn commits.
        self._chats = ChatLocks()
        # At most `concurrency` messages under way; the others wait their turn in order. Rows
        # written claimed start no claim, so they would otherwise all run at once: hundreds of
        # turns interleaved on the event loop, each round of it longer, and the webhook's
        # acknowledgements waited through those rounds (benchmarks/bench_replies.py, x500).
        self._running = asyncio.Semaphore(concurrency)
        # Chats with rows this process wrote unclaimed: only their messages' end calls for a claim
        # (a claim is a write, and on SQLite every write waits for the one writer).
        self._waiting_chats: Counter[tuple[str, str]] = Counter()

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = asyncio.Event()
        self._loop_task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop taking rows; the turns under way finish (what is left stays for the next start)."""
        if self._loop_task is None:
            return
        self._stopping.set()
        self._wake.set()
        await asyncio.gather(self._loop_task, return_exceptions=True)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._loop_task = None

    def wake(self) -> None:
        self._wake.set()

    def received(self, rows: list[InboxItem | None]) -> None:
        """What a channel of this process just wrote (store/inbox.py `receive`): rows written
        claimed by this runner are started at once; the others wait behind their chat's current
        message, which wakes the runner to claim them when it is through."""
        waiting = False
        for row in rows:
            if row is None:
                continue
            if row.taken:
                self._start(row)
            else:
                self._waiting_chats[(row.channel, row.chat_key)] += 1
                waiting = True
        if waiting:
            self.wake()

    async def idle(self) -> None:
        """Until nothing of this runner's channels is pending or under way (for tests and shutdown)."""
        while True:
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                continue
            if not await inbox.waiting(self.store, self.processors):
                return
            self.wake()
            await asyncio.sleep(0.01)

    async def handled(self, inbox_id: int, timeout: float) -> bool:
        """Wait until the row is done here (a channel whose request waits for its answer)."""
        if inbox_id in self._done:
            return True
        future = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(inbox_id, []).append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._waiters.get(inbox_id, [])
            if future in waiting:
                waiting.remove(future)
            if not waiting:
                self._waiters.pop(inbox_id, None)

    # --- the loop -----------------------------------------------------------------------------

    async def _run(self) -> None:
        renewing = asyncio.create_task(self._renew())
        housekept = 0.0
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                if time.monotonic() - housekept > HOUSEKEEPING_EVERY:
                    await self._guarded(self._housekeeping)
                    housekept = time.monotonic()
                free = self.concurrency - len(self._tasks)
                claimed = await self._guarded(lambda: inbox.claim(
                    self.store, self.owner, channels=self.processors, limit=free, lease=self.lease,
                    busy=self._held)) if free else None
                for item in claimed or ():
                    self._start(item)
                await self._pause()
        finally:
            renewing.cancel()

    async def _pause(self) -> None:
        delay = self.poll_interval if not self._db_failures else self._retry_delay(self._db_failures)
        try:
            await asyncio.wait_for(self._wake.wait(), delay)
        except TimeoutError:
            pass

    async def _guarded(self, operation):
        try:
            result = await operation()
        except Exception as error:  # the database restarting, a network cut...
            self._db_failures += 1
            log.warning("inbox: database unavailable (%s), trying again", error.__class__.__name__)
            return None
        self._db_failures = 0
        return result

    async def _housekeeping(self) -> None:
        # Rows another process claimed are never ours to count down: the poll finds what is left.
        self._waiting_chats.clear()
        if await release_dead_claims(self.store):
            log.info("inbox: took over the claims of a process of this host that is gone")
        await inbox.purge(self.store)

    async def _renew(self) -> None:
        await keep_renewing(lambda: inbox.renew(self.store, self.owner, list(self._held), self.lease),
                            self.lease, "inbox")

    # --- one message --------------------------------------------------------------------------

    def _start(self, item: InboxItem) -> None:
        self._held.add(item.id)
        task = asyncio.create_task(self._take(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _take(self, head: InboxItem) -> None:
        async with self._chats.hold((head.channel, head.chat_key)), self._running:
            await self._take_in_turn(head)

    async def _take_in_turn(self, head: InboxItem) -> None:
        processor = self.processors[head.channel]
        ids: tuple[int, ...] = (head.id,)
        try:
            items = await self._whole_group(head, processor.group_quiet)
            ids = tuple(item.id for item in items)
            self._held.update(ids)
            self._taken_from_waiting(head.channel, head.chat_key, len(items) - (1 if head.taken else 0))
            if not await processor.process(items, Receipt(ids, self.owner, self.lease, head.attempts)):
                await inbox.finish(self.store, ids)
            self._finished(ids)
            self._tell_the_notifier()
        except Exception as error:
            given_up = head.attempts >= MAX_ATTEMPTS and not infrastructure(error)
            log.log(logging.ERROR if given_up else logging.WARNING,
                    "inbox %s: attempt %s failed (%s)%s", ids, head.attempts, error.__class__.__name__,
                    ", given up" if given_up else "", exc_info=given_up,
                    extra={"channel": head.channel, "chat": head.chat_key, "turn": head.id})
            self.metrics.turn(head.channel, metrics.STORE_UNAVAILABLE if infrastructure(error) else metrics.ERROR)
            if not given_up:
                self.metrics.inbox_retry(head.channel)
            delay = self._retry_delay(head.attempts)
            await self._guarded(lambda: inbox.finish(self.store, ids) if given_up
                                else inbox.release(self.store, self.owner, ids, delay))
            asyncio.get_running_loop().call_later(delay, self._wake.set)
        finally:
            self._held.difference_update(ids)
            if self._waiting_chats.get((head.channel, head.chat_key)):
                self._wake.set()

    async def _whole_group(self, head: InboxItem, quiet: float) -> list[InboxItem]:
        while True:
            items = await inbox.group_of(self.store, head)
            if len(items) == 1 and head.group_key is None:
                return items
            newest = max(item.received_at for item in items)
            wait = quiet - (self.store.clock() - newest).total_seconds()
            if wait <= 0:
                return items
            await asyncio.sleep(wait)

    def _tell_the_notifier(self) -> None:
        # Only when a commit wrote something for it to send: waking it after every turn cost a
        # claim, a transaction, per turn for nothing (py-spy, benchmarks/bench_replies.py).
        if self.on_done is not None and self.store.notices != self._notices_told:
            self._notices_told = self.store.notices
            self.on_done()

    def _taken_from_waiting(self, channel: str, chat_key: str, count: int) -> None:
        key = (channel, chat_key)
        left = self._waiting_chats.get(key, 0) - count
        if left > 0:
            self._waiting_chats[key] = left
        else:
            self._waiting_chats.pop(key, None)

    def _retry_delay(self, attempts: int) -> float:
        return min(self.retry_cap, backoff(attempts))

    def _finished(self, ids: tuple[int, ...]) -> None:
        for inbox_id in ids:
            self._done[inbox_id] = None
            for future in self._waiters.pop(inbox_id, []):
                if not future.done():
                    future.set_result(None)
        while len(self._done) > DONE_MEMORY:
            self._done.popitem(last=False)
