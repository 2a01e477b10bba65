"""What the running service counts, for `GET /metrics` (the Prometheus text format).

Counters move where things happen: a turn's outcome and latency in bot/replies.py (and in the
inbox runner, bot/inbox.py, for turns that raised), each delivery's result in bot/replies.py (a
turn's replies) and bot/notifier/core.py (pushes, e-mails, replies left behind). The queues,
conversations and demands are read from the store at scrape time (store/gauges.py), so every
process reports what the shared database holds, whoever wrote it.

Each service builds its own `Metrics` over its own registry (never prometheus-client's global
one): two services in one process, as tests run them, count apart. Parts built without the
service's (a channel in a test, a notifier run alone) count into `UNCOUNTED`, which nobody reads.
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.contract import Conversation
from bot.flood import FloodGuard
from dialogs import Incoming
from store import Store
from store.gauges import read_gauges

log = logging.getLogger(__name__)

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "UNCOUNTED", "turn_outcome"]

# A turn's outcomes (the `outcome` label of ecage_turns_total).
OK, FLOODED, ERROR, ALREADY_HANDLED, STORE_UNAVAILABLE = (
    "ok", "refused-by-flood", "error", "already-handled", "store-unavailable")
# A delivery's results (the `result` label of ecage_deliveries_total).
SENT, RETRY, FAILED = "sent", "retry", "failed"
# A turn is a few milliseconds on SQLite and tens on PostgreSQL (benchmarks/bench_dialogs.py);
# seconds mean the database blinked and the turn waited for it.
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A scraper waits a few seconds at most; a database that does not answer by then is reported down.
SCRAPE_DB_TIMEOUT_S = 2.0


class Metrics:
    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter("ecage_turns", "Messages taken from the inbox, by channel and outcome",
                             ["channel", "outcome"], registry=registry)
        self.turn_seconds = Histogram("ecage_turn_seconds", "A turn's dialog and its replies sent, in seconds",
                                      ["channel"], buckets=TURN_BUCKETS, registry=registry)
        self.deliveries = Counter("ecage_deliveries", "Sends of outbox rows (replies, pushes, e-mails) "
                                  "by channel and result", ["channel", "result"], registry=registry)
        self.inbox_retries = Counter("ecage_inbox_retries", "Messages whose turn failed and is taken again "
                                     "later", ["channel"], registry=registry)
        self.emails = Counter("ecage_emails_sent", "E-mails the SMTP server accepted", registry=registry)
        self.queue_depth = Gauge("ecage_queue_depth", "Rows waiting in the inbox (not handled) or the "
                                 "outbox (not sent)", ["queue"], registry=registry)
        self.queue_oldest = Gauge("ecage_queue_oldest_age_seconds", "Age of the oldest row waiting in "
                                  "the queue (0 when none waits)", ["queue"], registry=registry)
        self.conversations = Gauge("ecage_active_conversations", "Conversations whose state changed in "
                                   "the last 30 minutes", registry=registry)
        self.demands = Gauge("ecage_demands", "Demands by status", ["status"], registry=registry)
        self.database_up = Gauge("ecage_database_up", "1 when this scrape could read the database",
                                 registry=registry)

    # --- counting points ------------------------------------------------------------------------

    def turn(self, channel: str, outcome: str, seconds: float | None = None) -> None:
        self.turns.labels(channel, outcome).inc()
        if seconds is not None:
            self.turn_seconds.labels(channel).observe(seconds)

    def delivery(self, channel: str, result: str) -> None:
        self.deliveries.labels(channel, result).inc()
        if channel == "email" and result == SENT:
            self.emails.inc()

    def inbox_retry(self, channel: str) -> None:
        self.inbox_retries.labels(channel).inc()

    # --- the scrape -----------------------------------------------------------------------------

    async def exposition(self) -> bytes:
        """The text `GET /metrics` answers: counters as they are, gauges read from the store now.
        A database that does not answer leaves the gauges as last read, with ecage_database_up 0."""
        if self.store is not None:
            try:
                gauges = await asyncio.wait_for(read_gauges(self.store), SCRAPE_DB_TIMEOUT_S)
            except Exception as error:
                log.warning("metrics: could not read the store (%s)", error.__class__.__name__)
                self.database_up.set(0)
            else:
                self.database_up.set(1)
                for name, queue in (("inbox", gauges.inbox), ("outbox", gauges.outbox)):
                    self.queue_depth.labels(name).set(queue.depth)
                    self.queue_oldest.labels(name).set(queue.oldest_age_s)
                self.conversations.set(gauges.active_conversations)
                for status, count in gauges.demands_by_status.items():
                    self.demands.labels(status).set(count)
        return generate_latest(self.registry)


def turn_outcome(dialogs: Conversation, incoming: Incoming, took_message: bool) -> str:
    """A turn that returned: it took the message (its rows done), the flood guard refused it, or
    another process (or our own lost COMMIT) had handled it first."""
    if took_message:
        return OK
    if isinstance(dialogs, FloodGuard) and dialogs.limited(incoming.channel, incoming.user_id):
        return FLOODED
    return ALREADY_HANDLED


UNCOUNTED = Metrics()
