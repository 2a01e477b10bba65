"""Option numbers are stable (issue 15, item 9): "Manter" and the page turns come after the
options, and a typed number picks only an option, never a page turn."""

from __future__ import annotations

import pytest

from dialog_support import Conversation, attendant, open_demand
from test_new_demand import start_new, to_summary


def options(conv) -> list[str]:
    """The ids of the choices shown that are options (not "Manter", not a page turn), in order."""
    return [c for c in conv.choice_ids if c != "keep" and not c.startswith("pg:")]


async def to_categories(conv) -> list[str]:
    await start_new(conv)
    await conv.say("sim")
    await conv.press("type:servicos")
    assert "(página 1 de 4)" in conv.text and "keep" not in conv.choice_ids
    return conv.choice_ids


@pytest.mark.parametrize("how", ["voltar", "summary"])
async def test_coming_back_to_the_category_keeps_its_numbers_and_offers_manter_last(ready, how):
    first = await to_categories(ready)
    first_options = [c for c in first if not c.startswith("pg:")]
    assert first == first_options + ["pg:next"]
    await ready.say("2")  # the second option, as the first time
    assert (await ready.state())["draft"]["category_key"] == first_options[1].split(":", 1)[1]
    if how == "voltar":
        await ready.say("voltar")
    else:
        await ready.press("sub:outro")
        await ready.say("Assunto livre")
        await ready.say("Descrição.")
        await ready.press("skip")
        assert "Confira a demanda" in ready.text
        await ready.press("edit:category")
    state = await ready.state()
    assert state["step"] == "category"
    # The same options with the same numbers, then "Manter", then the page turn.
    assert ready.choice_ids == first_options + ["keep", "pg:next"]
    assert ready.labels[len(first_options)] == "Manter"
    await ready.say("1")  # the first option, not "Manter"
    state = await ready.state()
    assert state["step"] == "subject"
    assert state["draft"]["category_key"] == first_options[0].split(":", 1)[1]
    assert "Qual é o serviço" in ready.text


async def test_manter_is_still_pressed_by_its_button_and_keeps_the_category(ready):
    first = await to_categories(ready)
    await ready.press(first[3])
    await ready.say("voltar")
    await ready.press("keep")
    state = await ready.state()
    assert state["step"] == "subject" and state["draft"]["category_key"] == first[3].split(":", 1)[1]


async def test_on_page_two_a_number_after_the_options_is_not_a_page_turn(ready):
    await to_categories(ready)
    await ready.press("pg:next")
    assert "(página 2 de 4)" in ready.text
    page_two = options(ready)
    assert ready.choice_ids == page_two + ["pg:prev", "pg:next"]
    for beyond in (len(page_two) + 1, len(page_two) + 2):  # where "◀ Anteriores" and "Mais ▶" were
        await ready.say(str(beyond))
        assert f"Não encontrei “{beyond}”" in ready.text
        assert "(página 2 de 4)" in ready.text and options(ready) == page_two
        state = await ready.state()
        assert state["step"] == "category" and state["page"] == 1
        assert "category_key" not in state["draft"]
    # The page turns still answer to their button and to their label typed.
    await ready.say("◀ Anteriores")
    assert "(página 1 de 4)" in ready.text and (await ready.state()).get("page", 0) == 0
    await ready.press("pg:next")
    assert "(página 2 de 4)" in ready.text and options(ready) == page_two
    await ready.say("1")  # the first option of this page
    state = await ready.state()
    assert state["step"] == "subject" and state["draft"]["category_key"] == page_two[0].split(":", 1)[1]


async def test_the_module_offers_pular_first_and_manter_after_it(ready):
    await start_new(ready)
    await ready.say("sim")
    await ready.press("type:sistemas")
    await ready.press("cat:sis-acesso-cadastro")
    await ready.press("sub:mina")
    await ready.say("Cadastro de usuários")
    await ready.say("voltar")
    assert ready.choice_ids == ["skip", "keep"]
    await ready.say("2")  # "Manter"
    state = await ready.state()
    assert state["step"] != "module" and state["draft"]["subject_detail"] == "Cadastro de usuários"


async def test_the_attendant_queue_numbers_each_page_from_one_and_no_number_turns_the_page(dialogs, sqlite_store, ready):
    protocols = [await open_demand(sqlite_store, ready, title=f"Demanda {n}") for n in range(10)]
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say("/fila")
    assert "página 1 de 2" in ana.text
    [more] = [option for option in ana.choices if option.label == "Mais ▶"]
    await ana.press(more.id)
    assert "página 2 de 2" in ana.text
    page_two = [option for option in ana.choices if option.label != "◀ Anteriores"]
    assert len(page_two) == 2 and len(ana.choices) == 3 and ana.labels[-1] == "◀ Anteriores"
    shown = [line for line in ana.text.splitlines() if line[:1].isdigit()]
    assert [line.split(".", 1)[0] for line in shown] == ["1", "2"]  # the numbers people type
    await ana.say("3")  # where "◀ Anteriores" was numbered: not a page turn
    assert "página 1 de 2" not in ana.text
    assert not any(entry[0].endswith(":1") for entry in (await ana.state()).get("shown", []))
    await ana.say("/fila")
    await ana.press(more.id)
    await ana.say("1")  # the first line of this page: its card
    picked = page_two[0].id.split(":", 2)[2]
    assert picked in protocols and ana.text.startswith(f"📄 {picked}")
    state = await ana.state()
    assert state["flow"] == "menu" and state["shown"] and all(picked in entry[0] for entry in state["shown"])
