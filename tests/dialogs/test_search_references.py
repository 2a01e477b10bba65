"""Issue 19, document references as attendants see them: on the card and in the timeline, and
`/buscar NÚMERO` (or "buscar empenho …", "search …") listing every demand that cites it.
Requesters are refused the command; nobody sees a demand that is not theirs unless an attendant."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, as_attendant, attendant, open_demand, person_id

from store import Actor

CITING = "Empenho 2025NE000123 da liquidação 2025NL000456, CNPJ 11.222.333/0001-81."


@pytest.fixture
async def ana(dialogs, sqlite_store):
    await attendant(sqlite_store)
    return Conversation(dialogs, user="attendant", name="Ana Atendente")


@pytest.fixture
async def joao(dialogs):
    return Conversation(dialogs, user="u2", name="João Pereira")


async def test_the_card_and_the_timeline_show_the_documents_cited(ready, sqlite_store, ana):
    protocol = await open_demand(sqlite_store, ready, description=CITING)
    await ana.say(f"/demanda {protocol}")
    assert ("Documentos citados: Empenho 2025NE000123 · Liquidação 2025NL000456 · CNPJ 11.222.333/0001-81"
            in ana.text)
    await as_attendant(sqlite_store, "answer", protocol, "Confira também a requisição 2025RQ000007.")
    await ana.say(f"/demanda {protocol}")
    assert "CNPJ 11.222.333/0001-81 · Requisição 2025RQ000007" in ana.text
    await ana.press(f"atd:tl:{protocol}")
    assert "Documentos citados: Empenho 2025NE000123" in ana.text


async def test_the_requester_s_own_timeline_shows_the_documents_cited(ready, sqlite_store):
    protocol = await open_demand(sqlite_store, ready, description=CITING)
    await ready.say(f"status {protocol}")
    await ready.press(f"dm:tl:{protocol}")
    assert "Documentos citados: Empenho 2025NE000123 · Liquidação 2025NL000456 · CNPJ 11.222.333/0001-81" in ready.text


@pytest.mark.parametrize("typed", ["/buscar 2025NE000123", "/buscar 2025ne123", "buscar empenho 2025NE000123",
                                   "search 2025NE000123", "/pesquisar 2025 NE 123"])
async def test_an_attendant_finds_every_demand_citing_a_number(typed, ready, joao, sqlite_store, ana):
    first = await open_demand(sqlite_store, ready, description=CITING)
    await open_demand(sqlite_store, ready, description="Nada a ver.")
    second = await open_demand(sqlite_store, joao, description="Outra coisa.")
    async with sqlite_store.transaction() as tx:  # cited in a comment, not in the description
        await tx.comment(Actor(await person_id(sqlite_store, joao)), second, "É sobre o empenho 2025NE000123 também.")
    await ana.say(typed)
    assert "Demandas que citam Empenho 2025NE000123 — 2 no total:" in ana.text
    assert first in ana.text and second in ana.text and "João Pereira" in ana.text
    assert set(ana.choice_ids) == {f"atd:card:{first}", f"atd:card:{second}"}
    await ana.say("2")  # the numbered lines pick the cards
    assert "Documentos citados" in ana.text


async def test_several_numbers_in_one_search(ready, sqlite_store, ana):
    protocol = await open_demand(sqlite_store, ready, description="CPF 529.982.247-25 e UO 12.01")
    await ana.say("/buscar 52998224725 ou a UO 1201")
    assert "Demandas que citam CPF 529.982.247-25 · UO 12.01 — 1 no total:" in ana.text and protocol in ana.text


@pytest.mark.parametrize("typed", ["/buscar", "/buscar 12345", "/buscar 11.222.333/0001-82", "/buscar CPF 529.982.247-24"])
async def test_a_search_without_a_valid_number_says_what_it_takes(typed, ready, sqlite_store, ana):
    await open_demand(sqlite_store, ready, description=CITING)
    await ana.say(typed)
    assert "Não reconheci um número de documento" in ana.text and "dígitos verificadores" in ana.text


async def test_a_number_nobody_cites(ana):
    await ana.say("/buscar 2025NE999999")
    assert "Nenhuma demanda cita Empenho 2025NE999999." in ana.text


async def test_a_requester_is_refused_the_search_and_sees_no_one_elses_demand(ready, joao, sqlite_store):
    others = await open_demand(sqlite_store, joao, description=CITING)
    await ready.say("/buscar 2025NE000123")
    assert "Somente atendentes da CAGE podem usar este comando." in ready.text and others not in ready.text
    await ready.say("buscar 2025NE000123")  # not a command for a requester: the menu reads it
    assert others not in ready.text


async def test_english_attendant(ready, sqlite_store, dialogs):
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente", locale="en")
    protocol = await open_demand(sqlite_store, ready, description=CITING)
    await ana.say("search 11222333000181")
    assert "Demands citing CNPJ 11.222.333/0001-81 — 1 in all:" in ana.text and protocol in ana.text


async def test_buscar_in_the_middle_of_ones_own_demand_is_its_text(sqlite_store, ana):
    await ana.say("oi")  # an attendant is a requester too: a profile first
    for answer in ("Ana Atendente", "ana@sefaz.rs.gov.br", "(51) 3214-5200", "Contadora", "SEFAZ"):
        await ana.say(answer)
    await ana.press("menu:new")
    await ana.say("Buscar empenho 2025NE000123")
    assert "Órgão" in ana.text and "Demandas que citam" not in ana.text
