"""Each timeline event reaches the right Telegram chats with the right text, in order
(the real notifier and PTB against the local fake Bot API server)."""

from __future__ import annotations

from fakes.telegram_api import buttons_of
from notifier_support import ANA_TG, ANA_TG2, CAIO_TG, ROOM_TG, Running, fast_options

from bot.notifier import Notifier


def headers(api, chat: int) -> list[str]:
    return [message["text"].split("\n")[0] for message in api.sent_to(chat)]


def callbacks(message: dict) -> list[str]:
    return [button["callback_data"] for row in buttons_of(message.get("reply_markup")) for button in row]


async def test_every_event_reaches_the_right_chats_in_order(world, api, telegram):
    notifier = Notifier(world.store, telegram, **fast_options())
    protocol = await world.open()
    await world.run("receive", "caio", protocol)
    await world.run("answer", "caio", protocol, "Verifique o cadastro do credor.")
    await world.run("request_info", "caio", protocol, "Envie a nota fiscal em PDF.")
    for note in ("Segue o número da nota: 4512.", "Mais um dado: o credor é MEI."):  # info sent, then a comment
        await world.run("comment", "ana", protocol, note)
    await world.run("solve", "caio", protocol, "Retenção liberada no FPE.")
    async with Running(notifier) as running:
        await running.drained()
    h = f"| Protocolo: {protocol} | Erro ao reter tributo na liquidação"

    # The chat Ana acts from hears what CAGE did; her other chat also hears her own actions.
    assert headers(api, ANA_TG) == [
        f"Demanda Recebida {h}", f"Resposta {h}", f"Solicitação de Informações {h}",
        f"Solução de Demandas {h}"]
    assert headers(api, ANA_TG2) == [
        f"Demanda Registrada {h}", f"Demanda Recebida {h}", f"Resposta {h}",
        f"Solicitação de Informações {h}", f"Envio de Informações {h}", f"Comentário {h}",
        f"Solução de Demandas {h}"]
    assert headers(api, ROOM_TG) == [f"🆕 Nova Demanda | Protocolo: {protocol}", f"Envio de Informações {h}",
                                     f"Comentário {h}"]
    # The assignee's private chat hears the requester from the moment he received the demand.
    assert headers(api, CAIO_TG) == [f"Envio de Informações {h}", f"Comentário {h}"]

    received, answered, info, solved = api.sent_to(ANA_TG)
    assert "Prezado(a), sua demanda foi recebida por um atendente, favor aguardar a tratativa." in received["text"]
    assert "Respondido(a) por Caio Prado:\n\nVerifique o cadastro do credor." in answered["text"]
    assert "Solicitamos informações e documentos adicionais.\n\nEnvie a nota fiscal em PDF." in info["text"]
    assert "Descrição da Ocorrência: Ao liquidar o empenho 2025NE000123" in info["text"]
    assert callbacks(info) == [f"dm:com:{protocol}", f"dm:show:{protocol}"]  # one tap to answer
    # The solution, then the survey, with a one-tap way to answer it.
    assert "Demanda solucionada.\n\nRetenção liberada no FPE.\n\nComo você avalia o atendimento" in solved["text"]
    assert callbacks(solved) == [f"dm:srv:{protocol}", f"dm:show:{protocol}"]

    # The room's card of the new demand shows it as it is when the card goes out: solved already.
    card = api.sent_to(ROOM_TG)[0]
    assert "Solicitante: Ana Souza" in card["text"] and "Descrição: Ao liquidar" in card["text"]
    assert "Situação: Resolvido" in card["text"] and "Atendente: Caio Prado" in card["text"]
    assert callbacks(card) == [f"atd:tl:{protocol}"]
    assert "Informações enviadas por Ana Souza:\n\nSegue o número da nota: 4512." in api.sent_to(CAIO_TG)[0]["text"]
    assert "Informações enviadas." in api.sent_to(ANA_TG2)[4]["text"]


async def test_closing_events_reach_the_room_the_assignee_and_the_requesters_other_chats(world, api, telegram):
    protocol = await world.open()
    await world.run("receive", "caio", protocol)
    await world.run("solve", "caio", protocol, "Feito.")
    await world.run("answer_survey", "ana", protocol, 4, "Atendimento rápido.")
    await world.run("reopen", "ana", protocol, "Voltou a falhar hoje.")
    await world.run("cancel", "ana", protocol)
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
    h = f"| Protocolo: {protocol} | Erro ao reter tributo na liquidação"
    closing = [f"Pesquisa de Satisfação {h}", f"Reabertura de Demanda {h}", f"Cancelamento de Demanda {h}"]
    assert headers(api, ROOM_TG)[1:] == closing
    assert headers(api, CAIO_TG) == closing
    assert headers(api, ANA_TG2)[-3:] == closing
    # The survey was answered before the push went out: no invitation to answer it again.
    assert not any("Como você avalia" in m["text"] for m in api.sent_to(ANA_TG))
    room = [m["text"] for m in api.sent_to(ROOM_TG)]
    assert "Ana Souza avaliou o atendimento: 4/5.\n\nAtendimento rápido." in room[1]
    assert "Demanda reaberta por Ana Souza. Motivo:\n\nVoltou a falhar hoje." in room[2]
    assert "Demanda cancelada por Ana Souza." in room[3]
    assert "Obrigado! Sua avaliação 4/5 foi registrada." in api.sent_to(ANA_TG2)[-3]["text"]


async def test_order_within_each_demand_is_kept_across_many_demands(world, api, telegram):
    protocols = [await world.open(title=f"Demanda {n}") for n in range(4)]
    for round_ in range(3):
        for protocol in protocols:
            await world.run("answer", "caio", protocol, f"resposta {round_} de {protocol}")
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
    texts = [m["text"] for m in api.sent_to(ANA_TG)]
    for protocol in protocols:
        mine = [text.rsplit("\n", 1)[-1] for text in texts
                if protocol in text.split("\n")[0] and "Respondido(a)" in text]
        assert mine == [f"resposta {n} de {protocol}" for n in range(3)]
