"""What the Teams replies and pushes do when the Bot Connector is not simply there: a reply in a
channel's thread that the notifier sends in the end still lands in that thread; a conversation
Teams says is gone (blocked, the bot removed, deleted) is marked and skipped until it writes
again, while another refusal fails only its message; a reply slower than its lease is sent
once, with a notifier watching."""

from __future__ import annotations

import pytest
from fakes.connector import TeamsUser, texts
from samples import ATTENDANT_NAME
from sqlalchemy import select
from teams_support import ana_in, answered_by_an_attendant, deliver, stored_chat

from dialogs.texts import Texts
from store import Actor, outbox
from store.models import ChatRow, OutboxRow

ROOM = "19:cage-atendimento@thread.tacv2"
THREAD = f"{ROOM};messageid=1700000000001"
HELP = Texts("pt-BR")("att.help")


async def rows_of(store, conversation_id: str) -> list[OutboxRow]:
    async with store.transaction() as tx:
        return list((await tx.session.scalars(
            select(OutboxRow).join(ChatRow, ChatRow.id == OutboxRow.chat_id)
            .where(ChatRow.chat_id == conversation_id).order_by(OutboxRow.id))).all())


async def pushes_to(store, conversation_id: str) -> list[OutboxRow]:
    return [row for row in await rows_of(store, conversation_id) if row.event_id is not None]


async def blocked_at(store, conversation_id: str):
    async with store.transaction() as tx:
        return await tx.session.scalar(select(ChatRow.blocked_at).where(ChatRow.chat_id == conversation_id))


async def nothing_unsent(store) -> bool:
    return not await outbox.list_outbox(store, (outbox.PENDING, outbox.SENDING))


# --- a thread's answer left to the notifier -----------------------------------------------------------

async def ana_the_attendant_in_a_thread(bot_url, connector, store) -> TeamsUser:
    ana = ana_in(bot_url, connector, THREAD)
    await ana.adds_the_bot()
    async with store.transaction() as tx:
        await tx.set_attendant((await tx.ensure_person("teams", "aad-ana", ATTENDANT_NAME)).id, True)
    return ana


async def test_an_answer_in_a_thread_that_the_notifier_sends_in_the_end_lands_in_the_thread(bot_url, connector,
                                                                                            store):
    ana = await ana_the_attendant_in_a_thread(bot_url, connector, store)
    connector.fail_next(1, status=503)  # the turn's own send: refused for now
    await ana.says("ajuda", mention=True)
    assert [status for _, status in connector.refused] == [503]
    # Asked again meanwhile: this answer waits behind the first, for the notifier too.
    await ana.says("ajuda", mention=True)
    assert [row.status for row in await rows_of(store, ROOM)] == ["pending", "pending"]

    def helps():
        return [s for s in connector.sent if texts([s.activity]) == HELP]

    await deliver(store, connector, lambda: len(helps()) == 2)
    assert [s.conversation_id for s in helps()] == [THREAD, THREAD]  # in the thread, not new posts
    assert (await stored_chat(store, ROOM)).reference["conversation"]["id"] == ROOM  # the room stays the channel


# --- a conversation Teams says is gone ---------------------------------------------------------------

@pytest.mark.parametrize("status, code, sub_code", [
    (403, "ConversationBlockedByUser", None),
    (403, "BotDisabledByAdmin", None),
    (403, "BotNotInConversationRoster", None),
    (403, "Forbidden", "MessageWritesBlocked"),
    (404, "ConversationNotFound", None),
])
async def test_a_conversation_teams_says_is_gone_is_skipped_until_it_writes_again(maria, connector, store,
                                                                                   status, code, sub_code):
    maria_actor, protocol = await answered_by_an_attendant(maria, store, "Primeira resposta.")
    connector.fail_next(1, status=status, code=code, sub_code=sub_code)
    await deliver(store, connector, lambda: nothing_unsent(store))
    assert await blocked_at(store, maria.conversation_id) is not None
    first, *others = await pushes_to(store, maria.conversation_id)
    assert first.status == "failed" and code in first.last_error
    assert others and {row.status for row in others} == {"skipped"}
    tried = len(connector.refused) + len(connector.sent)

    # While the mark stands, her next event is skipped, never tried.
    caio = await _caio(store)
    async with store.transaction() as tx:
        await tx.answer(caio, protocol, "Enquanto bloqueada.")
    await deliver(store, connector, lambda: nothing_unsent(store))
    assert (await pushes_to(store, maria.conversation_id))[-1].status == "skipped"
    assert len(connector.refused) + len(connector.sent) == tried

    # She writes again: the mark goes with her turn, the bot answers, her next event reaches her.
    assert "O que você deseja fazer?" in texts(await maria.says("menu"))
    assert await blocked_at(store, maria.conversation_id) is None
    async with store.transaction() as tx:
        await tx.answer(caio, protocol, "Depois de ela voltar.")
    await deliver(store, connector, lambda: "Depois de ela voltar." in texts(connector.to(maria.conversation_id)))


async def test_a_room_the_bot_was_removed_from_is_reachable_again_once_the_bot_is_added_back(bot_url, connector,
                                                                                              store):
    ana = ana_in(bot_url, connector, ROOM)
    await ana.adds_the_bot()
    connector.fail_next(1, status=403, code="BotNotInConversationRoster")  # removed from the team
    await ana.says("ajuda", mention=True)
    assert await blocked_at(store, ROOM) is not None
    tried = len(connector.refused) + len(connector.sent)

    # Added back, with nobody writing yet: the mark goes, and the room hears from the bot.
    welcome = await ana.adds_the_bot()
    assert await blocked_at(store, ROOM) is None
    assert len(connector.refused) + len(connector.sent) > tried and welcome


@pytest.mark.parametrize("code", ["Forbidden", "NotEnoughPermissions", "InvalidBotApiHost"])
async def test_a_403_for_another_reason_fails_that_push_only(maria, connector, store, code):
    _, protocol = await answered_by_an_attendant(maria, store, "Primeira resposta.")
    connector.fail_next(1, status=403, code=code)  # a token or a permission refused: not the chat's doing
    await deliver(store, connector, lambda: nothing_unsent(store))
    first, *others = await pushes_to(store, maria.conversation_id)
    assert first.status == "failed"
    assert others and {row.status for row in others} == {"sent"}
    assert await blocked_at(store, maria.conversation_id) is None
    assert "Primeira resposta." in texts(connector.to(maria.conversation_id))


async def _caio(store) -> Actor:
    async with store.transaction() as tx:
        return Actor((await tx.person_for_account("telegram", "777")).id, is_attendant=True)


# --- a reply slower than its lease -------------------------------------------------------------------

async def test_a_reply_slower_than_its_lease_is_sent_once_while_a_notifier_watches(start_server, connector, store):
    lease = 3.0  # renewed every third of it: a loaded machine has room to be late
    maria = TeamsUser(await start_server(lease=lease), connector)
    await maria.says("oi")
    question = Texts("pt-BR")("menu.question")
    before = len(connector.sent)
    connector.delay_next(2.5 * lease)  # the connector answers the reply long after its lease ran out

    async def answered() -> bool:
        await maria.says("menu")
        return True

    # A notifier claims whatever is due meanwhile, with the same short lease.
    await deliver(store, connector, answered, lease=lease)
    menus = [s for s in connector.sent[before:] if question in texts([s.activity])]
    assert len(menus) == 1
    (reply,) = [row for row in await rows_of(store, maria.conversation_id) if row.message
                and question in row.message["text"]][-1:]
    assert reply.status == "sent" and reply.attempts == 1  # never claimed by the notifier
