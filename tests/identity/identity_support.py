"""Helpers of the identity tests: the e-mails the notifier sent, the codes in them, what the
outbox holds for a chat."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

from sqlalchemy import select

from bot.notifier import Notifier
from bot.notifier.mail import EmailSender, parse_smtp_url
from store.models import ChatRow, OutboxRow

DOMAINS = ("rs.gov.br",)


@asynccontextmanager
async def mail_notifier(store, smtp):
    """A notifier delivering e-mail to `smtp`; `await notifier.settle(10)` sends what is queued."""
    notifier = Notifier(store, {"email": EmailSender(parse_smtp_url(smtp.url))}, poll_interval=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(notifier.run(stop))
    try:
        yield notifier
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def mailed_code(notifier, smtp, address: str) -> str:
    """The code of the last e-mail sent to `address`."""
    assert await notifier.settle(10)
    sent = [message for message in smtp.messages if message["To"] == address]
    assert sent, f"no e-mail to {address}"
    return re.search(r"\b(\d{6})\b", sent[-1].get_content()).group(1)


async def chat_messages(store, channel: str, chat_id: str) -> list[dict]:
    """The messages queued in the outbox for one chat, in order."""
    async with store.transaction() as tx:
        rows = await tx.session.scalars(select(OutboxRow.message).join(ChatRow, ChatRow.id == OutboxRow.chat_id)
                                        .where(ChatRow.channel == channel, ChatRow.chat_id == chat_id)
                                        .order_by(OutboxRow.id))
        return [row for row in rows if row]
