"""Issue 19 over the real Telegram channel and notifier: the room's card of a new demand shows the
documents it cites and the demand it may repeat, is edited when a comment cites a number, and
`/buscar` in the room lists the demands citing a number."""

from __future__ import annotations

from dataclasses import replace

from attendant_support import ANA, MARIA, ROOM, admin, pushed
from samples import ATTENDANT_NAME, PLAIN_DRAFT, REQUESTER_NAME

from store import Actor


async def maria(store) -> Actor:
    async with store.transaction() as tx:
        person = await tx.ensure_person("telegram", str(MARIA), REQUESTER_NAME)
        chat = await tx.ensure_chat("telegram", str(MARIA), "private", person_id=person.id)
    return Actor(person.id, chat_id=chat.id)


async def test_the_rooms_card_shows_references_and_the_possible_duplicate(api, bot, store, config, people, notifier):
    ana_room = people[0]
    assert await admin(config, "grant-attendant", "--channel", "telegram", "--user-id", str(ANA), "--name", ATTENDANT_NAME) == 0
    await ana_room.says("/vincular")
    requester = await maria(store)
    async with store.transaction() as tx:
        older = (await tx.open_demand(requester, PLAIN_DRAFT)).protocol
        newer = (await tx.open_demand(requester, replace(PLAIN_DRAFT, possible_duplicate_of=older))).protocol

    card = await pushed(ana_room, f"Protocolo: {newer}")
    assert "Documentos citados: Empenho 2025NE000123" in card["text"]
    assert f"⚠️ Possível duplicata de: {older}" in card["text"]
    first = await pushed(ana_room, f"Protocolo: {older}")
    assert "duplicata" not in first["text"]

    # Maria cites a liquidação in a comment: the card is edited to show it (a comment citing no
    # number leaves it alone: rooms allow a bot few messages a minute, edits included).
    async with store.transaction() as tx:
        await tx.comment(requester, older, "A liquidação é a 2025NL000456.")
    await api.wait_for(lambda: "Liquidação 2025NL000456" in api.message(ROOM, first["message_id"]).get("text", ""))
    await ana_room.presses("Receber", on=first)
    await api.wait_for(lambda: ATTENDANT_NAME in api.message(ROOM, first["message_id"]).get("text", ""))
    assert "Liquidação 2025NL000456" in api.message(ROOM, first["message_id"])["text"]

    replies = await ana_room.says("/buscar 2025NE000123")
    text = "\n".join(reply["text"] for reply in replies)
    assert "Demandas que citam Empenho 2025NE000123 — 2 no total:" in text and older in text and newer in text
