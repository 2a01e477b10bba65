"""A message that shows a demand says which one in `Outgoing.demand`, so a channel can remember
it and a reply to that message acts on the demand; other messages name none."""

from __future__ import annotations

from dialog_support import Conversation, attendant, open_demand



async def test_the_demand_view_and_its_timeline_name_their_demand(ready, sqlite_store):
    protocol = await open_demand(sqlite_store, ready)
    await ready.say(f"situação da {protocol}")
    assert [reply.demand for reply in ready.replies if reply.card] == [protocol]
    await ready.say("linha do tempo")
    assert protocol in [reply.demand for reply in ready.replies]


async def test_the_menu_and_the_questions_name_no_demand(ready):
    await ready.say("menu")
    assert all(reply.demand is None for reply in ready.replies)
    await ready.press("menu:new")
    assert all(reply.demand is None for reply in ready.replies)


async def test_the_attendants_card_names_its_demand(dialogs, sqlite_store, ready):
    protocol = await open_demand(sqlite_store, ready)
    await attendant(sqlite_store)
    ana = Conversation(dialogs, user="attendant", name="Ana Atendente")
    await ana.say(f"/demanda {protocol}")
    assert [reply.demand for reply in ana.replies if reply.choices] == [protocol]
