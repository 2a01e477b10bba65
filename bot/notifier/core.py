"""The notifier: claims outbox rows, renders each event for its chat and sends it.

One loop claims the head row of every chat that is due (store/outbox.py), sends each in its own
task, and marks it sent, for retry or failed as soon as the channel answered. It wakes on
PostgreSQL's NOTIFY, on SQLite (a notifier in its own process) when another process committed
(bot/notifier/wakeups.py), when a send finishes (the chat's next row is now its head), and
every ``poll_interval`` seconds in any case (a lost LISTEN connection, a commit not watched).
Database errors never stop it: it waits and tries again, and an outcome it could not record yet
is kept in memory and recorded once the database is back.

Its claims are short leases (LEASE_S) renewed while each send is under way, and it frees the
claims of dead processes of its host at start and every DEAD_OWNERS_EVERY seconds
(store/owners.py): a notifier that crashed has its rows sent by another, or by itself restarted,
within seconds, never after a minute. A chat that cannot be reached (ChatGoneError) is marked,
and its rows are skipped until it writes again (store/outbox.py `mark_chat_gone`). A 429 holds
back only its chat's rows, by their retry time (bot/telegram/limits.py says when it is the bot's).

A new demand reaches the attendants' rooms as its card, with buttons to act on it. The notifier
records which message shows that card, and whenever it delivers a later event of the demand it
edits the card to show the demand as it is now (a sender without ``edit`` leaves it as it was).
Editing is a courtesy: a failed edit is logged, never retried, and never holds a delivery back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import Awaitable, Callable

from bot import metrics as counting
from dialogs.events import EMAIL_KINDS, card_now
from store import Store, is_transient
from store import outbox
from store.group_commit import GroupCommit
from store.outbox import Delivery
from store.owners import keep_renewing, new_owner, release_dead_claims

from .rendering import card_state, changes_card, is_requester_card, is_room_card, make_choices_current, render
from .pacing import ChatPacer, TokenBucket, backoff
from .scheduled import Schedule, run_scheduled
from .wakeups import listen_for_commits, wal_file, watch_commits
from .senders import ChatGoneError, PermanentSendError, Sender, TransientSendError

log = logging.getLogger(__name__)

SHELL_CHANNEL = "shell"
MAX_ATTEMPTS = 12
# A claim's lease, renewed every third of it while the send is under way: a crashed notifier on
# another host is taken over after this long (on this host at once, see DEAD_OWNERS_EVERY).
LEASE_S = 15.0
# How often the claims of this host's dead processes are looked for (one small transaction).
DEAD_OWNERS_EVERY = 5.0
DB_RETRY_CAP = 10.0
# While sends are under way, claim again once this share of the slots (1/4) is free.
CLAIM_BATCH_SHARE = 4
# Events whose cards this notifier brought up to date already (several chats hear each event).
REFRESHED_MEMORY = 1000
# On stop, card edits still waiting (groups allow few messages a minute) get this long to finish.
REFRESH_GRACE = 5.0


class Notifier:
    def __init__(self, store: Store, senders: dict[str, Sender], *, name: str | None = None,
                 lease: float = LEASE_S, poll_interval: float = 1.0, max_inflight: int = 100,
                 max_attempts: int = MAX_ATTEMPTS, global_rate: float = 30.0, pace_chats: bool = True,
                 on_sent: Callable[[Delivery], None] | None = None, metrics: counting.Metrics = counting.UNCOUNTED,
                 schedule: Schedule | None = None, watch_wal: bool = False):
        self.store = store
        self.senders = senders
        self.name = name or new_owner()
        self.lease = lease
        self.poll_interval = poll_interval
        self.max_inflight = max_inflight
        self.max_attempts = max_attempts
        self.bucket = TokenBucket(global_rate)
        self.pacer = ChatPacer() if pace_chats else None
        self.on_sent = on_sent
        self.metrics = metrics
        self.schedule = schedule  # the digest and long-wait announcements; None: not here
        # On SQLite, woken by commits of other processes (the bot's, when this notifier runs
        # apart): a notifier beside the turns is woken by them, and watching would wake it for its
        # own marks too, a claim each (bench_push: the in-process p50 went from 65 to 460 ms).
        self.watch_wal = watch_wal
        self.wake = asyncio.Event()
        # Set while a PostgreSQL LISTEN connection is up: from then on a commit wakes the loop.
        self.listening = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._held: set[int] = set()  # outbox ids being sent: their leases are renewed
        self._warned_channels: set[str] = set()
        self._db_failures = 0
        self._mark_sent_together = GroupCommit(self._mark_rows_sent, gather_ready=True)
        # Pushes delivered at about the same time make their options current in one transaction.
        self._make_choices_current = GroupCommit(lambda offers: make_choices_current(store, offers))
        self._refreshed: OrderedDict[int, None] = OrderedDict()
        # Demands whose cards are being refreshed -> whether they changed again meanwhile. One
        # refresh per demand at a time: an older view never overwrites a newer one, and a burst
        # of events costs one more edit, not one each.
        self._refreshing: dict[str, bool] = {}
        self._refresh_tasks: set[asyncio.Task] = set()
        # Passes of the loop begun, and the last one that found nothing to send (see `settle`).
        self._passes = 0
        self._settled_pass = 0
        self._settled = asyncio.Event()

    @property
    def busy(self) -> bool:
        """Whether sends or card edits are under way."""
        return bool(self._tasks or self._refresh_tasks)

    # --- the loop -------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        listener = None
        if self.store.dialect == "postgresql":
            listener = asyncio.create_task(listen_for_commits(self.store, self.wake.set, self.listening, stop,
                                                              max_pause=DB_RETRY_CAP))
        elif self.watch_wal and (wal := wal_file(self.store.engine.url.database)) is not None:
            listener = asyncio.create_task(watch_commits(wal, self.wake.set, stop))
        jobs = (asyncio.create_task(run_scheduled(self.store, self.schedule, self.name, stop, self.wake.set))
                if self.schedule is not None else None)
        await self._guarded(self._warn_unsent_channels)
        await self._guarded(self._release_dead_claims)
        last_warning = last_look = time.monotonic()
        renewing = asyncio.create_task(keep_renewing(
            lambda: outbox.renew(self.store, self.name, list(self._held), self.lease), self.lease, "outbox"))
        try:
            while not stop.is_set():
                self.wake.clear()
                self._passes += 1
                this_pass = self._passes
                if outbox.EMAIL_CHANNEL in self.senders:
                    await self._guarded(lambda: outbox.queue_emails(self.store, EMAIL_KINDS))
                free = self.max_inflight - len(self._tasks)
                claimed = []
                if self._has_room():
                    claimed = await self._guarded(lambda: outbox.claim(
                        self.store, self.name, channels=self.senders, limit=free, lease=self.lease)) or []
                for delivery in claimed:
                    self._held.add(delivery.id)
                    task = asyncio.create_task(self._deliver(delivery))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                    task.add_done_callback(lambda _, held=delivery.id: self._held.discard(held))
                if not claimed and not self._tasks:
                    self._settled_pass = this_pass
                    self._settled.set()
                if time.monotonic() - last_warning > 60:
                    await self._guarded(self._warn_unsent_channels)
                    last_warning = time.monotonic()
                if time.monotonic() - last_look > DEAD_OWNERS_EVERY:
                    await self._guarded(self._release_dead_claims)
                    last_look = time.monotonic()
                await self._idle(stop)
        finally:
            if listener is not None:
                listener.cancel()
            if jobs is not None:  # a look under way is rolled back; the next notifier looks again
                jobs.cancel()
                await asyncio.gather(jobs, return_exceptions=True)
            # Sends already started finish and are recorded: stopping never loses a confirmation.
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            renewing.cancel()
            await self._finish_refreshes()

    async def _idle(self, stop: asyncio.Event) -> None:
        """Until a wake-up, the poll interval, or a finished send leaving room for a batch: each
        finished send may free its chat's next row, but a claim costs about as much for 4 rows
        as for 25 (bench_notifier, queued: claims of 4 rows kept the marks of finished sends
        waiting behind them)."""
        delay = self.poll_interval if not self._db_failures else min(
            DB_RETRY_CAP, self.poll_interval * 2 ** min(self._db_failures, 10))
        deadline = time.monotonic() + delay
        waiters = [asyncio.create_task(self.wake.wait()), asyncio.create_task(stop.wait())]
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                done, _ = await asyncio.wait([*waiters, *self._tasks], timeout=remaining,
                                             return_when=asyncio.FIRST_COMPLETED)
                if not done or any(waiter in done for waiter in waiters) or self._has_room():
                    return
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def settle(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until a pass begun after this call finds nothing left
        to send now: what was queued before is sent, or waits for a retry. For a process about to
        end (the shell) that should not leave its e-mails for the next one."""
        asked = self._passes
        try:
            async with asyncio.timeout(timeout):
                while self._settled_pass <= asked:
                    self._settled.clear()
                    self.wake.set()
                    await self._settled.wait()
        except TimeoutError:
            return False
        return True

    def _has_room(self) -> bool:
        free = self.max_inflight - len(self._tasks)
        return not self._tasks or free >= max(1, self.max_inflight // CLAIM_BATCH_SHARE)

    async def _guarded(self, operation: Callable[[], Awaitable]):
        """A database step; on failure log it, slow the loop down and carry on."""
        try:
            result = await operation()
        except Exception as error:
            self._db_failures += 1
            _log_database_failure("database step", error)
            return None
        self._db_failures = 0
        return result

    async def _release_dead_claims(self) -> None:
        if await release_dead_claims(self.store):
            log.info("outbox: took over the claims of a process of this host that is gone")
            self.wake.set()

    async def _warn_unsent_channels(self) -> None:
        """Rows of a channel with no sender here stay pending for another notifier: said once."""
        waiting = set(await outbox.waiting_channels(self.store))
        for channel in waiting - set(self.senders) - {SHELL_CHANNEL} - self._warned_channels:
            log.warning("outbox: rows for channel %r wait, no sender configured for it here", channel)
            self._warned_channels.add(channel)

    # --- one delivery ---------------------------------------------------------------------------

    async def _deliver(self, delivery: Delivery) -> None:
        sender = self.senders[delivery.chat.channel]
        cards: list[str] = []
        shown: list[str] = []
        progress = delivery.progress  # what an earlier attempt sent: left out
        try:
            messages = render(delivery, self.store.files.get, now=self.store.clock())
            paced = (self.pacer.paced(delivery.chat.id, sender.min_interval(delivery.chat))
                     if self.pacer is not None else contextlib.nullcontext())
            async with paced:
                for index, message in enumerate(messages):
                    skip = delivery.progress.skip(index)
                    if skip is None:
                        continue
                    progress = outbox.Progress(index, skip)
                    await self.bucket.take()
                    try:
                        sent = await sender.send(delivery.chat, message, skip=skip)
                    except TransientSendError as error:
                        progress = outbox.Progress(index, max(skip, error.parts_sent))
                        raise
                    shown += sent or []
                    if sent and is_room_card(delivery, message):
                        cards += sent
        except ChatGoneError as error:
            log.warning("outbox %s: the chat cannot be reached, skipped until it writes again: %s", delivery.id,
                        error, extra=_fields(delivery))
            self.metrics.delivery(delivery.chat.channel, counting.FAILED)
            await self._record(outbox.mark_chat_gone, delivery.id, self.name, str(error))
        except PermanentSendError as error:
            log.warning("outbox %s: failed for good: %s", delivery.id, error, extra=_fields(delivery))
            self.metrics.delivery(delivery.chat.channel, counting.FAILED)
            await self._record(outbox.mark_failed, delivery.id, self.name, str(error))
        except Exception as error:  # TransientSendError, or anything unexpected: retry later
            if not isinstance(error, TransientSendError):
                log.exception("outbox %s: unexpected error", delivery.id)
            await self._retry_or_fail(delivery, error, progress)
        else:
            self.metrics.delivery(delivery.chat.channel, counting.SENT)
            if delivery.message is not None:  # a reply whose turn's process could not send it
                await self._record(outbox.mark_reply_sent, delivery.id, self.name, delivery.chat, shown,
                                   messages[0].demand, is_requester_card(delivery.chat, messages[0]))
                return
            await self._mark_sent(delivery.id)
            await self._make_choices_current([(delivery, messages)])
            if self.on_sent is not None:
                self.on_sent(delivery)
            await self._after_delivery(delivery, cards)

    async def _mark_sent(self, outbox_id: int) -> None:
        """Record a confirmed send at once. Confirmations that arrive while a commit is under way
        go together in the next one (store/group_commit.py): as prompt as one row at a time, with
        far fewer transactions when many chats are busy."""
        await self._mark_sent_together([outbox_id])

    async def _mark_rows_sent(self, outbox_ids: list[int]) -> list[None]:
        await self._record(outbox.mark_sent_many, outbox_ids, self.name)
        return [None] * len(outbox_ids)

    # --- the rooms' cards ------------------------------------------------------------------------

    async def _after_delivery(self, delivery: Delivery, cards: list[str]) -> None:
        """Record the room card just sent, or bring the demand's cards up to date."""
        protocol = delivery.demand.protocol
        if cards:
            try:
                await outbox.remember_live_cards(self.store, delivery.chat, cards, protocol)
            except Exception:
                log.exception("outbox %s: could not record the card of %s", delivery.id, protocol)
                return
            # The demand may have moved on between the claim and now: then show where it is.
            self._refresh_later(protocol, unless_state=card_state(delivery.demand))
        elif changes_card(delivery.event) and self._first_refresh_of(delivery.event.id):
            self._refresh_later(protocol)

    def _first_refresh_of(self, event_id: int) -> bool:
        if event_id in self._refreshed:
            return False
        self._refreshed[event_id] = None
        if len(self._refreshed) > REFRESHED_MEMORY:
            self._refreshed.popitem(last=False)
        return True

    def _refresh_later(self, protocol: str, unless_state=None) -> None:
        """Refresh the demand's cards in the background: deliveries never wait for an edit."""
        if protocol in self._refreshing:
            self._refreshing[protocol] = True
            return
        self._refreshing[protocol] = False
        task = asyncio.create_task(self._refresh_loop(protocol, unless_state))
        self._refresh_tasks.add(task)
        task.add_done_callback(self._refresh_tasks.discard)

    async def _refresh_loop(self, protocol: str, unless_state) -> None:
        try:
            while True:
                try:
                    await self.refresh_cards(protocol, unless_state=unless_state)
                except Exception:
                    log.exception("could not bring the cards of %s up to date", protocol)
                if not self._refreshing.get(protocol):
                    return
                self._refreshing[protocol] = False
                unless_state = None
        finally:
            self._refreshing.pop(protocol, None)

    async def _finish_refreshes(self) -> None:
        if not self._refresh_tasks:
            return
        _, late = await asyncio.wait(self._refresh_tasks, timeout=REFRESH_GRACE)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def refresh_cards(self, protocol: str, *, unless_state=None) -> int:
        """Edit every live card of the demand to show it as it is now (unless it still is in
        `unless_state`, what a card just sent shows); returns how many cards were edited."""
        snapshot = await outbox.card_snapshot(self.store, protocol)
        demand = snapshot.demand
        if demand is None or card_state(demand) == unless_state:
            return 0
        edited = 0
        for card in snapshot.cards:
            edit = getattr(self.senders.get(card.chat.channel), "edit", None)
            if edit is None:
                continue
            await self.bucket.take()
            try:
                await edit(card.chat, card.message_id,
                           card_now(demand, card.chat.kind, card.chat.locale, snapshot.requester_events))
                edited += 1
            except Exception as error:
                log.warning("could not update the card of %s in %s chat %s: %s", protocol,
                            card.chat.channel, card.chat.chat_id, error)
        return edited

    async def _retry_or_fail(self, delivery: Delivery, error: Exception,
                             progress: outbox.Progress = outbox.Progress()) -> None:
        reason = str(error) or error.__class__.__name__
        if delivery.attempts >= self.max_attempts:
            log.warning("outbox %s: giving up after %s attempts: %s", delivery.id, delivery.attempts, reason,
                        extra=_fields(delivery))
            self.metrics.delivery(delivery.chat.channel, counting.FAILED)
            await self._record(outbox.mark_failed, delivery.id, self.name, reason)
            return
        delay = backoff(delivery.attempts, getattr(error, "retry_after", None))
        log.info("outbox %s: attempt %s failed (%s), next in %.1fs", delivery.id, delivery.attempts,
                 reason, delay, extra=_fields(delivery))
        self.metrics.delivery(delivery.chat.channel, counting.RETRY)
        await self._record(outbox.mark_retry, delivery.id, self.name, delay, reason, progress)
        # Woken at the retry time even when nothing else happens.
        asyncio.get_running_loop().call_later(delay, self.wake.set)

    async def _record(self, mark, *args) -> None:
        await record_patiently(mark, self.store, *args)


def _fields(delivery: Delivery) -> dict:
    """A delivery's fields in a log line (bot/logs.py puts them in JSON lines)."""
    return {"channel": delivery.chat.channel, "chat": delivery.chat.chat_id,
            "demand": delivery.demand.protocol if delivery.demand is not None else None}


def _log_database_failure(step: str, error: Exception) -> None:
    """Either way the notifier waits and tries again; a bug is logged with its traceback, the
    database restarting or a network cut (store.is_transient) in one line."""
    if is_transient(error):
        log.warning("outbox: %s: database unavailable (%s), trying again", step, error.__class__.__name__)
    else:
        log.error("outbox: %s failed, trying again", step, exc_info=error)


async def record_patiently(mark: Callable[..., Awaitable], store: Store, *args) -> None:
    """Record a send's outcome, waiting for the database as long as it takes: a send that went out
    and was not recorded would be sent again once its lease ran out."""
    pause = 0.2
    while True:
        try:
            await mark(store, *args)
            return
        except Exception as error:
            _log_database_failure(f"recording {mark.__name__}", error)
            await asyncio.sleep(pause)
            pause = min(pause * 2, DB_RETRY_CAP)
