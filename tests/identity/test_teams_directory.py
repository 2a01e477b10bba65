"""Teams, through botbuilder's real adapter against the local connector: the sender's AAD object
id, and the e-mail the roster gives for it, are Microsoft's word on who writes, so no code is
asked before demands; an account the directory does not name is asked to prove who it is like
anyone else. The roster's e-mail counts as a proof: it takes a role granted to it, joins whoever
proved it elsewhere, and "Meus dados" shows it confirmed without asking a code for it."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, open_demand
from fakes.connector import TeamsUser
from fakes.ports import free_port
from identity_support import ANA_EMAIL, DOMAINS, admin, chat_messages, mail_notifier, person_of, prove
from samples import ATTENDANT_NAME, CARGO, EMAIL, ORGAN, PHONE, REQUESTER_NAME

from bot.config import Config
from bot.http import create_app, serve
from bot.teams import TeamsChannel
from dialogs import Dialogs
from dialogs.identity import Verification
from store.outbox import EMAIL_CHANNEL


@pytest.fixture
def directory_dialogs(file_store):
    return Dialogs(file_store, verification=Verification(email_domains=DOMAINS, required=True))


@pytest.fixture
async def bot_url(file_store, directory_dialogs):
    config = Config(http_port=free_port())
    channel = TeamsChannel(config, directory_dialogs, file_store)
    await channel.start()
    runner = await serve(create_app(teams=channel.handle_request), config.http_port, host="127.0.0.1")
    yield f"http://127.0.0.1:{config.http_port}/api/messages"
    await runner.cleanup()
    await channel.close()


def in_the_roster(connector, user: TeamsUser, email: str) -> None:
    connector.members[user.user_id] = {"id": user.user_id, "name": user.name, "aadObjectId": user.aad_object_id,
                                       "email": email, "userPrincipalName": email}


async def proofs(store, channel: str, account: str) -> list[tuple[str, str, str]]:
    async with store.transaction() as tx:
        person = await tx.person_for_account(channel, account)
        return sorted((i.kind, i.value, i.how) for i in await tx.identities(person.id))


async def test_the_directory_id_counts_as_verified(bot_url, connector, file_store):
    maria = TeamsUser(bot_url, connector)
    await maria.say("oi")
    await maria.say("cancelar")
    await maria.say("minhas demandas")
    assert "confirmar quem você é" not in maria.text
    assert await proofs(file_store, "teams", "aad-maria") == [("aad", "aad-maria", "teams directory")]


async def test_an_account_without_directory_id_must_prove_it(bot_url, connector):
    guest = TeamsUser(bot_url, connector, conversation_id="a:personal-guest", user_id="29:guest",
                      aad_object_id=None)
    connector.members[guest.user_id] = {"id": guest.user_id, "name": "Guest", "email": "guest@sefaz.rs.gov.br"}
    await guest.say("oi")
    await guest.say("cancelar")
    await guest.say("minhas demandas")
    # A roster's e-mail without the directory's id beside it vouches for nothing.
    assert "preciso antes confirmar quem você é" in guest.text


async def test_the_rosters_email_is_shown_confirmed_and_never_asked_a_code(bot_url, connector, file_store):
    maria = TeamsUser(bot_url, connector)
    in_the_roster(connector, maria, EMAIL.upper())
    await maria.say("oi")
    await maria.press("keep")  # the name; the e-mail is known already, so the phone comes next
    assert "telefone" in maria.text
    for answer in (PHONE, CARGO, ORGAN):
        await maria.say(answer)
    assert await proofs(file_store, "teams", "aad-maria") == [
        ("aad", "aad-maria", "teams directory"), ("email", EMAIL, "teams directory")]

    await maria.say("meus dados")
    assert f"{EMAIL} (confirmado)" in maria.text
    await maria.press("pf:email")
    await maria.say(EMAIL)  # typed again: proved already, no code
    assert "Dados atualizados" in maria.text and "código" not in maria.text
    assert await chat_messages(file_store, EMAIL_CHANNEL, EMAIL) == []  # no code was ever mailed


async def test_a_role_granted_to_an_email_goes_to_the_teams_user_the_roster_gives_it(bot_url, connector, file_store,
                                                                                    tmp_path, capsys):
    config = Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}")  # file_store's
    assert await admin(config, "grant-attendant", "--email", ANA_EMAIL) == 0  # before Ana ever writes
    ana = TeamsUser(bot_url, connector, conversation_id="a:personal-ana", user_id="29:ana",
                    aad_object_id="aad-ana", name=ATTENDANT_NAME)
    in_the_roster(connector, ana, ANA_EMAIL)
    await ana.say("/fila")  # her very first message is already an attendant's
    assert "A fila está vazia" in ana.text
    async with file_store.transaction() as tx:
        assert (await tx.person_for_account("teams", "aad-ana")).is_attendant
    capsys.readouterr()
    assert await admin(config, "list") == 0
    assert f"email {ANA_EMAIL} by teams directory" in capsys.readouterr().out

    # Someone else whose roster entry gives another address gets nothing.
    other = TeamsUser(bot_url, connector, conversation_id="a:personal-caio", user_id="29:caio",
                      aad_object_id="aad-caio", name="Caio")
    in_the_roster(connector, other, "caio@sefaz.rs.gov.br")
    await other.say("oi")
    async with file_store.transaction() as tx:
        assert not (await tx.person_for_account("teams", "aad-caio")).is_attendant


async def test_proved_by_code_on_telegram_and_by_the_roster_on_teams_is_one_person(
        bot_url, connector, file_store, directory_dialogs, smtp):
    telegram = Conversation(directory_dialogs, user="5001", channel="telegram", name=REQUESTER_NAME)
    async with mail_notifier(file_store, smtp) as notifier:
        await prove(telegram, notifier, smtp)
    from_telegram = await open_demand(file_store, telegram, title="Aberta no Telegram")

    maria = TeamsUser(bot_url, connector)
    in_the_roster(connector, maria, EMAIL)
    await maria.say("oi")
    assert (await person_of(file_store, telegram)).id == (await _teams_person(file_store)).id
    await maria.say("menu")
    await maria.press("menu:all")
    assert from_telegram in maria.text
    assert [kind for kind, _, _ in await proofs(file_store, "teams", "aad-maria")] == ["aad", "email"]
    # Her pushes still go where they went (Telegram); Teams stays quiet until she turns it on.
    async with file_store.transaction() as tx:
        assert await tx.push_preferences((await _teams_person(file_store)).id) == {"teams": False}


async def _teams_person(store):
    async with store.transaction() as tx:
        return await tx.person_for_account("teams", "aad-maria")
