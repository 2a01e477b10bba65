"""Well-typed Bot Framework activities of every shape Teams sends (and some it should not), drawn
with a fixed seed: 5,000 of them, invokes included, reach the real Teams channel behind /api/messages
and none is answered 5xx. The shapes are those that used to be: a mention without `mentioned`, a
`contentUrl` that is no URL, `membersAdded` holding nulls, an unreachable or malformed
`serviceUrl`, card actions of every form."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import Counter

import aiohttp
import pytest
from fakes.connector import BOT_ID, BOT_NAME

SEED = 20
COUNT = 5000
# The 5,000 drawn at once, posted in shards: each a test, so that xdist's workers share them and
# the suite's longest test is a fifth of this one.
SHARDS = 5
AT_ONCE = 40
UNREACHABLE = "http://127.0.0.1:9/"  # the discard port: nothing listens there

MENTIONS = (
    lambda: {"type": "mention", "text": f"<at>{BOT_NAME}</at>", "mentioned": {"id": BOT_ID, "name": BOT_NAME}},
    lambda: {"type": "mention", "text": f"<at>{BOT_NAME}</at>"},
    lambda: {"type": "mention", "mentioned": None},
    lambda: {"type": "mention", "text": None, "mentioned": {"id": None}},
    lambda: {"type": "mention", "text": "<at>Ana</at>", "mentioned": {"id": "29:ana", "name": "Ana"}},
    lambda: {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"},
    lambda: {"type": "clientInfo"},
)
TEXTS = ("oi", "menu", "<b>negrito</b> *x* [a](b)", "", "   ", "1", "enviar", "sim", "/vincular", "/fila",
         "minhas demandas", "Responder ok", "receber", "x" * 5000, "😀" * 30, "\u0000\u202e", "cancelar")
CHOICES = ("menu", "menu:new", "menu:list", "dm:tl:CAGE-00001-AAAA", "att:recv:CAGE-00001-AAAA", "pg:next",
           "nope", "", "x" * 300)
CONTENT_URLS = ("http://[::1/a.pdf", "notaurl", "", "ftp://example.invalid/a.pdf", "data:image/png;base64,AAAA",
                "data:,", "http://127.0.0.1:9/a.pdf", "{connector}attachments/missing.pdf", "//a/b")
CARD_TYPES = ("application/pdf", "image/png", "text/html", "application/vnd.microsoft.card.adaptive",
              "application/vnd.microsoft.teams.file.download.info", "", "application/x-unknown")
INVOKE_NAMES = ("adaptiveCard/action", "composeExtension/query", "task/fetch", "signin/verifyState",
                "fileConsent/invoke", "actionableMessage/executeAction", "", "config/fetch")
LOCALES = ("pt-BR", "en-US", "en", "xx-YY", "", None, "pt")
CONVERSATIONS = (("personal", ""), ("channel", ";messageid=1700000000001"), ("channel", ""),
                 ("groupChat", ""), (None, ""))


def _member(rng: random.Random):
    return rng.choice((None, {"id": None}, {"id": BOT_ID, "name": BOT_NAME}, {"id": "29:other"},
                       {"id": "29:x", "name": None, "aadObjectId": None}, {}))


def _attachment(rng: random.Random, connector: str) -> dict:
    url = rng.choice(CONTENT_URLS).format(connector=connector)
    kind = rng.choice(CARD_TYPES)
    attachment = {"contentType": kind, "contentUrl": url, "name": rng.choice(("a.pdf", None, "", "x.exe", "../../a.pdf"))}
    if kind.endswith("download.info"):
        attachment["content"] = rng.choice(({"downloadUrl": url, "fileType": "pdf"}, {}, None, {"downloadUrl": ""}))
    elif kind.endswith("adaptive"):
        attachment["content"] = rng.choice(({"type": "AdaptiveCard"}, None, {}))
    return attachment


def _invoke_value(rng: random.Random):
    choice = rng.choice(CHOICES)
    return rng.choice((
        None, {}, {"action": None}, {"action": {"type": "Action.Execute", "verb": "choice", "data": {"choice": choice}}},
        {"action": {"type": "Action.Execute", "data": "x"}}, {"action": {"data": {"choice": None}}},
        {"action": {"data": {"choice": choice, "demand": "CAGE-00001-AAAA"}}}, {"choice": choice},
        {"action": {"type": "Action.Execute", "verb": "other", "data": {}}}, {"query": "x"}))


def shaped_activity(rng: random.Random, number: int, connector: str) -> dict:
    kind, thread = rng.choice(CONVERSATIONS)
    conversation = {"id": f"{'19:room' if kind == 'channel' else 'a:chat'}-{number % 500}{thread}", "tenantId": "t"}
    if kind is not None:
        conversation["conversationType"] = kind
    sender = {"id": f"29:user-{number % 60}"}
    if rng.random() < 0.7:
        sender["name"] = rng.choice(("Fuzz", "", "00000000-0000-0000-0000-000000000000"))
    if rng.random() < 0.7:
        sender["aadObjectId"] = rng.choice((f"aad-{number % 60}", None))
    service_url = connector
    draw = rng.random()
    if draw < 0.01:
        service_url = UNREACHABLE
    elif draw < 0.02:
        service_url = rng.choice(("http://[::1", "not a url", "ftp://x/"))
    activity = {"type": "message", "id": f"fuzz-{SEED}-{number}", "timestamp": "2025-02-03T13:00:00.000Z",
                "serviceUrl": service_url, "channelId": "msteams", "from": sender, "conversation": conversation,
                "recipient": {"id": BOT_ID, "name": BOT_NAME}, "channelData": {"tenant": {"id": "t"}}}
    locale = rng.choice(LOCALES)
    if locale is not None:
        activity["locale"] = locale
    shape = rng.choice(("text", "text", "choice", "files", "update", "invoke", "invoke", "other"))
    if shape == "text":
        activity["text"] = rng.choice(TEXTS)
        if rng.random() < 0.5:
            activity["text"] = f"<at>{BOT_NAME}</at> {activity['text']}"
            activity["entities"] = [rng.choice(MENTIONS)() for _ in range(rng.randint(1, 3))]
    elif shape == "choice":
        activity["value"] = rng.choice(({"choice": rng.choice(CHOICES)}, {"choice": None}, {}, {"other": 1}))
    elif shape == "files":
        activity["text"] = rng.choice(("", "anexo"))
        activity["attachments"] = [_attachment(rng, connector) for _ in range(rng.randint(1, 3))]
    elif shape == "update":
        activity["type"] = "conversationUpdate"
        activity[rng.choice(("membersAdded", "membersRemoved"))] = [_member(rng) for _ in range(rng.randint(0, 3))]
    elif shape == "invoke":
        activity.update(type="invoke", name=rng.choice(INVOKE_NAMES), value=_invoke_value(rng))
    else:
        activity["type"] = rng.choice(("messageReaction", "typing", "event", "installationUpdate",
                                       "messageUpdate", "messageDelete", "endOfConversation"))
    return activity


async def _post(http: aiohttp.ClientSession, url: str, activity: dict) -> int:
    async with http.post(url, data=json.dumps(activity), headers={"Content-Type": "application/json"}) as response:
        await response.read()
        return response.status


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
async def test_5000_shaped_activities_get_no_5xx_and_no_turn_fails(shard, server, caplog):
    rng = random.Random(SEED)
    activities = [shaped_activity(rng, number, server.connector.service_url) for number in range(COUNT)][shard::SHARDS]
    statuses: Counter[int] = Counter()
    failures = []
    # A window of requests in flight: one that waits for an unreachable connector holds no other.
    window = asyncio.Semaphore(AT_ONCE)

    async def one(http: aiohttp.ClientSession, activity: dict) -> None:
        async with window:
            status = await _post(http, server.teams_url, activity)
        statuses[status] += 1
        if status >= 500:
            failures.append((status, activity))

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(http, activity) for activity in activities))
    assert not failures, (len(failures), failures[:3])
    # Nor is any taken and then lost to an error of ours (a turn given up is logged as an error).
    given_up = [record.getMessage() for record in caplog.records
                if record.name == "bot.inbox" and record.levelno >= logging.ERROR]
    assert not given_up, given_up[:3]
    assert statuses[200] > len(activities) // 2, statuses
