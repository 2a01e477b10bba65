"""Who the person is and which language they speak, as Teams tells: the name from the roster when
the activity names nobody, the language from the client when the activity has none, the same from
the first message (the welcome) on."""

from __future__ import annotations

import dataclasses

import pytest

from fakes.connector import TeamsUser, texts

GUID = "00000000-0000-0000-0000-00000000abcd"


def nameless(user: TeamsUser, **changes) -> TeamsUser:
    return dataclasses.replace(user, name="", aad_object_id=GUID, **changes)


async def test_the_welcome_names_the_person_from_the_roster_never_by_a_directory_id(maria, connector):
    maria = nameless(maria)
    connector.members[maria.user_id] = {"id": maria.user_id, "name": "Maria Souza", "aadObjectId": GUID,
                                        "email": "maria@sefaz.rs.gov.br", "userPrincipalName": "maria@sefaz.rs.gov.br"}
    replies = await maria.adds_the_bot()
    assert "Olá, Maria Souza" in texts(replies)
    assert GUID not in texts(replies)


async def test_without_a_roster_entry_the_welcome_still_comes(maria, connector):
    replies = await nameless(maria).adds_the_bot()
    assert "Olá" in texts(replies)


async def test_a_welcome_without_locale_speaks_the_clients_language_as_the_next_turns_do(maria, connector):
    english = dataclasses.replace(maria, locale="")

    async def adds_the_bot_from_an_english_client():
        return await english._replies(english.activity(
            "conversationUpdate", membersAdded=[{"id": "28:ecage-bot"}],
            entities=[{"type": "clientInfo", "locale": "en-US", "country": "US"}]))

    welcome = await adds_the_bot_from_an_english_client()
    assert "Hello, Maria Souza" in texts(welcome), texts(welcome)
    english.locale = "en-US"
    assert "What would you like to do?" in texts(await english.says("menu"))
    assert "Olá" not in texts(connector.to(maria.conversation_id))


async def test_an_activity_without_any_locale_speaks_as_the_chat_last_did(maria, connector):
    """As the Agents Playground does: installationUpdate in en-US, then conversationUpdate without."""
    english = dataclasses.replace(maria, locale="en-US")
    await english._replies(english.activity("installationUpdate", action="add"))
    english.locale = ""
    welcome = await english.adds_the_bot()
    assert "Hello, Maria Souza" in texts(welcome), texts(welcome)


# --- the roster's e-mail ---------------------------------------------------------------------------

EMAIL = "maria@sefaz.rs.gov.br"


async def proofs(store, account: str = "aad-maria") -> list[tuple[str, str]]:
    async with store.transaction() as tx:
        person = await tx.person_for_account("teams", account)
        return sorted((i.kind, i.value) for i in await tx.identities(person.id))


async def profile_email(store, account: str = "aad-maria") -> str | None:
    async with store.transaction() as tx:
        return (await tx.person_for_account("teams", account)).email


async def test_the_roster_is_read_once_per_member_also_when_the_activity_names_the_person(maria, connector, store):
    connector.members[maria.user_id] = {"id": maria.user_id, "name": "Maria S.", "aadObjectId": "aad-maria",
                                        "userPrincipalName": EMAIL}
    for text in ("oi", "menu", "ajuda"):
        await maria.says(text)
    assert connector.member_lookups == [f"/v3/conversations/{maria.conversation_id}/members/{maria.user_id}"]
    assert await proofs(store) == [("aad", "aad-maria"), ("email", EMAIL)]
    assert await profile_email(store) == EMAIL
    assert "Olá, Maria Souza" in maria.said(connector.to(maria.conversation_id))  # the activity's name wins


async def test_the_user_principal_name_gives_it_not_the_email_field(maria, connector, store):
    connector.members[maria.user_id] = {"id": maria.user_id, "name": "Maria", "email": "diretor@cage.rs.gov.br",
                                        "userPrincipalName": "Maria@Sefaz.RS.gov.br"}
    await maria.says("oi")
    assert await proofs(store) == [("aad", "aad-maria"), ("email", EMAIL)]


@pytest.mark.parametrize("roster", [
    pytest.param({"status": 500}, id="the roster fails"),
    pytest.param({"entry": {"name": "Maria"}}, id="no e-mail"),
    pytest.param({"entry": {"name": "Maria", "userPrincipalName": "maria_gmail.com#EXT#@cage.onmicrosoft.com"}},
                 id="a guest's principal name"),
    pytest.param({"entry": {"name": "Maria", "userPrincipalName": "maria.souza"}}, id="a principal name that is no address"),
    # Any tenant's administrator may write any address in this field, a CAGE attendant's too.
    pytest.param({"entry": {"name": "Maria", "email": EMAIL}}, id="only the e-mail field"),
    pytest.param({"entry": {"name": "Outra", "aadObjectId": "aad-outra", "userPrincipalName": EMAIL}},
                 id="another object's entry"),
])
async def test_a_roster_without_a_trustworthy_email_changes_nothing_else(maria, connector, store, roster):
    if "status" in roster:
        connector.roster_status = roster["status"]
    else:
        connector.members[maria.user_id] = {"id": maria.user_id, **roster["entry"]}
    replies = await maria.says("oi")
    looked_up = len(connector.member_lookups)  # botbuilder's client retries a 500 by itself
    await maria.says("menu")
    assert "Olá, Maria Souza" in texts(replies)
    assert "O que você deseja fazer?" in maria.text
    assert await proofs(store) == [("aad", "aad-maria")]
    assert await profile_email(store) is None
    assert len(connector.member_lookups) == looked_up  # not asked again on the next message
