"""An attendants' room in a Teams channel: bound by an attendant, new demands arrive there as
cards pushed by the notifier, and the card's buttons act on the demand."""

from __future__ import annotations

import asyncio

from fakes.connector import TeamsUser, card_of, visible_text

from bot.config import Config
from bot.notifier import Notifier
from bot.teams import Retry, TeamsSender
from store import Actor, DemandDraft

FAST = Retry(attempts=4, base_delay=0.01, max_delay=0.05)
ROOM = "19:cage-atendimento@thread.tacv2"


def texts(activities: list[dict]) -> str:
    return "\n".join(visible_text(a) for a in activities)


def buttons(activity: dict) -> list[str]:
    card = card_of(activity) or {}
    titles = [action["title"] for action in card.get("actions", [])]
    for item in card.get("body", []):
        if item["type"] == "Input.ChoiceSet":
            titles += [choice["title"] for choice in item["choices"]]
    return titles


async def deliver(store, connector, until) -> None:
    """Run a notifier with the Teams sender until `until()` holds for what the connector received."""
    stop = asyncio.Event()
    notifier = Notifier(store, {"teams": TeamsSender.from_config(Config(), retry=FAST)},
                        poll_interval=0.05, global_rate=0, pace_chats=False)
    running = asyncio.create_task(notifier.run(stop))
    try:
        for _ in range(200):
            if until():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"not delivered; sent: {[texts([s.activity]) for s in connector.sent[-3:]]}")
    finally:
        stop.set()
        await running


async def test_a_teams_channel_as_the_attendants_room(bot_url, connector, store):
    ana = TeamsUser(bot_url, connector, conversation_id=ROOM, user_id="29:ana", aad_object_id="aad-ana",
                    name="Ana Atendente", conversation_type="channel")
    maria = TeamsUser(bot_url, connector)
    await ana.adds_the_bot()
    await maria.says("oi")
    async with store.transaction() as tx:
        attendant = await tx.ensure_person("teams", "aad-ana", "Ana Atendente")
        await tx.set_attendant(attendant.id, True)
        requester = await tx.person_for_account("teams", "aad-maria")
        await tx.update_profile(requester.id, email="maria@sefaz.rs.gov.br", phone="(51) 3214-5678",
                                cargo="Auditora", organ_key="sefaz")

    assert "sala dos atendentes" in texts(await ana.says("/vincular", mention=True))

    async with store.transaction() as tx:
        demand = await tx.open_demand(Actor(requester.id), DemandDraft(
            title="Erro ao reter tributo", organ_key="sefaz", type_key="sistemas",
            category_key="sis-erros-duvidas", subject_key="fpe", subject_detail=None,
            description="A retenção falha ao liquidar."))

    def room_card():
        return [s.activity for s in connector.sent if s.conversation_id == ROOM and demand.protocol in
                texts([s.activity]) and "Receber" in buttons(s.activity)]

    await deliver(store, connector, room_card)
    (card,) = room_card()
    assert {"Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo"} <= set(buttons(card))
    assert "Maria Souza" in texts([card])

    replies = await ana.picks("Receber", [card])
    assert f"{demand.protocol} recebida por Ana Atendente" in texts(replies)

    def maria_heard():
        return [s for s in connector.sent if s.conversation_id == maria.conversation_id
                and "recebida por um atendente" in texts([s.activity])]

    await deliver(store, connector, maria_heard)
    assert demand.protocol in texts([maria_heard()[0].activity])
