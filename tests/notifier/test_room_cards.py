"""The room's card of a new demand is kept current by the notifier: edited when the demand's
status or attendant changes, never at the cost of a delivery (the real notifier and PTB against
the local fake Bot API server)."""

from __future__ import annotations

import logging

from fakes.telegram_api import buttons_of
from notifier_support import ANA_TG, ROOM_TG, Running, fast_options

from bot.notifier import Notifier
from store.attendance import live_cards, protocol_for_message


def callbacks(message: dict) -> list[str]:
    return [button["callback_data"] for row in buttons_of(message.get("reply_markup")) for button in row]


def edits_of(api, message_id: int) -> list:
    return [call for call in api.calls_of("editMessageText")
            if int(call.params["chat_id"]) == ROOM_TG and int(call.params["message_id"]) == message_id]


async def the_card_went_to_the_room_and_is_remembered(world, api, protocol: str) -> int:
    [card] = api.sent_to(ROOM_TG)
    assert "Situação: Em Andamento" in card["text"] and callbacks(card)[0] == f"atd:recv:{protocol}"
    # Remembered: a reply to the pushed card acts on its demand, and it is the demand's live card.
    async with world.store.transaction() as tx:
        assert await protocol_for_message(tx, "telegram", str(ROOM_TG), str(card["message_id"])) == protocol
        [live] = await live_cards(tx, protocol)
        assert (live.chat.channel, live.chat.chat_id, live.message_id) == ("telegram", str(ROOM_TG), str(card["message_id"]))
    return card["message_id"]


async def a_refused_edit_is_logged_and_not_retried(world, api, running, caplog, protocol: str, card_id: int):
    """Telegram refuses the first edit: logged, not retried, and Ana hears of the event once."""
    api.fail_next("editMessageText", status=400, description="Bad Request: message can't be edited")
    await world.run("receive", "caio", protocol)
    await running.drained()
    await api.wait_for(lambda: edits_of(api, card_id))
    assert "can't be edited" in caplog.text
    assert "Atendente: ainda não atribuída" in api.message(ROOM_TG, card_id)["text"]


async def an_answer_leaves_the_card_and_a_solution_edits_it(world, api, running, protocol: str, card_id: int):
    """An answer changes nothing the card shows: no edit. A solution does."""
    await world.run("answer", "caio", protocol, "Estamos verificando.")
    await running.drained()
    assert len(edits_of(api, card_id)) == 1
    await world.run("solve", "caio", protocol, "Retenção liberada no FPE.")
    await running.drained()
    await api.wait_for(lambda: "Situação: Resolvido" in api.message(ROOM_TG, card_id)["text"])


async def test_the_card_follows_the_demand_and_a_failed_edit_costs_no_delivery(world, api, telegram, caplog):
    caplog.set_level(logging.WARNING, logger="bot.notifier")
    protocol = await world.open()
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
        card_id = await the_card_went_to_the_room_and_is_remembered(world, api, protocol)
        await a_refused_edit_is_logged_and_not_retried(world, api, running, caplog, protocol, card_id)
        await an_answer_leaves_the_card_and_a_solution_edits_it(world, api, running, protocol, card_id)
    shown = api.message(ROOM_TG, card_id)
    assert "Atendente: Caio Prado" in shown["text"]
    assert callbacks(shown) == [f"atd:tl:{protocol}"]  # closed: nothing left to act on
    assert len(edits_of(api, card_id)) == 2
    assert len(api.sent_to(ROOM_TG)) == 1  # edited in place, never sent again
    assert [m["text"].split(" |")[0] for m in api.sent_to(ANA_TG)] == [
        "Demanda Recebida", "Resposta", "Solução de Demandas"]
