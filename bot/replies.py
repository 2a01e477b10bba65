"""Sending a turn's replies: they were queued in the outbox in the turn's own transaction, born
claimed by this process (store/inbox.py `queue_replies`); here they go out at once through the
channel's `Sender`, the same one the notifier pushes with, and each is marked sent as soon as the
channel confirmed it. So after a crash only the reply in flight can be sent again.

A reply the channel refuses for now (a 429, a network cut) goes back to the outbox with the
replies after it, for the notifier to send in order; one refused for good is marked failed and
the others still go out.
"""

from __future__ import annotations

import logging

from bot.notifier.pacing import backoff
from bot.notifier.senders import PermanentSendError, Sender, TransientSendError
from dialogs import Incoming, Outgoing
from store import Chat, Store, outbox

log = logging.getLogger(__name__)


def chat_of(incoming: Incoming) -> Chat:
    """The chat a turn answers, as a sender needs it (the store's own id plays no part here)."""
    return Chat(id=0, channel=incoming.channel, chat_id=incoming.chat_id, kind=incoming.chat_kind,
                person_id=None, reference=incoming.chat_reference, locale=incoming.locale,
                is_attendant_room=False)


class Replies:
    def __init__(self, store: Store, sender: Sender, owner: str) -> None:
        self.store = store
        self.sender = sender
        self.owner = owner

    async def send(self, chat: Chat, replies: list[Outgoing]) -> None:
        for index, reply in enumerate(replies):
            try:
                sent = await self.sender.send(chat, reply) or []
            except TransientSendError as error:
                await self._leave_to_notifier(replies[index:], error)
                return
            except PermanentSendError as error:
                log.warning("%s chat %s: reply refused for good: %s", chat.channel, chat.chat_id, error)
                if reply.outbox_id is not None:
                    await outbox.mark_failed(self.store, reply.outbox_id, self.owner, str(error))
                continue
            if reply.outbox_id is not None:
                await outbox.mark_reply_sent(self.store, reply.outbox_id, self.owner, chat, sent, reply.demand)

    async def _leave_to_notifier(self, replies: list[Outgoing], error: TransientSendError) -> None:
        delay = backoff(1, error.retry_after)
        log.info("reply not sent now (%s); the notifier tries again in %.1fs", error, delay)
        for reply in replies:
            if reply.outbox_id is not None:
                await outbox.mark_retry(self.store, reply.outbox_id, self.owner, delay, str(error))
