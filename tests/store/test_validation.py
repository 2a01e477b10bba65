"""Limits and Anexo I keys of a new demand, refused with clear errors before anything is written."""

from __future__ import annotations

import pytest
from store_support import draft, raises_saying, said

from store import MAX_DESCRIPTION, MAX_TITLE, InvalidField, TooLong


async def test_limits_are_inclusive(world):
    async with world.store.transaction() as tx:
        demand = await tx.open_demand(world.ana.actor(), draft(
            title="t" * MAX_TITLE, description="d" * MAX_DESCRIPTION))
    assert len(demand.title) == 150 and len(demand.description) == 2000


async def test_long_description_says_how_to_send_the_rest(world):
    with pytest.raises(TooLong) as refused:
        await world.open(description="d" * 2001)
    assert (refused.value.field, refused.value.limit, refused.value.length) == (
        "description", 2000, 2001)
    assert said(refused.value) == (
        "A descrição tem 2001 caracteres e o limite é 2000. Resuma o texto ou envie o restante "
        "como comentário depois de registrar a demanda.")
    assert (await world.run("list_demands", world.ana, False)).total == 0


async def test_long_title_and_long_comment(world):
    with raises_saying(TooLong, "O título tem 151 caracteres e o limite é 150"):
        await world.open(title="t" * 151)
    protocol = await world.open()
    with raises_saying(TooLong, "O texto tem 2001 caracteres"):
        await world.run("comment", world.ana, protocol, "c" * 2001)


@pytest.mark.parametrize("changes,field", [
    ({"title": "  "}, "title"),
    ({"description": ""}, "description"),
    ({"organ_key": "orgao-inventado"}, "organ_key"),
    ({"type_key": "outro-tipo"}, "type_key"),
    ({"category_key": "srv-contabilidade"}, "category_key"),          # a Serviços category
    ({"subject_key": "liberar-liquidacao"}, "subject_key"),           # a service, not a system
    ({"category_key": "sis-manutencao-painel"}, "subject_key"),       # CAGE Gerencial only
    ({"type_key": "orientacao", "category_key": "ori-contabilidade", "subject_key": None,
      "subject_detail": None}, "subject_detail"),
    ({"type_key": "servicos", "category_key": "srv-contabilidade", "subject_key": "outro",
      "subject_detail": " "}, "subject_detail"),
])
async def test_bad_drafts_are_refused(world, changes, field):
    with pytest.raises(InvalidField) as refused:
        await world.open(**changes)
    assert refused.value.field == field
    assert said(refused.value).endswith(".")


@pytest.mark.parametrize("changes", [
    {"category_key": "sis-manutencao-painel", "subject_key": "cage-gerencial",
     "subject_detail": None},
    {"type_key": "orientacao", "category_key": "ori-contabilidade", "subject_key": None,
     "subject_detail": "Registro de restos a pagar"},
    {"type_key": "servicos", "category_key": "srv-contabilidade", "subject_key": "outro",
     "subject_detail": "Ajuste de saldo"},
    {"type_key": "servicos", "category_key": "srv-contabilidade",
     "subject_key": "balancetes-fundos", "subject_detail": None},
])
async def test_every_subject_mode_is_accepted(world, changes):
    protocol = await world.open(**changes)
    demand = await world.run("get_demand", world.ana, protocol)
    assert (demand.type_key, demand.subject_key) == (
        changes.get("type_key", "sistemas"), changes["subject_key"])


async def test_control_characters_are_dropped_on_every_database(world):
    protocol = await world.open(title="Título\x00 com nulo", description="Linha 1\nLinha\x07 2")
    await world.run("comment", world.ana, protocol, "Oi\x00!")
    demand = await world.run("get_demand", world.ana, protocol)
    assert (demand.title, demand.description) == ("Título com nulo", "Linha 1\nLinha 2")
    assert (await world.run("timeline", world.ana, protocol))[0].text == "Oi!"
