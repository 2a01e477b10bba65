"""The Teams adapter: Bot Framework activities posted to /api/messages become `Incoming`, the
dialogs answer, and the replies go back through the Bot Connector as markdown and Adaptive Cards.

botbuilder's CloudAdapter checks the channel's token and handles the turn inside the HTTP
request, so when Teams gets our answer the replies are already sent. Activities of one
conversation are handled one after another (a lock per conversation).
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from botbuilder.core import BotAdapter, InvokeResponse, TurnContext, serializer_helper
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.channels import ChatLocks
from bot.config import Config
from bot.contract import Conversation, locale_of
from bot.notifier import PermanentSendError, TransientSendError
from dialogs import Incoming, IncomingFile, Outgoing
from dialogs.texts import Texts
from store import Store
from store.attachments import ALLOWED as ALLOWED_EXTENSIONS
from store.attachments import MAX_ATTACHMENT_BYTES

from .render import render_each, text_activity
from .send import Retry, build_adapter, deliver

log = logging.getLogger(__name__)

CHANNEL = "teams"
# A file shared in a personal chat arrives as this card, with a pre-authorised download URL.
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
_EXTENSION_OF_TYPE = {mime: extension for extension, (_, mime) in reversed(ALLOWED_EXTENSIONS.items())}
_DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)
# Teams repeats a formatted message as HTML among the attachments; cards are not files either.
_NOT_FILES = ("text/html", "application/vnd.microsoft.card.adaptive")


class TeamsChannel:
    """Mount `handle_request` on POST /api/messages (bot.http.create_app(teams=...)).

    `store` is the one the dialogs work on: activities the dialogs never see (the bot added to
    a team) still record there where to write. None leaves them unrecorded."""

    def __init__(self, config: Config, dialogs: Conversation, store: Store | None, *,
                 retry: Retry = Retry()) -> None:
        self.config = config
        self.dialogs = dialogs
        self.store = store
        self.retry = retry
        self.adapter = build_adapter(config)
        self.authenticated = bool(config.microsoft_app_id)
        self.locks = ChatLocks()
        self._session: aiohttp.ClientSession | None = None
        if not self.authenticated:
            log.warning("!" * 78)
            log.warning("MICROSOFT_APP_ID is not set: the Teams endpoint /api/messages accepts "
                        "UNAUTHENTICATED requests. Use this for local testing only.")
            log.warning("!" * 78)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ----------------------------------------------------------------------- HTTP

    async def handle_request(self, request: web.Request) -> web.Response:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415, text="expected application/json")
        try:
            payload = json.loads(await request.read())
        except ValueError:
            log.warning("Malformed JSON on /api/messages from %s", request.remote)
            return web.Response(status=400, text="malformed JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            return web.Response(status=400, text="not an activity")
        try:
            activity = Activity().deserialize(payload)
        except (ValueError, TypeError, AttributeError):  # msrest's DeserializationError is a ValueError
            return web.Response(status=400, text="not an activity")
        if not (activity.conversation and activity.conversation.id and activity.from_property
                and activity.recipient and activity.service_url):
            return web.Response(status=400, text="activity without conversation, from, recipient or serviceUrl")
        # Authenticate first, apart, so that any refusal (missing header, a token that does not
        # parse, a signature that does not verify) is a 401 and nothing at all is processed.
        try:
            authenticated = await self.adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", ""))
        except Exception as refusal:
            log.warning("Refused a call to /api/messages from %s: %s", request.remote,
                        type(refusal).__name__)
            return web.Response(status=401, text="unauthorized")
        invoke = await self.adapter.process_activity(authenticated, activity, self.on_turn)
        if invoke is not None:  # card actions of type invoke want a body back
            return web.json_response(serializer_helper(invoke.body), status=invoke.status)
        return web.Response(status=200)

    # ----------------------------------------------------------------------- turns

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        async with self.locks.hold(activity.conversation.id):
            if activity.type == ActivityTypes.message:
                await self._on_message(context)
            elif activity.type == ActivityTypes.conversation_update and self._bot_was_added(activity):
                await self._on_added(context)
            elif activity.type == ActivityTypes.invoke:
                await self._on_invoke(context)
            else:
                await self._remember_chat(activity)

    async def _on_invoke(self, context: TurnContext) -> None:
        """Teams waits for an answer to every invoke. A universal card action (Action.Execute)
        carrying one of our choices is handled like the same choice submitted; any other invoke
        is acknowledged and otherwise ignored, rather than left to the SDK's 501."""
        activity = context.activity
        action = activity.value.get("action") if isinstance(activity.value, dict) else None
        data = action.get("data") if isinstance(action, dict) else None
        if activity.name == "adaptiveCard/action" and isinstance(data, dict) and data.get("choice"):
            activity.value = data
            await self._on_message(context)
        else:
            await self._remember_chat(activity)
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200)))

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        choice = value.get("choice")
        files = await self._download_all(context)
        incoming = self._incoming(
            activity,
            text=_text_without_mention(activity),
            choice=str(choice) if choice else None,
            files=tuple(files),
        )
        if not files and not incoming.text.strip() and not incoming.choice and activity.attachments:
            # Only files, and every one refused: the refusal was said already.
            await self._remember_chat(activity)
            return
        await self._converse(context, incoming)

    async def _on_added(self, context: TurnContext) -> None:
        activity = context.activity
        if _chat_kind(activity) == "private":
            # What Telegram's /start is: the dialogs greet and start the first access.
            await self._converse(context, self._incoming(activity, text="start"))
        else:
            await self._remember_chat(activity)
            await self._say(context, "teams.group_welcome")

    @staticmethod
    def _bot_was_added(activity: Activity) -> bool:
        bot = activity.recipient.id if activity.recipient else None
        return any(member.id == bot for member in activity.members_added or [])

    def _incoming(self, activity: Activity, **fields: Any) -> Incoming:
        sender = activity.from_property
        return Incoming(
            channel=CHANNEL,
            chat_id=activity.conversation.id,
            user_id=sender.aad_object_id or sender.id,
            user_name=sender.name or "",
            locale=locale_of(activity.locale),
            chat_kind=_chat_kind(activity),
            chat_reference=_reference(activity),
            reply_to=activity.reply_to_id,
            **fields,
        )

    async def _remember_chat(self, activity: Activity) -> None:
        if self.store is None or activity.conversation is None or not activity.service_url:
            return
        async with self.store.transaction() as tx:
            await tx.ensure_chat(CHANNEL, activity.conversation.id, kind=_chat_kind(activity),
                                 reference=_reference(activity), locale=locale_of(activity.locale))

    async def _converse(self, context: TurnContext, incoming: Incoming) -> None:
        replies = await self.dialogs.handle(incoming)
        try:
            for outgoing, activities in render_each(replies, incoming.locale):
                sent = [await deliver(context, activity, self.retry) for activity in activities]
                await self._remember_card(incoming.chat_id, outgoing, [i for i in sent if i])
        except (TransientSendError, PermanentSendError) as error:
            # The dialogs have already recorded the turn: failing the request would make Teams
            # deliver the message again and the dialogs take it twice.
            log.error("Could not answer Teams conversation %s: %s", incoming.chat_id, error)

    async def _remember_card(self, chat_id: str, outgoing: Outgoing, activity_ids: list[str]) -> None:
        """Let the dialogs note which demand a sent message shows, so a reply to it (its
        reply_to_id) acts on it."""
        if not outgoing.demand:
            return
        try:
            for activity_id in activity_ids:
                await self.dialogs.remember_sent(CHANNEL, chat_id, activity_id, outgoing)
        except Exception:
            # Only replies to this card lose their shortcut; the conversation goes on.
            log.exception("Could not remember the card of %s", outgoing.demand)

    async def _say(self, context: TurnContext, key: str, **values: Any) -> None:
        text = Texts(locale_of(context.activity.locale))(key, **values)
        await deliver(context, text_activity(text), self.retry)

    # ----------------------------------------------------------------------- files

    async def _download_all(self, context: TurnContext) -> list[IncomingFile]:
        files = []
        for number, attachment in enumerate(context.activity.attachments or [], start=1):
            source = _file_source(attachment, number)
            if source is None:
                continue  # the message's own HTML rendering, a card, ...
            url, name, content_type, needs_token = source
            if PurePath(name).suffix.lower().lstrip(".") not in ALLOWED_EXTENSIONS:
                await self._say(context, "files.refused", name=name)
                continue
            # Our token goes only to the Bot Connector that sent the activity, never elsewhere.
            wants_token = needs_token and _same_host(url, context.activity.service_url)
            token = await self._token(context) if wants_token else None
            file = await self._download(context, url, name, content_type, token)
            if file is not None:
                files.append(file)
        return files

    async def _download(self, context: TurnContext, url: str, name: str, content_type: str | None,
                        token: str | None) -> IncomingFile | None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_DOWNLOAD_TIMEOUT)
        try:
            async with self._session.get(url, headers=headers) as response:
                if response.status != 200:
                    raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
                if (response.content_length or 0) > MAX_ATTACHMENT_BYTES:
                    return await self._too_large(context, name)
                data = bytearray()
                # A missing or lying Content-Length must not make us hold more than the limit.
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > MAX_ATTACHMENT_BYTES:
                        return await self._too_large(context, name)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Could not download the Teams attachment %s: %s", name, error)
            await self._say(context, "files.download_failed", name=name)
            return None
        return IncomingFile(filename=name, data=bytes(data), content_type=content_type)

    async def _too_large(self, context: TurnContext, name: str) -> None:
        await self._say(context, "teams.file_too_large", name=name, mb=MAX_ATTACHMENT_BYTES // (1024 * 1024))

    async def _token(self, context: TurnContext) -> str | None:
        """The bot's own Bot Connector token, which inline images in Teams require."""
        if not self.authenticated:
            return None
        client = context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        credentials = getattr(getattr(client, "config", None), "credentials", None)
        if credentials is None or not hasattr(credentials, "get_access_token"):
            return None
        # msal's token cache fetches over the network, synchronously.
        return await asyncio.to_thread(credentials.get_access_token)


# --------------------------------------------------------------------------- activity fields


def _text_without_mention(activity: Activity) -> str:
    # In channels and group chats the text starts with "<at>e-CAGE</at>": not the person's words.
    text = TurnContext.remove_recipient_mention(activity) if activity.text else ""
    return (text or "").strip()


def _chat_kind(activity: Activity) -> str:
    conversation_type = getattr(activity.conversation, "conversation_type", None) or "personal"
    return "private" if conversation_type == "personal" else "group"


def _reference(activity: Activity) -> dict:
    return TurnContext.get_conversation_reference(activity).serialize()


def _file_source(attachment: Attachment, number: int) -> tuple[str, str, str | None, bool] | None:
    """(url, file name, content type, whether the URL wants the bot's token) of a file the person
    sent, or None for an attachment that is not a file."""
    content = attachment.content if isinstance(attachment.content, dict) else {}
    if attachment.content_type == FILE_DOWNLOAD_INFO and content.get("downloadUrl"):
        name = attachment.name or f"arquivo-{number}.{content.get('fileType', '')}".rstrip(".")
        return content["downloadUrl"], name, None, False
    if not attachment.content_url or attachment.content_type in _NOT_FILES:
        return None
    name = attachment.name
    if not name:
        # Pasted images come without a name; the content type tells what they are.
        extension = _EXTENSION_OF_TYPE.get(attachment.content_type or "", "")
        name = f"imagem-{number}.{extension}" if extension else f"arquivo-{number}"
    return attachment.content_url, name, attachment.content_type, True


def _same_host(url: str, service_url: str | None) -> bool:
    return bool(service_url) and urlsplit(url).netloc == urlsplit(service_url).netloc
