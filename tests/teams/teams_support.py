"""Helpers of the Teams tests (tests/teams is on sys.path): fast retries, Ana the attendant in a
channel, the notifier's Teams sender and a notifier run until something is delivered, the chat
the store recorded for a conversation, and an attendant's answer to a demand of Maria's."""

from __future__ import annotations

import asyncio
import inspect

from fakes.connector import FakeConnector, TeamsUser, texts
from samples import ATTENDANT_NAME, PLAIN_DRAFT, PROFILE_FIELDS
from sqlalchemy import select

from bot.config import Config
from bot.notifier import Notifier
from bot.teams import Retry, TeamsSender
from store import Actor
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


async def deliver(store, connector, until, **options) -> None:
    """Run a notifier with the Teams sender until `until()` (maybe awaitable) holds for what the
    connector received or the store holds. `options` go to the Notifier."""
    stop = asyncio.Event()
    notifier = Notifier(store, {"teams": fast_sender()}, **{"poll_interval": 0.05, "global_rate": 0,
                                                           "pace_chats": False, **options})
    running = asyncio.create_task(notifier.run(stop))
    try:
        for _ in range(200):
            done = until()
            if await done if inspect.isawaitable(done) else done:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"not delivered; sent: {[texts([s.activity]) for s in connector.sent[-3:]]}")
    finally:
        stop.set()
        await running


def sent_to(connector, conversation_id: str, fragment: str) -> list[dict]:
    """The activities the bot sent to a conversation that show `fragment`."""
    return [s.activity for s in connector.sent
            if s.conversation_id == conversation_id and fragment in texts([s.activity])]


async def stored_chat(store, conversation_id: str):
    """The store's Chat, as the notifier would load it."""
    async with store.engine.connect() as connection:
        chat_id = await connection.scalar(select(ChatRow.id).where(
            ChatRow.channel == "teams", ChatRow.chat_id == conversation_id))
    async with store.transaction() as tx:
        return await tx.chat(chat_id)


async def answered_by_an_attendant(maria: TeamsUser, store, text: str, files=()) -> tuple[Actor, str]:
    """Maria (Teams) has a demand, which an attendant answers with `text` and `files`; her actor
    and the demand's protocol."""
    await maria.says("oi")
    chat = await stored_chat(store, maria.conversation_id)
    async with store.transaction() as tx:
        person = await tx.person_for_account("teams", "aad-maria")
        await tx.update_profile(person.id, **PROFILE_FIELDS)
        view = await tx.open_demand(Actor(person.id, chat_id=chat.id), PLAIN_DRAFT)
        caio = await tx.ensure_person("telegram", "777", "Caio Atendente")
        await tx.set_attendant(caio.id, True)
        await tx.answer(Actor(caio.id, is_attendant=True), view.protocol, text, files)
    return Actor(person.id), view.protocol
