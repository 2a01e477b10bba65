"""Who the person is and which language they speak, as Teams tells: the name from the roster when
the activity names nobody, the language from the client when the activity has none, the same from
the first message (the welcome) on."""

from __future__ import annotations

import dataclasses

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
