"""Helpers of the identity tests: the e-mails the notifier sent, the codes in them, what the
outbox holds for a chat, proving an e-mail through the profile, the operator's CLI."""

from __future__ import annotations

import argparse
import asyncio
import re
from contextlib import asynccontextmanager

from samples import CARGO, EMAIL, ORGAN, PHONE
from sqlalchemy import select

from bot.config import Config
from bot.notifier import Notifier
from bot.notifier.mail import EmailSender, parse_smtp_url
from bot.roles import add_arguments, run
from store.models import ChatRow, OutboxRow

DOMAINS = ("rs.gov.br",)
ANA_EMAIL = "ana.atendente@cage.rs.gov.br"


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


async def prove(conv, notifier, smtp, email: str = EMAIL, *, first: bool = True) -> None:
    """Through the profile's e-mail step and its code (`conv` a chat driver); a first access
    finishes the profile."""
    if first:
        await conv.say("oi")
        await conv.press("keep")
    else:
        await conv.press("menu:profile")
        await conv.press("pf:email")
    await conv.say(email)
    await conv.say(await mailed_code(notifier, smtp, email))
    assert "confirmado" in conv.text
    if first and "Qual é o seu telefone" in conv.text:
        for answer in (PHONE, CARGO, ORGAN):
            await conv.say(answer)


async def person_of(store, conv):
    """The person a dialogs' Conversation's account belongs to now."""
    async with store.transaction() as tx:
        return await tx.person_for_account(conv.channel, conv.user)


async def admin(config: Config, *argv: str) -> int:
    """`python -m bot admin ARGV...`, in this process."""
    parser = argparse.ArgumentParser()
    add_arguments(parser.add_subparsers(dest="command"))
    return await run(parser.parse_args(list(argv)), config)
