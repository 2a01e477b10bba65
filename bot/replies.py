"""Sending a turn's replies: they were queued in the outbox in the turn's own transaction, born
claimed by this process (store/inbox.py `queue_replies`); here they go out at once through the
channel's `Sender`, the same one the notifier pushes with, and each is marked sent as soon as the
channel confirmed it. So after a crash only the reply in flight can be sent again.

A reply the channel refuses for now (a 429, a network cut) goes back to the outbox with the
replies after it, for the notifier to send in order (a 429 holds back only this chat:
bot/telegram/limits.py); one refused for good is marked failed and the others still go out. A
chat that cannot be reached at all (it blocked the bot) is marked, as the notifier marks it, and
the turn's other replies are skipped with it (store/outbox.py `mark_chat_gone`).

The rows stay this process's while it sends them: their lease (the turn's, `Receipt.lease`) is
renewed as the notifier renews its own (store/owners.py `keep_renewing`), so a slow channel never
lets a notifier take a reply under way and send it a second time.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot import metrics
from bot.notifier.core import record_patiently
from bot.notifier.pacing import backoff
from bot.notifier.senders import ChatGoneError, PermanentSendError, Sender, TransientSendError
from bot.contract import Conversation
from bot.notifier.rendering import is_requester_card
from dialogs import Incoming, Outgoing
from store import Chat, Store, outbox
from store.group_commit import GroupCommit
from store.owners import keep_renewing

log = logging.getLogger(__name__)


def chat_of(incoming: Incoming) -> Chat:
    """The chat a turn answers, as a sender needs it (the store's own id plays no part here),
    addressed where the replies go (a thread of a Teams channel, `Incoming.reply_reference`)."""
    return Chat(id=0, channel=incoming.channel, chat_id=incoming.chat_id, kind=incoming.chat_kind,
                person_id=None, reference=incoming.reply_reference or incoming.chat_reference,
                locale=incoming.locale, is_attendant_room=False)


class Replies:
    def __init__(self, store: Store, sender: Sender, owner: str) -> None:
        self.store = store
        self.sender = sender
        self.owner = owner
        self.metrics = metrics.UNCOUNTED  # the service's, set by bot/service.py
        # Replies of many chats confirmed at about the same time are marked in one transaction.
        self._mark_sent = GroupCommit(lambda sent: outbox.mark_replies_sent(store, owner, sent))

    async def answer(self, dialogs: Conversation, incoming: Incoming) -> bool:
        """The turn of a message taken from the inbox, and its replies sent. True when the turn
        took the message (its rows are done). The database away past the dialogs' patience
        raises StoreUnavailable: the message stays in the inbox.

        The replies go where `incoming.reply_reference` says when it does (a thread of a Teams
        channel); the chat keeps its own reference, for pushes."""
        started = time.monotonic()
        replies = await dialogs.handle(incoming, waiting=self._waiting_note(incoming))
        await self.send(chat_of(incoming), replies, incoming.receipt.lease if incoming.receipt else 0.0)
        took = any(reply.outbox_id is not None for reply in replies)
        self.metrics.turn(incoming.channel, metrics.turn_outcome(dialogs, incoming, took), time.monotonic() - started)
        return took

    def _waiting_note(self, incoming: Incoming):
        """How the dialogs say "wait" while the database blinks: straight to the chat (the
        outbox is in the database), and only the first time the message is taken."""
        if incoming.receipt is not None and incoming.receipt.attempt > 1:
            return None

        async def send(note: Outgoing) -> None:
            await self.sender.send(chat_of(incoming), note)
        return send

    async def send(self, chat: Chat, replies: list[Outgoing], lease: float) -> None:
        """Send the turn's replies in order, their rows' `lease` renewed meanwhile (outbox.renew
        extends only the rows still being sent: one recorded is left as it is)."""
        ids = [reply.outbox_id for reply in replies if reply.outbox_id is not None]
        renewing = asyncio.create_task(keep_renewing(
            lambda: outbox.renew(self.store, self.owner, ids, lease), lease, "replies")) if ids and lease > 0 else None
        try:
            await self._send(chat, replies)
        finally:
            if renewing is not None:
                renewing.cancel()

    async def _send(self, chat: Chat, replies: list[Outgoing]) -> None:
        for index, reply in enumerate(replies):
            try:
                sent = await self.sender.send(chat, reply) or []
            except TransientSendError as error:  # the parts already out are not sent again
                await self._leave_to_notifier(chat, replies[index:], error)
                return
            except ChatGoneError as error:
                log.warning("%s chat %s: cannot be reached, skipped until it writes again: %s", chat.channel,
                            chat.chat_id, error, extra={"channel": chat.channel, "chat": chat.chat_id})
                self.metrics.delivery(chat.channel, metrics.FAILED)
                if reply.outbox_id is not None:
                    await record_patiently(outbox.mark_chat_gone, self.store, reply.outbox_id, self.owner, str(error))
                return
            except PermanentSendError as error:
                log.warning("%s chat %s: reply refused for good: %s", chat.channel, chat.chat_id, error,
                            extra={"channel": chat.channel, "chat": chat.chat_id})
                self.metrics.delivery(chat.channel, metrics.FAILED)
                if reply.outbox_id is not None:
                    await record_patiently(outbox.mark_failed, self.store, reply.outbox_id, self.owner, str(error))
                continue
            self.metrics.delivery(chat.channel, metrics.SENT)
            if reply.outbox_id is not None:
                confirmed = outbox.SentReply(reply.outbox_id, chat, tuple(sent), reply.demand,
                                             live=is_requester_card(chat, reply))
                await record_patiently(lambda _: self._mark_sent([confirmed]), self.store)

    async def _leave_to_notifier(self, chat: Chat, replies: list[Outgoing], error: TransientSendError) -> None:
        delay = backoff(1, error.retry_after)
        log.info("reply not sent now (%s); the notifier tries again in %.1fs", error, delay,
                 extra={"channel": chat.channel, "chat": chat.chat_id})
        for position, reply in enumerate(replies):
            self.metrics.delivery(chat.channel, metrics.RETRY)
            # The first of them failed part-way: the notifier goes on after what went out.
            progress = outbox.Progress(0, error.parts_sent) if position == 0 else outbox.Progress()
            if reply.outbox_id is not None:
                await record_patiently(outbox.mark_retry, self.store, reply.outbox_id, self.owner, delay,
                                       str(error), progress)
