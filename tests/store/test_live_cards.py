"""Live cards: the room's card of a demand is the one message row marked `live`; other messages
that name the demand only serve replies. Migration 0005 turns the old second rows under
"<channel>+card" into that mark, and writes them back on the way down."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from test_migrations import KINDS, migrate_url_down

from store.attendance import live_cards, protocol_for_message, remember_live_card, remember_message
from store.db import create_engine, migrate_url

BEFORE = "0003_demand_numbers"
LIVE_CARDS = "0005_live_cards"
WHEN = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
# (channel, chat, message, protocol) as the old code wrote them: a room card recorded twice, a
# reply-only message, and a card whose plain row had gone missing.
OLD_ROWS = [
    ("telegram", "room", "10", "CAGE-00001-B3N4"),
    ("telegram+card", "room", "10", "CAGE-00001-B3N4"),
    ("telegram", "room", "11", "CAGE-00001-B3N4"),
    ("teams+card", "team-room", "abc", "CAGE-00002-C4D5"),
]


PROTOCOL = "CAGE-00001-B3N4"


async def test_only_cards_are_live_and_noting_a_card_again_keeps_it_live(world):
    async with world.store.transaction() as tx:
        await remember_live_card(tx, "telegram", "room-chat", "10", PROTOCOL)
        await remember_message(tx, "telegram", "room-chat", "11", PROTOCOL)  # a prompt about it
        await remember_message(tx, "telegram", "room-chat", "10", PROTOCOL)
    async with world.store.transaction() as tx:
        cards = await live_cards(tx, PROTOCOL)
        assert [(card.chat.channel, card.chat.chat_id, card.message_id) for card in cards] == [
            ("telegram", "room-chat", "10")]
        for message_id in ("10", "11"):
            assert await protocol_for_message(tx, "telegram", "room-chat", message_id) == PROTOCOL


async def rows(url: str, columns: str) -> set[tuple]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(f"SELECT {columns} FROM card_messages"))
            return {tuple(row) for row in result}
    finally:
        await engine.dispose()


async def insert_old_rows(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for channel, chat, message, protocol in OLD_ROWS:
                await connection.execute(text(
                    "INSERT INTO card_messages (channel, chat_id, message_id, protocol, created_at) "
                    "VALUES (:channel, :chat, :message, :protocol, :when)"),
                    {"channel": channel, "chat": chat, "message": message, "protocol": protocol, "when": WHEN})
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
async def test_plus_card_rows_become_the_live_mark_and_come_back_on_downgrade(empty_database, kind):
    url = empty_database(kind)
    await migrate_url(url, BEFORE)
    await insert_old_rows(url)

    await migrate_url(url, LIVE_CARDS)
    assert await rows(url, "channel, chat_id, message_id, protocol, live") == {
        ("telegram", "room", "10", "CAGE-00001-B3N4", True),
        ("telegram", "room", "11", "CAGE-00001-B3N4", False),
        ("teams", "team-room", "abc", "CAGE-00002-C4D5", True),
    }

    await migrate_url_down(url, BEFORE)
    assert await rows(url, "channel, chat_id, message_id, protocol") == {
        *((c, chat, m, p) for c, chat, m, p in OLD_ROWS),
        # The card whose plain row was missing keeps the plain row it was given.
        ("teams", "team-room", "abc", "CAGE-00002-C4D5"),
    }


async def test_a_requesters_card_is_live_and_its_snapshot_has_their_timeline(world):
    """A demand's card in the requester's private chat is kept current like a room's: the
    snapshot that brings cards up to date carries the events as the requester sees them."""
    from store import outbox

    protocol = await world.open(world.ana)
    async with world.store.transaction() as tx:
        chat = await tx.chat(world.ana.chats["tg"])
        room = await tx.chat(world.room)
    await world.run("receive", world.caio, protocol)
    await outbox.mark_replies_sent(world.store, "owner", [
        outbox.SentReply(0, chat, ("501",), protocol, live=True),
        outbox.SentReply(0, chat, ("502",), protocol)])  # a message naming it, not its card
    async with world.store.transaction() as tx:
        await remember_live_card(tx, "telegram", room.chat_id, "77", protocol)

    snapshot = await outbox.card_snapshot(world.store, protocol)
    assert snapshot.demand.protocol == protocol and snapshot.demand.assignee_id == world.caio.person_id
    assert {(card.chat.kind, card.message_id) for card in snapshot.cards} == {("private", "501"), ("group", "77")}
    assert [event.kind for event in snapshot.requester_events][:2] == ["received", "created"]
