"""A notifier running beside a process that is not the service: the terminal shell.

The shell shows its own user's pushes after each turn (``deliver_shell_pushes``); everything else
its turns queue (e-mails, pushes to Telegram or Teams chats, when those are configured) is sent by
this notifier, in the same process, so a shell on its own behaves as the service would. Before the
first turn the e-mail cursor is placed (store/outbox.py ``queue_emails``): enabling e-mail never
mails the past. When the shell ends, what can be sent now is sent first (at most EXIT_GRACE_S).
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import AsyncExitStack, asynccontextmanager
from typing import AsyncIterator, Callable

from bot.config import Config
from dialogs import Outgoing
from dialogs.events import EMAIL_KINDS
from store import Store
from store import outbox

from .core import SHELL_CHANNEL, Notifier
from .rendering import make_choices_current, render
from .senders import open_senders

log = logging.getLogger(__name__)

EXIT_GRACE_S = 10.0


@asynccontextmanager
async def notifier_beside(config: Config, store: Store) -> AsyncIterator[Callable[[], None]]:
    """Yields a function that wakes the notifier (call it after each turn); with no channel
    configured to send to, there is no notifier and the function does nothing."""
    async with AsyncExitStack() as stack:
        senders = await open_senders(config, stack)
        if not senders:
            yield lambda: None
            return
        if outbox.EMAIL_CHANNEL in senders:
            await outbox.queue_emails(store, EMAIL_KINDS)
        notifier = Notifier(store, senders)
        stop = asyncio.Event()
        running = asyncio.create_task(notifier.run(stop))
        try:
            yield notifier.wake.set
            if not await notifier.settle(EXIT_GRACE_S):
                log.warning("notifier: deliveries still under way after %.0f s are left for the next "
                            "start", EXIT_GRACE_S)
        finally:
            stop.set()
            await running


async def deliver_shell_pushes(store: Store, chat_id: str, show: Callable[[list[Outgoing]], None]) -> int:
    """Show the pushes waiting for one shell chat (the shell calls this after each turn).
    Returns how many events were shown."""
    owner = f"shell:{os.getpid()}"
    shown = 0
    while True:
        claimed = await outbox.claim(store, owner, channels=(SHELL_CHANNEL,), chat_id=chat_id, limit=1)
        if not claimed:
            return shown
        delivery = claimed[0]
        messages = render(delivery)
        show(messages)
        await outbox.mark_sent(store, delivery.id, owner)
        await make_choices_current(store, [(delivery, messages)])
        shown += 1
