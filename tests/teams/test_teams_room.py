"""An attendants' room in a Teams channel: bound by an attendant, new demands arrive there as
cards pushed by the notifier, and the card's buttons act on the demand."""

from __future__ import annotations

from fakes.connector import options, texts
from samples import ATTENDANT_NAME, PLAIN_DRAFT, PROFILE_FIELDS
from teams_support import ana_in, deliver, sent_to, stored_chat

from store import Actor

ROOM = "19:cage-atendimento@thread.tacv2"


async def the_operator_makes_ana_an_attendant_and_maria_completes_her_profile(store) -> Actor:
    async with store.transaction() as tx:
        attendant = await tx.ensure_person("teams", "aad-ana", ATTENDANT_NAME)
        await tx.set_attendant(attendant.id, True)
        requester = await tx.person_for_account("teams", "aad-maria")
        await tx.update_profile(requester.id, **PROFILE_FIELDS)
    return Actor(requester.id)


async def maria_opens_a_demand(store, maria: Actor) -> str:
    async with store.transaction() as tx:
        return (await tx.open_demand(maria, PLAIN_DRAFT)).protocol


async def a_new_demand_in_the_bound_room(bot_url, connector, store, maria):
    """Ana binds the channel, Maria opens a demand, its card reaches the room: (Ana, protocol)."""
    ana = ana_in(bot_url, connector, ROOM)
    await ana.adds_the_bot()
    await maria.says("oi")
    requester = await the_operator_makes_ana_an_attendant_and_maria_completes_her_profile(store)
    await ana.says("/vincular", mention=True)
    protocol = await maria_opens_a_demand(store, requester)
    await deliver(store, connector, lambda: sent_to(connector, ROOM, protocol))
    return ana, protocol


async def test_a_teams_channel_as_the_attendants_room(bot_url, connector, store, maria):
    ana, protocol = await a_new_demand_in_the_bound_room(bot_url, connector, store, maria)
    assert "sala dos atendentes" in texts(connector.to(ROOM))

    def room_card():
        return [card for card in sent_to(connector, ROOM, protocol) if "Receber" in options(card)]

    await deliver(store, connector, room_card)
    (card,) = room_card()
    assert {"Receber", "Responder", "Solicitar informações", "Solucionar", "Linha do tempo"} <= set(options(card))
    assert "Maria Souza" in texts([card])

    await ana.picks("Receber", [card])
    assert f"{protocol} recebida por Ana Atendente" in ana.text

    def maria_heard():
        return sent_to(connector, maria.conversation_id, "recebida por um atendente")

    await deliver(store, connector, maria_heard)
    assert protocol in texts(maria_heard()[:1])


async def test_the_room_card_follows_the_demand_in_place(bot_url, connector, store, maria):
    ana, protocol = await a_new_demand_in_the_bound_room(bot_url, connector, store, maria)
    (posted,) = [s for s in connector.sent if s.conversation_id == ROOM and protocol in texts([s.activity])]

    await ana.picks("Receber", [posted.activity])

    def updated():
        return [s for s in connector.sent if s.method == "PUT" and s.activity_id == posted.activity_id]

    await deliver(store, connector, updated)
    card = updated()[-1].activity
    assert ATTENDANT_NAME in texts([card])
    assert "Receber" not in options(card) and "Responder" in options(card)
    assert not [s for s in connector.sent[connector.sent.index(posted) + 1:]
                if s.conversation_id == ROOM and s.method == "POST" and "Receber" in options(s.activity)]


async def test_the_room_is_the_channel_and_each_demand_has_its_own_thread(bot_url, connector, store, maria):
    old_thread = ana_in(bot_url, connector, f"{ROOM};messageid=1700000000001")  # binds in a thread
    await old_thread.adds_the_bot()
    await maria.says("oi")
    requester = await the_operator_makes_ana_an_attendant_and_maria_completes_her_profile(store)
    await old_thread.says("/vincular", mention=True)
    assert "sala dos atendentes" in texts(connector.to(old_thread.conversation_id))  # answered in the thread
    first, second = [await maria_opens_a_demand(store, requester) for _ in range(2)]

    await deliver(store, connector, lambda: sent_to(connector, ROOM, second))
    posts = {protocol: [s for s in connector.sent if s.conversation_id == ROOM and protocol in texts([s.activity])]
             for protocol in (first, second)}
    # Each card a new post of the channel: its own thread, none a reply to the old one.
    assert all(s.method == "POST" and s.reply_to is None and not s.activity.get("replyToId")
               for sent in posts.values() for s in sent)
    thread_of_second = posts[second][0].activity_id

    ana = old_thread
    ana.conversation_id = f"{ROOM};messageid={thread_of_second}"  # she replies in the card's thread
    await ana.says("Responder O documento foi publicado.", mention=True)

    def maria_heard():
        return sent_to(connector, maria.conversation_id, "O documento foi publicado.")

    await deliver(store, connector, maria_heard)
    assert second in texts(maria_heard()) and first not in texts(maria_heard())


async def test_a_universal_action_on_the_room_card_is_answered_with_the_card_as_it_is_now(
        bot_url, connector, store, maria):
    ana, protocol = await a_new_demand_in_the_bound_room(bot_url, connector, store, maria)

    answer = await ana.executes("Receber", sent_to(connector, ROOM, protocol))

    assert answer["statusCode"] == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    shown = {"attachments": [{"contentType": answer["type"], "content": answer["value"]}]}
    assert ATTENDANT_NAME in texts([shown]) and protocol in texts([shown])
    assert "Receber" not in options(shown) and "Responder" in options(shown)


async def test_a_universal_action_elsewhere_is_answered_done(maria):
    replies = await maria.adds_the_bot()
    answer = await maria.executes(options(replies[-1])[0], replies)
    assert answer == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "Feito."}


async def test_the_requesters_card_of_a_demand_follows_it_in_place(bot_url, connector, store, maria):
    ana, protocol = await a_new_demand_in_the_bound_room(bot_url, connector, store, maria)
    await maria.says("menu")  # her profile was completed behind her back: said first
    replies = await maria.says(f"status da {protocol}")
    (shown,) = [reply for reply in replies if "Linha do tempo" in options(reply)]
    (posted,) = [s for s in connector.sent if s.activity is shown]
    assert ATTENDANT_NAME not in texts([shown])

    # The requester's card answers a Universal Action with itself as it is now, not the room's.
    answer = await maria.executes("Linha do tempo", [shown])
    now = {"attachments": [{"contentType": answer["type"], "content": answer["value"]}]}
    assert "Cancelar demanda" in options(now) and "Receber" not in options(now)

    await ana.picks("Receber", sent_to(connector, ROOM, protocol))

    def updated():
        return [s for s in connector.sent if s.method == "PUT" and s.activity_id == posted.activity_id]

    await deliver(store, connector, updated)
    card = updated()[-1].activity
    assert updated()[-1].conversation_id == maria.conversation_id
    assert ATTENDANT_NAME in texts([card]) and "Em Andamento" in texts([card])
    assert "Cancelar demanda" in options(card) and "Receber" not in options(card)  # still the requester's card


async def test_the_answer_to_a_post_in_a_demands_thread_lands_in_that_thread(bot_url, connector, store, maria):
    ana, protocol = await a_new_demand_in_the_bound_room(bot_url, connector, store, maria)
    (posted,) = [s for s in connector.sent if s.conversation_id == ROOM and protocol in texts([s.activity])]
    ana.conversation_id = f"{ROOM};messageid={posted.activity_id}"  # a reply in the card's thread
    before = len(connector.sent)
    await ana.says("Receber", mention=True)
    answers = [s for s in connector.sent[before:] if "recebida por Ana Atendente" in texts([s.activity])]
    assert answers and all(s.conversation_id == ana.conversation_id for s in answers)
    # The room is still the channel itself: pushes start new threads there, not in this one.
    assert (await stored_chat(store, ROOM)).reference["conversation"]["id"] == ROOM
