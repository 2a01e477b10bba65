"""A small local server that speaks the Bot Connector REST API (the `serviceUrl` of Teams
activities), records every activity the bot sends, can fail on purpose, and serves attachment
files. Plus `TeamsUser`: a person in one Teams conversation who posts Bot Framework activities
(JSON, as the channel sends them) to the bot's /api/messages; it reads the answers as every chat
driver does (tests/chat_driver.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from chat_driver import ChatDriver, Option
from samples import REQUESTER_NAME

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
BOT_ID = "28:ecage-bot"
BOT_NAME = "e-CAGE"


@dataclass
class Sent:
    """One call the bot made to the connector."""

    method: str
    path: str
    conversation_id: str | None
    reply_to: str | None
    activity: dict
    activity_id: str


@dataclass
class _Failure:
    status: int
    retry_after: str | None
    code: str = "Throttled"
    sub_code: str | None = None


@dataclass
class _File:
    data: bytes
    content_type: str
    token: str | None  # the Bearer token the download must carry, if any
    chunked: bool = False  # sent without Content-Length, as some servers do


class FakeConnector:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.refused: list[tuple[str, int]] = []  # (path, status) of calls answered with a failure
        self.downloads: list[dict] = []  # {"path", "authorization"}
        self.created: list[dict] = []  # bodies of POST /v3/conversations
        self.members: dict[str, dict] = {}  # the roster: member id -> TeamsChannelAccount JSON
        self.member_lookups: list[str] = []  # paths of the roster's GETs, in order
        self.roster_status: int | None = None  # set: every roster GET answers this failure
        self._failures: list[_Failure | None] = []  # None: a call let through
        self._delays: list[float] = []  # seconds the next activity calls wait before answering
        self._files: dict[str, _File] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------------- server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_get("/attachments/{name}", self._download)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # ----------------------------------------------------------------------- test controls

    def fail_next(self, times: int = 1, status: int = 429, retry_after: str | None = None, *,
                  after: int = 0, code: str = "Throttled", sub_code: str | None = None) -> None:
        """Answer the next `times` activity calls with `status` (and Retry-After when given) and
        the connector's error body naming `code` (and `sub_code`), once `after` more calls went
        through."""
        self._failures += [None] * after + [_Failure(status, retry_after, code, sub_code)] * times

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next `times` activity calls are answered only after `seconds` (a slow connector)."""
        self._delays += [seconds] * times

    def add_file(self, name: str, data: bytes, content_type: str = "application/octet-stream",
                 token: str | None = None, chunked: bool = False) -> str:
        self._files[name] = _File(data, content_type, token, chunked)
        return f"{self.service_url}attachments/{name}"

    def to(self, conversation_id: str) -> list[dict]:
        return [s.activity for s in self.sent if s.conversation_id == conversation_id]

    # ----------------------------------------------------------------------- handlers

    async def _send(self, request: web.Request) -> web.Response:
        if self._delays:
            await asyncio.sleep(self._delays.pop(0))
        failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            self.refused.append((request.path, failure.status))
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            error = {"code": failure.code, "message": "refused by the fake connector"}
            if failure.sub_code:
                error["subCode"] = failure.sub_code
            return web.json_response({"error": error}, status=failure.status, headers=headers)
        activity = await request.json()
        activity_id = request.match_info.get("activity") if request.method == "PUT" else None
        activity_id = activity_id or f"bot-{next(self._ids)}"
        reply_to = request.match_info.get("activity") if request.method == "POST" else None
        self.sent.append(Sent(request.method, request.path, request.match_info["conversation"],
                              reply_to, activity, activity_id))
        return web.json_response({"id": activity_id})

    async def _member(self, request: web.Request) -> web.Response:
        self.member_lookups.append(request.path)
        if self.roster_status is not None:
            return web.json_response({"error": {"code": "ServiceError"}}, status=self.roster_status)
        member = self.members.get(request.match_info["member"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        return web.json_response({"id": f"a:created-{next(self._ids)}", "serviceUrl": self.service_url})

    async def _download(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        authorization = request.headers.get("Authorization")
        self.downloads.append({"path": request.path, "authorization": authorization})
        file = self._files.get(name)
        if file is None:
            return web.Response(status=404)
        if file.token is not None and authorization != f"Bearer {file.token}":
            return web.Response(status=401)
        if not file.chunked:
            return web.Response(body=file.data, content_type=file.content_type)
        response = web.StreamResponse(headers={"Content-Type": file.content_type})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(file.data), 1024 * 1024):
            await response.write(file.data[start:start + 1024 * 1024])
        await response.write_eof()
        return response


# --------------------------------------------------------------------------- the person in Teams


def card_of(activity: dict) -> dict | None:
    for attachment in activity.get("attachments") or []:
        if attachment.get("contentType") == ADAPTIVE_CARD:
            return attachment["content"]
    return None


def visible_text(activity: dict) -> str:
    """What a person reads in one activity: its text or its card's texts, facts and choices."""
    card = card_of(activity)
    if card is None:
        return (activity.get("text") or "").replace("<br>", "\n")  # Teams shows <br> as a line break
    parts: list[str] = []

    def walk(items: list[dict]) -> None:
        for item in items:
            if item["type"] == "TextBlock":
                parts.append(item["text"])
            elif item["type"] == "FactSet":
                parts.extend([f"{fact['title']}: {fact['value']}" for fact in item["facts"]])
            elif item["type"] == "Input.ChoiceSet":
                parts.extend(choice["title"] for choice in item["choices"])
            elif item["type"] == "Container":
                walk(item["items"])

    walk(card.get("body", []))
    parts += [action["title"] for action in card.get("actions", [])]
    return "\n".join(parts)


def card_options(activity: dict) -> list[Option]:
    """What a person can pick in one activity: the card's ChoiceSet entries, then its buttons
    that send a choice, each with what picking it submits."""
    card = card_of(activity) or {}
    entries = [Option(choice["value"], choice["title"], activity, {item["id"]: choice["value"]})
               for item in card.get("body", []) if item["type"] == "Input.ChoiceSet" for choice in item["choices"]]
    return entries + [Option(action["data"]["choice"], action["title"], activity, dict(action["data"]))
                      for action in card.get("actions", []) if "choice" in action.get("data", {})]


def options(activity: dict) -> list[str]:
    """Labels a person can pick in one activity: ChoiceSet entries and buttons."""
    return [option.label for option in card_options(activity)]


def texts(activities: list[dict]) -> str:
    """What a person reads in these activities, one a line."""
    return "\n".join(visible_text(activity) for activity in activities)


@dataclass
class TeamsUser(ChatDriver):
    """A person talking to the bot in one conversation. Each method posts one activity and
    returns the activities the bot sent to this conversation while handling it."""

    bot_url: str
    connector: FakeConnector
    conversation_id: str = "a:personal-maria"
    user_id: str = "29:maria"
    aad_object_id: str | None = "aad-maria"
    name: str = REQUESTER_NAME
    conversation_type: str = "personal"
    locale: str = "pt-BR"
    headers: dict[str, str] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def activity(self, type: str = "message", **extra: Any) -> dict:
        sender = {"id": self.user_id}
        if self.name:  # Teams leaves the name out of some activities (a conversationUpdate)
            sender["name"] = self.name
        if self.aad_object_id:
            sender["aadObjectId"] = self.aad_object_id
        conversation = {"id": self.conversation_id, "conversationType": self.conversation_type,
                        "tenantId": "tenant-rs"}
        if self.conversation_type != "personal":
            conversation["isGroup"] = True
        return {
            "type": type, "id": f"{self.user_id}-{next(self._ids)}", "timestamp": "2025-02-03T13:00:00.000Z",
            "serviceUrl": self.connector.service_url, "channelId": "msteams", "from": sender,
            "conversation": conversation, "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "locale": self.locale, "channelData": {"tenant": {"id": "tenant-rs"}}, **extra,
        }

    async def post(self, activity: dict | str | bytes, *,
                   content_type: str = "application/json") -> tuple[int, list[dict]]:
        before = len(self.connector.sent)
        body = activity if isinstance(activity, (str, bytes)) else json.dumps(activity)
        async with aiohttp.ClientSession() as session:
            async with session.post(self.bot_url, data=body,
                                    headers={"Content-Type": content_type, **self.headers}) as response:
                await response.read()
                status = response.status
        mine = [s.activity for s in self.connector.sent[before:] if s.conversation_id in self.heard_in]
        return status, self._heard(mine)

    @property
    def heard_in(self) -> tuple[str, ...]:
        """Where the bot's answers reach this person: the conversation and, in a thread of a
        channel, the channel itself (the bot posts there; its replies leave no thread behind)."""
        return (self.conversation_id, self.conversation_id.split(";messageid=")[0])

    def text_of(self, activity: dict) -> str:
        return visible_text(activity)

    def options_of(self, activity: dict) -> list[Option]:
        return card_options(activity)

    async def _choose(self, option: Option) -> list[dict]:
        return await self.submits(option.payload)

    async def _replies(self, activity: dict) -> list[dict]:
        status, replies = await self.post(activity)
        assert status < 300, f"the bot answered HTTP {status}"
        return replies

    async def says(self, text: str, *, mention: bool = False, attachments: list[dict] | None = None) -> list[dict]:
        extra: dict[str, Any] = {"text": text, "textFormat": "plain"}
        if mention:
            tag = f"<at>{BOT_NAME}</at>"
            extra["text"] = f"{tag} {text}"
            extra["entities"] = [{"type": "mention", "text": tag,
                                  "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]
        if attachments:
            extra["attachments"] = attachments
        return await self._replies(self.activity(**extra))

    async def submits(self, value: dict) -> list[dict]:
        return await self._replies(self.activity(value=value))

    async def executes(self, label: str, replies: list[dict]) -> dict:
        """Press the button `label` as Teams does a Universal Action (an `adaptiveCard/action`
        invoke); returns what the bot answered the invoke with."""
        option = self.option(label, [a for a in replies if card_of(a)][-1:])
        activity = self.activity("invoke", name="adaptiveCard/action", value={
            "action": {"type": "Action.Execute", "verb": "choice", "data": dict(option.payload)},
            "trigger": "manual"})
        async with aiohttp.ClientSession() as session:
            async with session.post(self.bot_url, json=activity, headers=self.headers) as response:
                assert response.status == 200, response.status
                return await response.json()

    async def say(self, text: str) -> list[dict]:
        return await self.says(text)

    async def picks(self, label: str, replies: list[dict] | None = None) -> list[dict]:
        """Press the button or pick the ChoiceSet entry labelled `label` on the bot's latest card."""
        cards = [a for a in (replies or self.connector.to(self.conversation_id)) if card_of(a)]
        return await self._choose(self.option(label, cards[-1:]))

    async def adds_the_bot(self) -> list[dict]:
        return await self._replies(self.activity(
            "conversationUpdate", membersAdded=[{"id": BOT_ID, "name": BOT_NAME}]))
