"""Teams, through botbuilder's real adapter against the local connector: the sender's AAD object
id is Microsoft's word on who writes, so no code is asked before demands; an account the
directory does not name is asked to prove who it is like anyone else."""

from __future__ import annotations

import pytest
from fakes.connector import TeamsUser
from fakes.ports import free_port
from identity_support import DOMAINS

from bot.config import Config
from bot.http import create_app, serve
from bot.teams import TeamsChannel
from dialogs import Dialogs
from dialogs.identity import Verification


@pytest.fixture
async def bot_url(file_store):
    dialogs = Dialogs(file_store, verification=Verification(email_domains=DOMAINS, required=True))
    config = Config(http_port=free_port())
    channel = TeamsChannel(config, dialogs, file_store)
    await channel.start()
    runner = await serve(create_app(teams=channel.handle_request), config.http_port, host="127.0.0.1")
    yield f"http://127.0.0.1:{config.http_port}/api/messages"
    await runner.cleanup()
    await channel.close()


async def test_the_directory_id_counts_as_verified(bot_url, connector, file_store):
    maria = TeamsUser(bot_url, connector)
    await maria.say("oi")
    await maria.say("cancelar")
    await maria.say("minhas demandas")
    assert "confirmar quem você é" not in maria.text
    async with file_store.transaction() as tx:
        person = await tx.person_for_account("teams", "aad-maria")
        assert [(i.kind, i.value, i.how) for i in await tx.identities(person.id)] == [
            ("aad", "aad-maria", "teams directory")]


async def test_an_account_without_directory_id_must_prove_it(bot_url, connector):
    guest = TeamsUser(bot_url, connector, conversation_id="a:personal-guest", user_id="29:guest",
                      aad_object_id=None)
    await guest.say("oi")
    await guest.say("cancelar")
    await guest.say("minhas demandas")
    assert "preciso antes confirmar quem você é" in guest.text
