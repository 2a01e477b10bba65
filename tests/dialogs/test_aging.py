"""Aging on the attendant's side, with the store's settable clock: the card shown by /demanda says
how old the demand is, when CAGE last acted and how many working hours it has waited; /fila
flags the demands that waited for CAGE beyond the threshold (ECAGE_ATTENTION_AFTER_H), counting
neither the weekend nor a holiday."""

from __future__ import annotations

from dialog_support import Conversation, as_attendant, attendant, open_demand
from samples import local_time

from dialogs import Dialogs


def line_of(text: str, protocol: str) -> str:
    return next(line for line in text.splitlines() if protocol in line)


async def test_the_card_shows_age_last_cage_action_and_working_hours_waited(dialogs, sqlite_store, clock, ready):
    clock.set(local_time("2025-02-06", 14))  # Thursday
    protocol = await open_demand(sqlite_store, ready)
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    clock.set(local_time("2025-02-10", 9))  # Monday: 4 h Thursday, 10 Friday, 1 today
    await ana.say(f"/demanda {protocol}")
    assert "Aberta: há 3 dias" in ana.text and "Última ação da CAGE: nenhuma ainda" in ana.text
    assert "Aguardando a CAGE: 15 h úteis" in ana.text
    await as_attendant(sqlite_store, "answer", protocol, "Em análise.")
    clock.set(local_time("2025-02-10", 11))
    await ana.say(f"/demanda {protocol}")
    assert "Última ação da CAGE: há 2 h" in ana.text and "Aguardando a CAGE: 2 h úteis" in ana.text
    await as_attendant(sqlite_store, "request_info", protocol, "Qual empenho?")
    await ana.say(f"/demanda {protocol}")
    assert "Última ação da CAGE: agora" in ana.text and "Aguardando a CAGE" not in ana.text  # the requester's turn


async def test_the_queue_flags_what_waited_too_long_not_counting_a_holiday(sqlite_store, clock, taxonomy, ready):
    dialogs = Dialogs(sqlite_store, taxonomy, attention_after_h=8)
    clock.set(local_time("2024-09-19", 10))  # Thursday; Friday 20 September is the RS holiday
    older = await open_demand(sqlite_store, ready, title="Mais antiga")
    clock.set(local_time("2024-09-19", 12))
    newer = await open_demand(sqlite_store, ready, title="Mais nova")
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    clock.set(local_time("2024-09-23", 8))  # Monday: 8 and 6 working hours
    await ana.say("/fila")
    assert line_of(ana.text, older).endswith("⚠️ 8 h úteis sem ação")
    assert "⚠️" not in line_of(ana.text, newer)
    clock.set(local_time("2024-09-23", 10))
    await ana.say("/fila")
    assert line_of(ana.text, newer).endswith("⚠️ 8 h úteis sem ação")
