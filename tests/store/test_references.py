"""Document references of demands (store/references.py) and the similar open demand
(store/similar.py), on SQLite and PostgreSQL: written with the event that cites them, in its
transaction; searched by attendants; a requester finds only their own."""

from __future__ import annotations

import pytest
from store_support import draft

from store import Status
from taxonomy.references import Reference

NE, NL = Reference("ne", "2025NE000123"), Reference("nl", "2025NL000456")
CNPJ = Reference("cnpj", "11222333000181")


async def test_references_of_title_description_and_comments_are_kept_once(world):
    protocol = await world.open(title="Empenho 2025NE123 travado",
                                description="Liquidação 2025NL000456 do empenho 2025NE000123, CNPJ 11.222.333/0001-82.")
    demand = await world.run("get_demand", world.ana, protocol)
    assert demand.references == (NE, NL)  # the CNPJ's check digit is wrong: not a reference
    commented = await world.run("comment", world.ana, protocol, "CNPJ certo: 11.222.333/0001-81; ainda 2025NE000123")
    assert commented.references == (NE, NL, CNPJ)
    answered = await world.run("answer", world.caio, protocol, "Veja a UO 12.01 e o CPF 529.982.247-25")
    assert answered.references[3:] == (Reference("uo", "12.01"), Reference("cpf", "52998224725"))
    assert (await world.run("get_demand", world.caio, protocol)).references == answered.references


async def test_a_number_cited_twice_in_one_transaction_stays_with_its_first_event(world):
    protocol = await world.open(description="Sem número.")
    async with world.store.transaction() as tx:
        first = await tx.comment(world.ana.actor(), protocol, "empenho 2025NE000123")
        again = await tx.comment(world.ana.actor(), protocol, "de novo o 2025NE000123 e a 2025NL000456")
    assert first.references == (NE,)
    assert again.references == (NE, NL)  # NE once, NL new
    demand = await world.run("get_demand", world.caio, protocol)
    assert demand.references == (NE, NL)
    assert (await world.run("demands_citing", world.caio, [NE])).total == 1


async def test_a_refused_change_writes_no_reference(world):
    protocol = await world.open(description="Sem número.")
    await world.run("cancel", world.ana, protocol)
    with pytest.raises(Exception):
        await world.run("answer", world.caio, protocol, "2025NE000123")
    assert (await world.run("get_demand", world.caio, protocol)).references == ()


async def test_a_rolled_back_transaction_leaves_no_reference(world):
    class Boom(Exception):
        pass

    protocol = await world.open(description="Sem número.")
    with pytest.raises(Boom):
        async with world.store.transaction() as tx:
            await tx.comment(world.ana.actor(), protocol, "empenho 2025NE000123")
            raise Boom
    assert (await world.run("get_demand", world.ana, protocol)).references == ()
    assert (await world.run("demands_citing", world.caio, [NE])).total == 0


async def test_attendants_find_every_demand_citing_a_number_newest_first(world, clock):
    first = await world.open(world.ana, description="Empenho 2025NE000123.")
    clock.advance(minutes=1)
    other = await world.open(world.bia, description="Outro: 2025NE000999.")
    clock.advance(minutes=1)
    second = await world.open(world.bia, description="Sem número.")
    await world.run("comment", world.bia, second, "é o empenho 2025NE000123")
    found = await world.run("demands_citing", world.caio, [NE])
    assert [item.protocol for item in found.items] == [second, first] and found.total == 2
    both = await world.run("demands_citing", world.dora, [NE, Reference("ne", "2025NE000999")])
    assert {item.protocol for item in both.items} == {first, second, other}
    assert (await world.run("demands_citing", world.caio, [NL])).total == 0
    assert (await world.run("demands_citing", world.caio, [])).total == 0


async def test_a_requester_finds_only_their_own(world):
    mine = await world.open(world.ana, description="Empenho 2025NE000123.")
    await world.open(world.bia, description="Empenho 2025NE000123.")
    found = await world.run("demands_citing", world.ana, [NE])
    assert [item.protocol for item in found.items] == [mine] and found.total == 1


# --- the similar open demand --------------------------------------------------------------------------

async def test_the_same_reference_makes_an_open_demand_similar(world):
    older = await world.open(world.ana, type_key="servicos", category_key="srv-execucao-despesa",
                             subject_key="liberar-liquidacao", subject_detail=None,
                             description="Preciso liberar 2025NL000456.")
    await world.open(world.bia, description="Liquidação 2025NL000456.")  # someone else's: never offered
    found = await world.run("similar_open_demand", world.ana, draft(description="Ainda travada a 2025NL000456!"))
    assert found.protocol == older and NL in found.references


async def test_a_close_description_with_the_same_classification_is_similar(world):
    older = await world.open(world.ana, description="O FPE recusa a retenção do ISS ao liquidar o empenho.")
    again = draft(description="O FPE recusa a retenção de ISS ao liquidar o empenho")
    assert (await world.run("similar_open_demand", world.ana, again)).protocol == older
    # Another classification, another request; a different text, too.
    assert await world.run("similar_open_demand", world.ana, draft(
        description=again.description, subject_key="cadin", subject_detail=None)) is None
    assert await world.run("similar_open_demand", world.ana, draft(description="Preciso de acesso ao sistema.")) is None


@pytest.mark.parametrize("close", ["cancel", "solve"])
async def test_a_closed_demand_is_never_similar(world, close):
    protocol = await world.open(world.ana, description="Empenho 2025NE000123 travado.")
    if close == "cancel":
        await world.run("cancel", world.ana, protocol)
    else:
        await world.run("solve", world.caio, protocol, "Feito.")
    assert (await world.run("get_demand", world.ana, protocol)).status in (Status.CANCELADO, Status.RESOLVIDO)
    assert await world.run("similar_open_demand", world.ana, draft(description="Empenho 2025NE000123 travado.")) is None


async def test_a_possible_duplicate_is_kept_on_the_new_demand(world):
    older = await world.open(world.ana)
    newer = await world.open(world.ana, possible_duplicate_of=older.lower())
    assert (await world.run("get_demand", world.caio, newer)).possible_duplicate_of == older
    assert (await world.run("get_demand", world.caio, older)).possible_duplicate_of is None
