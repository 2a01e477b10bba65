"""Helpers of the Teams tests (tests/teams is on sys.path): fast retries, Ana the attendant in a
channel, the notifier's Teams sender, and the chat the store recorded for a conversation."""

from __future__ import annotations

from fakes.connector import FakeConnector, TeamsUser
from samples import ATTENDANT_NAME
from sqlalchemy import select

from bot.config import Config
from bot.teams import Retry, TeamsSender
from store.models import ChatRow

# Retries in milliseconds, so the tests that provoke them stay fast.
FAST_RETRY = Retry(attempts=4, base_delay=0.01, max_delay=0.05)


def ana_in(bot_url: str, connector: FakeConnector, conversation_id: str) -> TeamsUser:
    """Ana, the attendant, in the channel `conversation_id` of the CAGE team."""
    return TeamsUser(bot_url, connector, conversation_id=conversation_id, user_id="29:ana",
                     aad_object_id="aad-ana", name=ATTENDANT_NAME, conversation_type="channel")


def fast_sender() -> TeamsSender:
    """What the notifier pushes to Teams with, retrying in milliseconds."""
    return TeamsSender.from_config(Config(), retry=FAST_RETRY)


async def stored_chat(store, conversation_id: str):
    """The store's Chat, as the notifier would load it."""
    async with store.engine.connect() as connection:
        chat_id = await connection.scalar(select(ChatRow.id).where(
            ChatRow.channel == "teams", ChatRow.chat_id == conversation_id))
    async with store.transaction() as tx:
        return await tx.chat(chat_id)
