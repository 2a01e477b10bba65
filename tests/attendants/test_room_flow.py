"""End to end through the fake Bot API: two attendants in their room (a Telegram group) and two
requesters in private chats, with the real Telegram channel, dialogs, SQLite store and notifier.

A demand goes created -> received -> information requested -> information sent -> answered ->
solved -> survey, and each step is checked on both sides. Run with -s to print the transcript."""

from __future__ import annotations

from attendant_support import ANA, BRUNO, JOAO, ROOM, admin, buttons, pushed, transcript
from samples import ATTENDANT_NAME, CARGO, EMAIL, PDF, PHONE, PROTOCOL

from store import Actor, EventKind, Status


async def the_operator_grants_the_attendant_role_to_ana_and_bruno(config) -> None:
    assert await admin(config, "grant-attendant", "--channel", "telegram", "--user-id", str(ANA), "--name", ATTENDANT_NAME) == 0
    assert await admin(config, "grant-attendant", "--channel", "telegram", "--user-id", str(BRUNO), "--name", "Bruno Atendente") == 0


async def ana_binds_the_room_where_a_requester_is_refused(ana, ana_room, joao_room) -> None:
    # Ana also talks to the bot in private, where the demands she holds reach her.
    await ana.says("/atendimento")
    assert "/responder PROTOCOLO texto" in ana.text
    # The room: bound by an attendant; a requester who wanders in is refused, once per message.
    await ana_room.says("/vincular@ecage_test_bot")
    assert "sala dos atendentes" in ana_room.text
    for message in ("/fila", "bom dia, alguém pode ver minha demanda?"):
        replies = await joao_room.says(message)
        assert len(replies) == 1 and "Somente atendentes" in joao_room.text


async def becomes_a_requester(person, email: str, organ: str) -> None:
    await person.says("/start")
    await person.presses("Manter")
    for answer in (email, PHONE, CARGO):
        await person.says(answer)
    replies = await person.says(organ)
    assert "Nova demanda" in buttons(replies[-1])


async def maria_opens_a_demand_the_room_hears_of(maria, ana_room) -> str:
    await maria.says("Preciso liberar uma liquidação travada no FPE, dá erro na retenção do ISS")
    assert "Liberar liquidação" in maria.text
    await maria.presses("Sim, abrir a demanda")
    await maria.says("Liberar liquidação travada")
    await maria.presses("Confirmar")
    await maria.sends_document("nota.pdf", PDF)
    await maria.presses("Concluir")
    await maria.presses("Enviar")
    protocol = PROTOCOL.search(maria.text).group(0)
    news = await pushed(ana_room, protocol)
    assert "Maria Souza" in news["text"]
    return protocol


async def ana_opens_its_card_from_the_queue(ana_room, protocol: str) -> dict:
    """The queue, unassigned first, with age and status; the demand's card from it."""
    await ana_room.says("/fila")
    assert protocol in ana_room.text and "sem atendente" in ana_room.text and "Em Andamento" in ana_room.text
    replies = await ana_room.presses(f"{protocol} · Liberar liquidação travada")
    card = replies[-1]
    for expected in ("Solicitante: Maria Souza", "Órgão: Secretaria da Fazenda (SEFAZ)", "Tipo: Serviços",
                     "Categoria: Execução da Despesa", "Assunto: Liberar liquidação", "Anexos: nota.pdf", "Aberta em: "):
        assert expected in card["text"]
    assert buttons(card) == ["Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo",
                             "Anexos"]
    return card


async def bruno_sees_the_attachments_in_the_room(bruno_room, card: dict) -> None:
    replies = await bruno_room.presses("Anexos", on=card)
    assert [m["document"]["file_name"] for m in replies if "document" in m] == ["nota.pdf"]


async def ana_receives_it_and_maria_is_told(ana_room, maria, card: dict, protocol: str) -> None:
    await ana_room.presses("Receber", on=card)
    assert "recebida por Ana Atendente" in ana_room.text and "Atendente: Ana Atendente" in ana_room.text
    told = await pushed(maria, "recebida por um atendente")
    assert protocol in told["text"]


async def bruno_is_asked_before_taking_it_and_leaves_it_with_ana(bruno_room, card: dict) -> None:
    replies = await bruno_room.presses("Receber", on=card)
    assert "já está com Ana Atendente" in bruno_room.text
    assert buttons(replies[-1]) == ["Sim, assumir", "Não, deixar como está"]
    await bruno_room.presses("Não, deixar como está")
    assert "continua com o mesmo atendente" in bruno_room.text


async def ana_asks_maria_for_information(ana_room, maria, card: dict) -> None:
    """By the card's button, then the text; the card shows the new status."""
    await ana_room.presses("Solicitar informações", on=card)
    assert "Escreva quais informações" in ana_room.text
    await ana_room.says("Envie a nota de empenho assinada, por favor.")
    assert "solicitou informações" in ana_room.text and "Situação: Aguardando Informações" in ana_room.text
    asked = await pushed(maria, "Envie a nota de empenho assinada")
    assert "Solicitamos informações" in asked["text"] and "Enviar informações" in buttons(asked)


async def maria_sends_it_and_both_ana_and_the_room_hear(maria, ana_room, ana, protocol: str) -> None:
    """Maria answers the push; Ana holds the demand, so her private chat hears it too, and its
    button opens her card there."""
    await maria.presses("Enviar informações")
    assert "Escreva o comentário" in maria.text
    await maria.sends_document("nota-assinada.pdf", PDF + b"assinada")
    await maria.says("Segue a nota assinada.")
    assert "Em Andamento" in maria.text
    heard = await pushed(ana_room, "Segue a nota assinada.")
    assert "Informações enviadas por Maria Souza" in heard["text"]
    await pushed(ana, "Segue a nota assinada.")
    replies = await ana.presses("Abrir demanda")
    assert replies[-1]["text"].startswith(f"📄 {protocol}") and "Solucionar" in buttons(replies[-1])


async def ana_answers_by_replying_to_the_card(api, ana_room, maria) -> None:
    """The reply has no action word, so the bot asks what to do with it."""
    latest_card = next(m for m in reversed(api.sent_to(ROOM)) if "Situação: Aguardando" in m.get("text", ""))
    replies = await ana_room.says("Recebemos a nota; a retenção está sendo corrigida.",
                                  reply_to=latest_card["message_id"])
    assert "O que fazer com sua mensagem" in ana_room.text
    assert buttons(replies[-1]) == ["Responder", "Solicitar informações", "Solucionar", "Descartar"]
    await ana_room.presses("Responder")
    assert "Resposta de Ana Atendente registrada" in ana_room.text
    answered = await pushed(maria, "a retenção está sendo corrigida")
    assert "Respondido(a) por Ana Atendente" in answered["text"]


async def ana_solves_it_by_command_in_private(ana, maria, protocol: str) -> None:
    loose = protocol.lower().replace("-", " ")
    replies = await ana.says(f"/solucionar {loose} Retenção corrigida; liquidação liberada.")
    assert "solucionada por Ana Atendente" in ana.text and "Situação: Resolvido" in ana.text
    assert "Receber" not in buttons(replies[-1])
    solved = await pushed(maria, "Retenção corrigida; liquidação liberada.")
    assert "Demanda solucionada" in solved["text"]


async def maria_rates_it_and_the_room_hears(maria, ana_room) -> None:
    await pushed(maria, "Como você avalia o atendimento")
    await maria.presses("Responder pesquisa")
    await maria.presses("5 ★★★★★ Ótimo")
    await maria.says("Muito rápido, obrigada!")
    assert "5/5" in maria.text
    rated = await pushed(ana_room, "avaliou o atendimento")
    assert "5/5" in rated["text"]


async def the_timeline_holds_every_step(store, protocol: str) -> None:
    async with store.transaction() as tx:
        person = await tx.person_for_account("telegram", str(ANA))
        events = await tx.timeline(Actor(person.id), protocol)
        demand = await tx.get_demand(Actor(person.id), protocol)
    assert [(e.kind, e.author_name) for e in reversed(events)] == [
        (EventKind.CREATED, "Maria Souza"), (EventKind.RECEIVED, "Ana Atendente"),
        (EventKind.INFO_REQUESTED, "Ana Atendente"), (EventKind.INFO_SENT, "Maria Souza"),
        (EventKind.ANSWERED, "Ana Atendente"), (EventKind.SOLVED, "Ana Atendente"),
        (EventKind.SURVEY_ANSWERED, "Maria Souza")]
    assert demand.status == Status.RESOLVIDO and demand.assignee_name == "Ana Atendente"


async def test_a_demand_from_creation_to_survey_seen_from_both_sides(api, bot, store, config, people, notifier):
    ana_room, bruno_room, joao_room, ana, maria, joao = people
    await the_operator_grants_the_attendant_role_to_ana_and_bruno(config)
    await ana_binds_the_room_where_a_requester_is_refused(ana, ana_room, joao_room)
    await becomes_a_requester(maria, EMAIL, "sefaz")
    await becomes_a_requester(joao, "joao.pereira@spgg.rs.gov.br", "sefaz")

    protocol = await maria_opens_a_demand_the_room_hears_of(maria, ana_room)
    card = await ana_opens_its_card_from_the_queue(ana_room, protocol)
    await bruno_sees_the_attachments_in_the_room(bruno_room, card)
    await ana_receives_it_and_maria_is_told(ana_room, maria, card, protocol)
    await bruno_is_asked_before_taking_it_and_leaves_it_with_ana(bruno_room, card)
    await ana_asks_maria_for_information(ana_room, maria, card)
    await maria_sends_it_and_both_ana_and_the_room_hear(maria, ana_room, ana, protocol)
    await ana_answers_by_replying_to_the_card(api, ana_room, maria)
    await ana_solves_it_by_command_in_private(ana, maria, protocol)
    await maria_rates_it_and_the_room_hears(maria, ana_room)

    await the_timeline_holds_every_step(store, protocol)
    # João, a requester too, was never told about Maria's demand.
    assert not any(protocol in m.get("text", "") for m in api.sent_to(JOAO))
    print("\n" + transcript(api))
