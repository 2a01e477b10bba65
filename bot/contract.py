"""The contract between the channels and the conversation: everything a channel calls on the
dialogs side, declared once.

A channel adapter parses its transport into an `Incoming`, calls `handle`, renders the
`Outgoing` replies its own way, and reports what it sent with `remember_sent`. It needs nothing
else from the dialogs: no attribute lookups, no dialog id prefixes, no glyphs in labels. What a
channel needs from the store (Teams records a chat the dialogs never hear of) it receives
explicitly, as a constructor argument.

`dialogs.Dialogs` fulfils the contract, and so does `bot.flood.FloodGuard` in front of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from dialogs import Incoming, Outgoing
# One mapping from a channel's language tag to the catalogue's locale, for every channel.
from dialogs.texts import locale_of

__all__ = ["Conversation", "locale_of"]


@runtime_checkable
class Conversation(Protocol):
    """The dialogs as every channel sees them."""

    async def handle(self, incoming: Incoming, *,
                     waiting: Callable[[Outgoing], Awaitable[None]] | None = None) -> list[Outgoing]:
        """The replies to one message, in order (the turn is already committed).

        While the database blinks, the turn waits; `waiting`, when given, is called at most once
        with a short note for the person, for the channel to send at once. Raises
        `store.StoreUnavailable` when the database does not come back in time: the message was
        not handled and is to be handled again later (the person's state is as it was)."""
        ...

    async def remember_sent(self, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
        """Called for each message a channel sent for `outgoing`: a message that shows a demand
        (`Outgoing.demand`) is remembered, so a reply to it acts on that demand."""
        ...

    def keeps_choices(self, choice: str) -> bool:
        """Whether the buttons of a message stay after `choice` was pressed on it: a demand's
        card keeps its actions for every attendant; any other question is answered once."""
        ...
