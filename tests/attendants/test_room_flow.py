"""End to end through the fake Bot API: two attendants in their room (a Telegram group) and two
requesters in private chats, with the real Telegram channel, dialogs, SQLite store and notifier.

A demand goes created -> received -> information requested -> information sent -> answered ->
solved -> survey, and each step is checked on both sides. Run with -s to print the transcript."""

from __future__ import annotations

import re

from attendant_support import ANA, BRUNO, JOAO, ROOM, admin, buttons, pushed, text_of, transcript

from store import Actor, EventKind, Status

PROTOCOL = re.compile(r"CAGE-\d{5,}-[A-Z]\d[A-Z]\d")
PDF = b"%PDF-1.4\n% nota de empenho\n"


async def become_requester(person, email: str, organ: str) -> None:
    await person.says("/start")
    await person.presses("Manter")
    await person.says(email)
    await person.says("(51) 3214-5678")
    await person.says("Analista")
    replies = await person.says(organ)
    assert "Nova demanda" in buttons(replies[-1])


async def open_demand(person) -> str:
    replies = await person.says("Preciso liberar uma liquidação travada no FPE, dá erro na retenção do ISS")
    assert "Liberar liquidação" in text_of(replies)
    await person.presses("Sim, abrir a demanda")
    await person.says("Liberar liquidação travada")
    await person.presses("Confirmar")
    await person.sends_document("nota.pdf", PDF)
    await person.presses("Concluir")
    replies = await person.presses("Enviar")
    return PROTOCOL.search(text_of(replies)).group(0)


async def test_a_demand_from_creation_to_survey_seen_from_both_sides(api, bot, store, config, people, notifier):
    ana_room, bruno_room, joao_room, ana, maria, joao = people
    assert await admin(config, "grant-attendant", "--user-id", str(ANA), "--name", "Ana Atendente") == 0
    assert await admin(config, "grant-attendant", "--user-id", str(BRUNO), "--name", "Bruno Atendente") == 0

    # Ana also talks to the bot in private, where the demands she holds reach her.
    replies = await ana.says("/atendimento")
    assert "/responder PROTOCOLO texto" in text_of(replies)

    # The room: bound by an attendant; a requester who wanders in is refused, once per message.
    replies = await ana_room.says("/vincular@ecage_test_bot")
    assert "sala dos atendentes" in text_of(replies)
    replies = await joao_room.says("/fila")
    assert len(replies) == 1 and "Somente atendentes" in text_of(replies)
    replies = await joao_room.says("bom dia, alguém pode ver minha demanda?")
    assert len(replies) == 1 and "Somente atendentes" in text_of(replies)

    # Created: Maria opens it; the room hears of it.
    await become_requester(maria, "maria.souza@sefaz.rs.gov.br", "sefaz")
    await become_requester(joao, "joao.pereira@spgg.rs.gov.br", "sefaz")
    protocol = await open_demand(maria)
    news = await pushed(ana_room, protocol)
    assert "Maria Souza" in news["text"]

    # The queue, unassigned first, with age and status; a demand's card from it.
    replies = await ana_room.says("/fila")
    assert protocol in text_of(replies) and "sem atendente" in text_of(replies) and "Em Andamento" in text_of(replies)
    replies = await ana_room.presses(f"{protocol} · Liberar liquidação travada")
    card = replies[-1]
    for expected in ("Solicitante: Maria Souza", "Órgão: Secretaria da Fazenda (SEFAZ)", "Tipo: Serviços",
                     "Categoria: Execução da Despesa", "Assunto: Liberar liquidação", "Anexos: 1", "Idade: "):
        assert expected in card["text"]
    assert buttons(card) == ["Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo",
                             "Anexos"]

    # The attachments, in the room.
    replies = await bruno_room.presses("Anexos", on=card)
    assert [m["document"]["file_name"] for m in replies if "document" in m] == ["nota.pdf"]

    # Received (by button); Maria is told.
    replies = await ana_room.presses("Receber", on=card)
    assert "recebida por Ana Atendente" in text_of(replies) and "Atendente: Ana Atendente" in text_of(replies)
    told = await pushed(maria, "recebida por um atendente")
    assert protocol in told["text"]

    # Bruno takes it too: asked before reassigning; he leaves it with Ana.
    replies = await bruno_room.presses("Receber", on=card)
    assert "já está com Ana Atendente" in text_of(replies)
    assert buttons(replies[-1]) == ["Sim, assumir", "Não, deixar como está"]
    replies = await bruno_room.presses("Não, deixar como está")
    assert "continua com o mesmo atendente" in text_of(replies)

    # Information requested (button, then the text); the card shows the new status.
    replies = await ana_room.presses("Solicitar informações", on=card)
    assert "Escreva quais informações" in text_of(replies)
    replies = await ana_room.says("Envie a nota de empenho assinada, por favor.")
    assert "solicitou informações" in text_of(replies) and "Situação: Aguardando Informações" in text_of(replies)
    asked = await pushed(maria, "Envie a nota de empenho assinada")
    assert "Solicitamos informações" in asked["text"] and "Enviar informações" in buttons(asked)

    # Information sent: Maria answers the push; the room hears of it.
    replies = await maria.presses("Enviar informações")
    assert "Escreva o comentário" in text_of(replies)
    await maria.sends_document("nota-assinada.pdf", PDF + b"assinada")
    replies = await maria.says("Segue a nota assinada.")
    assert "Em Andamento" in text_of(replies)
    heard = await pushed(ana_room, "Segue a nota assinada.")
    assert "Informações enviadas por Maria Souza" in heard["text"]
    # Ana holds the demand, so her private chat hears it too; its button opens her card there.
    await pushed(ana, "Segue a nota assinada.")
    replies = await ana.presses("Abrir demanda")
    assert replies[-1]["text"].startswith(f"📄 {protocol}") and "Solucionar" in buttons(replies[-1])

    # Answered: Ana replies to the bot's card; the reply has no action word, so the bot asks.
    latest_card = next(m for m in reversed(api.sent_to(ROOM)) if "Situação: Aguardando" in m.get("text", ""))
    replies = await ana_room.says("Recebemos a nota; a retenção está sendo corrigida.",
                                  reply_to=latest_card["message_id"])
    assert "O que fazer com sua mensagem" in text_of(replies)
    assert buttons(replies[-1]) == ["Responder", "Solicitar informações", "Solucionar", "Descartar"]
    replies = await ana_room.presses("Responder")
    assert "Resposta de Ana Atendente registrada" in text_of(replies)
    answered = await pushed(maria, "a retenção está sendo corrigida")
    assert "Respondido(a) por Ana Atendente" in answered["text"]

    # Solved: by command, from Ana's private chat with the bot.
    loose = protocol.lower().replace("-", " ")
    replies = await ana.says(f"/solucionar {loose} Retenção corrigida; liquidação liberada.")
    assert "solucionada por Ana Atendente" in text_of(replies) and "Situação: Resolvido" in text_of(replies)
    assert "Receber" not in buttons(replies[-1])
    solved = await pushed(maria, "Retenção corrigida; liquidação liberada.")
    assert "Demanda solucionada" in solved["text"]

    # The survey: Maria rates it; the room hears of it.
    await pushed(maria, "Como você avalia o atendimento")
    replies = await maria.presses("Responder pesquisa")
    await maria.presses("5 ★★★★★ Ótimo")
    replies = await maria.says("Muito rápido, obrigada!")
    assert "5/5" in text_of(replies)
    rated = await pushed(ana_room, "avaliou o atendimento")
    assert "5/5" in rated["text"]

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
    # João, a requester too, was never told about Maria's demand.
    assert not any(protocol in m.get("text", "") for m in api.sent_to(JOAO))
    print("\n" + transcript(api))
