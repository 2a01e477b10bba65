"""The room's card of a demand follows the demand: the notifier pushes a new demand to the
attendants' room as its card, remembers that message, and edits the same message when the demand
is received and solved (real Telegram channel, dialogs, SQLite store and notifier, fake Bot API)."""

from __future__ import annotations

from attendant_support import ANA, MARIA, ROOM, admin, buttons, pushed
from samples import ATTENDANT_NAME, PDF, PLAIN_DRAFT, REQUESTER_NAME

from store import Actor, NewAttachment


async def maria_opens_a_demand(store) -> str:
    """Maria, a requester with a private chat, opens a demand with one attachment."""
    async with store.transaction() as tx:
        maria = await tx.ensure_person("telegram", str(MARIA), REQUESTER_NAME)
        chat = await tx.ensure_chat("telegram", str(MARIA), "private", person_id=maria.id)
        view = await tx.open_demand(Actor(maria.id, chat_id=chat.id), PLAIN_DRAFT,
                                    attachments=[NewAttachment("nota.pdf", PDF, "application/pdf")])
    return view.protocol


async def test_the_rooms_card_shows_the_demands_new_status(api, bot, store, config, people, notifier):
    ana_room, _, _, _, maria, _ = people
    assert await admin(config, "grant-attendant", "--channel", "telegram", "--user-id", str(ANA), "--name", ATTENDANT_NAME) == 0
    await ana_room.says("/vincular")
    protocol = await maria_opens_a_demand(store)

    card = await pushed(ana_room, protocol)
    assert card["text"].startswith(f"🆕 Nova Demanda | Protocolo: {protocol}\n📄 {protocol} — ")
    assert "Situação: Em Andamento" in card["text"] and "Atendente: ainda não atribuída" in card["text"]
    assert "Descrição: Ao liquidar o empenho" in card["text"]
    assert buttons(card) == ["Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo",
                             "Anexos"]

    # Received from the card's own button: Maria is told, and the card in the room says so.
    await ana_room.presses("Receber", on=card)
    await pushed(maria, "recebida por um atendente")
    shown = await api.wait_for(lambda: _if(api.message(ROOM, card["message_id"]), "Atendente: Ana Atendente"))
    assert "Situação: Em Andamento" in shown["text"]
    # Held now: receiving is no longer offered (taking it over is /receber's question).
    assert buttons(shown) == ["Responder", "Solicitar informações", "Solucionar", "Linha do tempo", "Anexos"]

    # Solved by replying to the pushed card: the bot knows which demand the message shows.
    await ana_room.says("Solucionado: retenção corrigida, liquidação liberada.", reply_to=card["message_id"])
    shown = await api.wait_for(lambda: _if(api.message(ROOM, card["message_id"]), "Situação: Resolvido"))
    # Closed: only what can still be looked at is left.
    assert buttons(shown) == ["Linha do tempo", "Anexos"]
    assert shown["text"].startswith(f"🆕 Nova Demanda | Protocolo: {protocol}")
    # Edited in place: the room never got the card a second time.
    assert [m["message_id"] for m in api.sent_to(ROOM) if m.get("text", "").startswith("🆕")] == [card["message_id"]]


def _if(message: dict, fragment: str) -> dict | None:
    return message if fragment in message.get("text", "") else None
