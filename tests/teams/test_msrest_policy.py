"""bot/teams/msrest_policy.py: the Bot Connector clients botbuilder builds keep the statuses msrest
always listed, and a refused connection is raised at once (our retries take over), never slept
on in the executor's thread; an answer msrest cannot read is a transient failure too."""

from __future__ import annotations

import dataclasses

import pytest
from fakes.connector import TeamsUser
from fakes.ports import free_port
from msrest.universal_http.requests import RequestHTTPSenderConfiguration
from teams_support import fast_sender, stored_chat
from urllib3.exceptions import MaxRetryError, NewConnectionError

from bot.config import Config
from bot.notifier import TransientSendError
from bot.teams import build_adapter
from bot.teams.msrest_policy import _ORIGINAL, ConnectorRetryPolicy
from dialogs import Outgoing
from store import inbox, outbox


@pytest.fixture(autouse=True)
def adapter_built():
    build_adapter(Config())  # what applies the policy, as the channel and the notifier do


def test_the_clients_retry_the_statuses_msrest_always_listed():
    policy = RequestHTTPSenderConfiguration().retry_policy
    assert isinstance(policy, ConnectorRetryPolicy)
    assert isinstance(_ORIGINAL.safe_codes, list)  # msrest's own class is left as it was
    assert policy.policy.status_forcelist == [code for code in range(999) if code not in _ORIGINAL.safe_codes]
    assert (policy.retries, policy.backoff_factor) == (3, 0.8)  # the rest of msrest's policy, unchanged


def test_a_refused_connection_is_raised_at_once_not_retried():
    retry = RequestHTTPSenderConfiguration().retry_policy()
    refused = NewConnectionError(None, "Connection refused")
    with pytest.raises(MaxRetryError):
        retry.increment(method="POST", url="/v3/conversations/a/activities", error=refused)
    # msrest's own would have tried again (after sleeping in the executor's thread).
    again = _ORIGINAL().policy.increment(method="POST", url="/v3/conversations/a/activities", error=refused)
    assert again.connect == 2


async def test_a_push_to_a_connector_nobody_listens_on_is_a_transient_failure(maria: TeamsUser, connector, store):
    await maria.says("oi")
    chat = await stored_chat(store, maria.conversation_id)
    nowhere = {**chat.reference, "serviceUrl": f"http://127.0.0.1:{free_port()}/"}
    before = len(connector.sent)
    with pytest.raises(TransientSendError):  # the notifier sends it again later, with backoff
        await fast_sender().send(dataclasses.replace(chat, reference=nowhere), Outgoing("Novidade"))
    assert len(connector.sent) == before


async def test_an_answer_that_is_no_json_is_a_transient_failure_and_the_turn_is_done(maria: TeamsUser, connector, store):
    # The fake connector has no /emea/ route: its 404 is text/plain, as a gateway's page would be.
    activity = maria.activity(text="menu")
    activity["serviceUrl"] = connector.service_url + "emea/"
    await maria.post(activity)
    chat = await stored_chat(store, maria.conversation_id)
    with pytest.raises(TransientSendError):  # left to the notifier, not a failed turn
        await fast_sender().send(chat, Outgoing("Novidade"))
    waiting = [entry for entry in await outbox.list_outbox(store) if entry.chat_id == maria.conversation_id]
    assert waiting and all(entry.status == "pending" and "DeserializationError" in entry.last_error
                           for entry in waiting)
    assert await inbox.waiting(store, ["teams"]) == 0  # the turn is done: nothing to take again
