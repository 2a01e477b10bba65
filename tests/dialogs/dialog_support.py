"""Helpers of the dialog tests: a conversation that reads like a transcript, demands made directly.

    conv = Conversation(dialogs, user="u1")
    await conv.say("nova demanda")
    await conv.press("type:servicos")
    assert "Protocolo" in conv.text
"""

from __future__ import annotations

from dataclasses import replace

from chat_driver import ChatDriver, Option
from samples import ATTENDANT_NAME, DRAFT, NAME, PROFILE

from dialogs import Dialogs, Incoming, IncomingFile, Outgoing
from dialogs.messages import PARAGRAPH_BREAK
from dialogs.texts import Texts
from store import Actor

UNEXPECTED = Texts("pt-BR")("error.unexpected")


class Conversation(ChatDriver):
    """The dialogs' own driver: each action is one `Incoming` handed to `Dialogs.handle`, and
    its replies are the `Outgoing` list it returns (which must not be empty nor the apology for
    an unexpected error)."""

    replies: list[Outgoing]

    def __init__(self, dialogs: Dialogs, user: str = "u1", name: str = NAME, channel: str = "test",
                 locale: str = "pt-BR", directory_id: str | None = None):
        self.dialogs, self.user, self.name, self.channel, self.locale = dialogs, user, name, channel, locale
        self.directory_id = directory_id  # what Teams' directory says the account is
        self.replies = []
        # What the dialogs sent at once while the database was away ("instabilidade..."), in order.
        self.notes: list[Outgoing] = []

    def text_of(self, reply: Outgoing) -> str:
        return reply.text

    def options_of(self, reply: Outgoing) -> list[Option]:
        return [Option(choice.id, choice.label, reply) for choice in reply.choices]

    async def send(self, text: str = "", choice: str | None = None, files=()) -> list[Outgoing]:
        incoming = Incoming(channel=self.channel, chat_id=f"chat-{self.user}", user_id=self.user,
                            user_name=self.name, text=text, choice=choice, files=tuple(files), locale=self.locale,
                            directory_id=self.directory_id)
        replies = self._heard(await self.dialogs.handle(incoming, waiting=self._note))
        assert replies, f"no answer to {text or choice!r}"
        assert not any(UNEXPECTED in reply.text for reply in replies), "the handler failed; see the log"
        return replies

    async def _note(self, note: Outgoing) -> None:
        self.notes.append(note)

    async def _choose(self, option: Option) -> list[Outgoing]:
        return await self.send(choice=option.id)

    async def say(self, text: str) -> list[Outgoing]:
        return await self.send(text=text)

    async def attach(self, filename: str, data: bytes, text: str = "") -> list[Outgoing]:
        return await self.send(text=text, files=[IncomingFile(filename, data, None)])

    @property
    def paragraphs(self) -> list[str]:
        """What the latest replies said, paragraph by paragraph: a note said before a question
        opens the question's message (dialogs.messages.in_few_messages)."""
        return [paragraph for reply in self.replies for paragraph in reply.text.split(PARAGRAPH_BREAK)]

    @property
    def question(self) -> str:
        """The question the latest replies end with: their last paragraph."""
        return self.paragraphs[-1]

    def assert_helped_then_asked(self, question: str) -> None:
        """The latest replies are the step's help and then `question` again, in one message (a
        card, as the summary is, comes apart: dialogs.messages.in_few_messages)."""
        assert self.text.endswith(question) and len(self.text) > len(question)
        assert len(self.replies) == (2 if self.replies[-1].card else 1)

    async def state(self) -> dict | None:
        async with self.dialogs.store.transaction() as tx:
            return await tx.load_conversation(self.channel, f"chat-{self.user}", self.user)


async def complete_profile(conv: Conversation) -> None:
    """First contact through a finished profile, ending at the menu."""
    await conv.say("oi")
    assert "Olá" in conv.text
    for answer in PROFILE:
        if answer == PROFILE[0] and "keep" in conv.choice_ids:
            await conv.press("keep")
        else:
            await conv.say(answer)
    assert "dados estão completos" in conv.text
    assert "menu:new" in conv.choice_ids


async def person_id(store, conv: Conversation) -> int:
    async with store.transaction() as tx:
        return (await tx.ensure_person(conv.channel, conv.user, conv.name)).id


async def open_demand(store, conv: Conversation, **changes) -> str:
    """A demand of the conversation's person, opened straight through the store."""
    async with store.transaction() as tx:
        person = await tx.ensure_person(conv.channel, conv.user, conv.name)
        demand = await tx.open_demand(Actor(person.id), replace(DRAFT, **changes))
    return demand.protocol


async def attendant(store) -> Actor:
    async with store.transaction() as tx:
        person = await tx.ensure_person("test", "attendant", ATTENDANT_NAME)
        await tx.set_attendant(person.id, True)
    return Actor(person.id, is_attendant=True)


async def as_attendant(store, method: str, protocol: str, *args):
    actor = await attendant(store)
    async with store.transaction() as tx:
        return await getattr(tx, method)(actor, protocol, *args)


