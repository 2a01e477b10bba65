"""Helpers of the store tests (people, drafts, one-call transactions)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest
from samples import DRAFT, PDF

from dialogs.refusals import describe
from dialogs.texts import Texts
from store import Actor, DemandDraft, Store, StoreError

# The store tests import the shared samples through this module.
__all__ = ["DRAFT", "PDF", "Member", "World", "draft", "make_member", "raises_saying", "said"]


def said(error: StoreError) -> str:
    """The pt-BR sentence a person reads for a store refusal (the store itself gives a code)."""
    return describe(Texts("pt-BR"), error)


@contextmanager
def raises_saying(kind: type[StoreError], match: str):
    """Like pytest.raises(kind, match=...), matched against the sentence a person reads."""
    with pytest.raises(kind) as caught:
        yield caught
    assert re.search(match, said(caught.value)), said(caught.value)


def draft(**changes) -> DemandDraft:
    return replace(DRAFT, **changes)


@dataclass
class Member:
    person_id: int
    chats: dict[str, int]  # label -> chat db id
    attendant: bool = False

    def actor(self, chat: str | None = None) -> Actor:
        return Actor(self.person_id, self.attendant, self.chats[chat] if chat else None)


@dataclass
class World:
    store: Store
    ana: Member
    bia: Member
    caio: Member
    dora: Member
    room: int

    async def open(self, member: Member | None = None, **changes) -> str:
        async with self.store.transaction() as tx:
            demand = await tx.open_demand((member or self.ana).actor(), draft(**changes))
        return demand.protocol

    async def run(self, method: str, member: Member, *args, **kwargs):
        """One service call in its own transaction, as a dialog turn would make it."""
        async with self.store.transaction() as tx:
            return await getattr(tx, method)(member.actor(), *args, **kwargs)


async def make_member(tx, name: str, user: str, *, attendant: bool = False,
                      chats: tuple[tuple[str, str], ...] = (("telegram", "tg"),)) -> Member:
    person = await tx.ensure_person(chats[0][0], f"{user}-{chats[0][0]}", name)
    if attendant:
        await tx.set_attendant(person.id, True)
    chat_ids = {}
    for channel, label in chats:
        await tx.link_account(person.id, channel, f"{user}-{channel}")
        chat = await tx.ensure_chat(channel, f"{user}-{label}-chat", "private", person_id=person.id)
        chat_ids[label] = chat.id
    return Member(person.id, chat_ids, attendant)


