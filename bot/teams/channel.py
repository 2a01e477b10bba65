"""The Teams adapter: Bot Framework activities posted to /api/messages become `Incoming`, the
dialogs answer, and the replies go back through the Bot Connector as markdown and Adaptive Cards.

botbuilder's CloudAdapter checks the channel's token; the activity is then written to the inbox
(bot/inbox.py, store/inbox.py) before anything else, and the request waits (a while) for its turn,
so that Teams usually gets our answer once the replies are sent. The turn itself is taken from
the inbox, in the order of its conversation, and its replies go out through the same sender as
the notifier's pushes (bot/replies.py): an activity Teams sends again is answered once, and one
whose process died is handled after the restart. A turn that committed is never answered 5xx.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment, ConversationReference

from bot.config import Config
from bot.contract import Conversation, locale_of
from bot.downloads import FileLinks
from bot.inbox import LEASE_S, InboxRunner
from bot.notifier import PermanentSendError, TransientSendError
from bot.replies import Replies
from dialogs import Incoming, IncomingFile
from dialogs.messages import Receipt
from dialogs.texts import Texts
from dialogs.events import card_now
from store import Store, inbox, outbox
from store.attachments import ALLOWED as ALLOWED_EXTENSIONS
from store.attachments import MAX_ATTACHMENT_BYTES
from store.inbox import InboxItem, Received

from .render import ADAPTIVE_CARD, adaptive_card, text_activity
from .roster import Roster, directory_email
from .send import Retry, TeamsSender, build_adapter, deliver, not_a_reply

log = logging.getLogger(__name__)

CHANNEL = "teams"
# A file shared in a personal chat arrives as this card, with a pre-authorised download URL.
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
_EXTENSION_OF_TYPE = {mime: extension for extension, (_, mime) in reversed(ALLOWED_EXTENSIONS.items())}
_DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)
# Teams repeats a formatted message as HTML among the attachments; cards are not files either.
_NOT_FILES = ("text/html", "application/vnd.microsoft.card.adaptive")
# How long a request waits for its turn before answering 200 anyway: Teams gives a bot 15 s, and
# the activity is in the inbox, so it is handled even when the answer comes later.
ANSWER_WAIT = 10.0
# How Teams names a thread of a channel inside the conversation id.
THREAD_MARK = ";messageid="


class TeamsChannel:
    """Mount `handle_request` on POST /api/messages (bot.http.create_app(teams=...)); `start()`
    before serving, `close()` after.

    `store` is the one the dialogs work on: it keeps the inbox and the replies' outbox, and
    activities the dialogs never see (the bot added to a team) still record there where to write."""

    channel = CHANNEL
    group_quiet = 0.0

    def __init__(self, config: Config, dialogs: Conversation, store: Store, *,
                 retry: Retry = Retry(), lease: float = LEASE_S) -> None:
        self.config = config
        self.dialogs = dialogs
        self.store = store
        self.retry = retry
        self.adapter = build_adapter(config)
        self.app_id = config.microsoft_app_id or None
        self.authenticated = bool(config.microsoft_app_id)
        self.runner = InboxRunner(store, [self], lease=lease)
        self._receive = inbox.receiver(store, self.runner.owner, self.runner.lease)
        self.sender = TeamsSender(self.adapter, self.app_id, retry=retry, links=FileLinks.from_config(config))
        self.replies = Replies(store, self.sender, self.runner.owner)
        self.roster = Roster()  # names and e-mails of the people who write, from Teams' directory
        self._session: aiohttp.ClientSession | None = None
        if not self.authenticated:
            log.warning("!" * 78)
            log.warning("MICROSOFT_APP_ID is not set: the Teams endpoint /api/messages accepts "
                        "UNAUTHENTICATED requests, whose directory ids nobody vouches for. Use this for "
                        "local testing only.")
            log.warning("!" * 78)

    async def start(self) -> None:
        await self.runner.start()

    async def close(self) -> None:
        await self.runner.stop()
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
        if not _is_web_url(activity.service_url):  # nowhere to answer: no turn could ever finish
            return web.Response(status=400, text="serviceUrl is not an http(s) URL")
        # Authenticate first, apart, so that any refusal (missing header, a token that does not
        # parse, a signature that does not verify) is a 401 and nothing at all is processed.
        try:
            await self.adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", ""))
        except Exception as refusal:
            log.warning("Refused a call to /api/messages from %s: %s", request.remote,
                        type(refusal).__name__)
            return web.Response(status=401, text="unauthorized")
        received = Received(channel=CHANNEL, chat_key=conversation_id(activity),
                            update_key=activity.id or uuid.uuid4().hex, payload=payload)
        try:
            (row,) = await self._receive([received])
        except Exception as error:  # the database away: not acknowledged, Teams tries again
            log.warning("Could not store a Teams activity (%s)", error.__class__.__name__)
            return web.Response(status=503, text="try again later")
        if row is not None:  # else a duplicate: answered already, or being answered
            self.runner.received([row])
            await self.runner.handled(row.id, ANSWER_WAIT)
        if activity.type == ActivityTypes.invoke:  # card actions of type invoke want a body back
            return web.json_response(await self._invoke_answer(activity), status=200)
        return web.Response(status=200)

    async def _invoke_answer(self, activity: Activity) -> dict:
        """What a Universal Action gets back: the card it was pressed on as it is now, when that is
        a live card of a demand (a room's, or a requester's in their chat: Teams shows it in place
        at once); else a short "done"."""
        data = _action_data(activity)
        protocol = data.get("demand") if isinstance(data, dict) else None
        if isinstance(protocol, str) and protocol:
            try:
                snapshot = await outbox.card_snapshot(self.store, protocol)
            except Exception as error:  # the database away: the notifier's edit follows anyway
                log.warning("No refreshed card for %s (%s)", protocol, error.__class__.__name__)
                snapshot = outbox.CardSnapshot(None, [])
            chat = next((card.chat for card in snapshot.cards if card.chat.channel == CHANNEL
                         and card.chat.chat_id == conversation_id(activity)), None)
            if snapshot.demand is not None and chat is not None:
                now = card_now(snapshot.demand, chat.kind, chat.locale, snapshot.requester_events)
                card = adaptive_card(now, Texts(chat.locale))
                return {"statusCode": 200, "type": ADAPTIVE_CARD, "value": card}
        text = Texts(locale_of(locale_tag(activity)))("teams.action_taken")
        return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}

    # ----------------------------------------------------------------------- turns

    async def process(self, items: list[InboxItem], receipt: Receipt) -> bool:
        """One activity from the inbox, in a context of its conversation (the Bot Connector's
        client, for our notes and the bot's token). True when a turn of the dialogs took it."""
        activity = Activity().deserialize(items[0].payload)
        activity.locale = locale_tag(activity) or await self._chat_locale(activity)
        reference = ConversationReference().deserialize(_reference(activity))
        taken = False

        async def turn(context: TurnContext) -> None:
            nonlocal taken
            context.on_send_activities(not_a_reply)
            context.activity.locale = activity.locale  # our notes speak the person's language
            taken = await self._on_activity(context, activity, receipt)

        await self.adapter.continue_conversation(reference, turn, bot_app_id=self.app_id)
        return taken

    async def _chat_locale(self, activity: Activity) -> str | None:
        """The language the chat was last spoken in: Teams sends some activities (the first
        conversationUpdate, after an installationUpdate that had one) without any."""
        async with self.store.transaction() as tx:
            chat = await tx.ensure_chat(CHANNEL, conversation_id(activity), kind=_chat_kind(activity))
        return chat.locale

    async def _on_activity(self, context: TurnContext, activity: Activity, receipt: Receipt) -> bool:
        if activity.type == ActivityTypes.message:
            return await self._on_message(context, activity, receipt)
        if activity.type == ActivityTypes.conversation_update and self._bot_was_added(activity):
            return await self._on_added(context, activity, receipt)
        if activity.type == ActivityTypes.invoke:
            return await self._on_invoke(context, activity, receipt)
        await self._remember_chat(activity)
        return False

    async def _on_invoke(self, context: TurnContext, activity: Activity, receipt: Receipt) -> bool:
        """A universal card action (Action.Execute) carrying one of our choices is handled like
        the same choice submitted; any other invoke is acknowledged and otherwise ignored."""
        data = _action_data(activity)
        if activity.name == "adaptiveCard/action" and isinstance(data, dict) and data.get("choice"):
            activity.value = data
            return await self._on_message(context, activity, receipt)
        await self._remember_chat(activity)
        return False

    async def _on_message(self, context: TurnContext, activity: Activity, receipt: Receipt) -> bool:
        value = activity.value if isinstance(activity.value, dict) else {}
        choice = value.get("choice")
        files = await self._download_all(context, activity)
        incoming = await self._incoming(
            context, activity, receipt,
            text=_text_without_mention(activity),
            choice=str(choice) if choice else None,
            files=tuple(files),
        )
        if not files and not incoming.text.strip() and not incoming.choice and activity.attachments:
            # Only files, and every one refused: the refusal was said already.
            await self._remember_chat(activity)
            return False
        return await self.replies.answer(self.dialogs, incoming)

    async def _on_added(self, context: TurnContext, activity: Activity, receipt: Receipt) -> bool:
        if _chat_kind(activity) == "private":
            # What Telegram's /start is: the dialogs greet and start the first access.
            incoming = await self._incoming(context, activity, receipt, text="start")
            return await self.replies.answer(self.dialogs, incoming)
        # Added back to a team it was removed from: its room can be written to again.
        await self._remember_chat(activity, reachable=True)
        await self._say(context, "teams.group_welcome")
        return False

    @staticmethod
    def _bot_was_added(activity: Activity) -> bool:
        bot = activity.recipient.id if activity.recipient else None
        return any(member is not None and member.id == bot for member in activity.members_added or [])

    async def _incoming(self, context: TurnContext, activity: Activity, receipt: Receipt, **fields: Any) -> Incoming:
        sender = activity.from_property
        member = await self.roster.member(context, activity)  # bot/teams/roster.py
        return Incoming(
            channel=CHANNEL,
            chat_id=conversation_id(activity),
            user_id=sender.aad_object_id or sender.id,
            # A conversationUpdate names nobody: the roster does, never a directory id.
            user_name=sender.name or (member.name if member else None) or "",
            locale=locale_of(activity.locale),
            chat_kind=_chat_kind(activity),
            chat_reference=_reference(activity),
            # A post in a channel's thread answers the thread's first message: a demand's card,
            # and the replies go in that thread.
            reply_to=activity.reply_to_id or thread_root(activity),
            reply_reference=_thread_reference(activity),
            receipt=receipt,
            # The directory's id of the sender and the roster's e-mail of it: Microsoft vouches
            # for both (dialogs/identity.py).
            directory_id=sender.aad_object_id or None,
            directory_email=directory_email(member, activity),
            **fields,
        )

    async def _remember_chat(self, activity: Activity, reachable: bool = False) -> None:
        if activity.conversation is None or not activity.service_url:
            return
        async with self.store.transaction() as tx:
            await tx.ensure_chat(CHANNEL, conversation_id(activity), kind=_chat_kind(activity),
                                 reference=_reference(activity), locale=locale_of(activity.locale),
                                 reachable=reachable)

    async def _say(self, context: TurnContext, key: str, **values: Any) -> None:
        text = Texts(locale_of(context.activity.locale))(key, **values)
        try:
            await deliver(context, text_activity(text), self.retry)
        except (TransientSendError, PermanentSendError) as error:
            # A note of the channel's own (a file refused, hello to a team) is no turn to take
            # again: the connector that cannot take it now would cost the message its answer.
            log.warning("Teams note %s not delivered to %s: %s", key, conversation_id(context.activity), error)

    # ----------------------------------------------------------------------- files

    async def _download_all(self, context: TurnContext, activity: Activity) -> list[IncomingFile]:
        files = []
        for number, attachment in enumerate(activity.attachments or [], start=1):
            source = _file_source(attachment, number)
            if source is None:
                continue  # the message's own HTML rendering, a card, ...
            url, name, content_type, needs_token = source
            if PurePath(name).suffix.lower().lstrip(".") not in ALLOWED_EXTENSIONS:
                await self._say(context, "files.refused", name=name)
                continue
            # Our token goes only to the Bot Connector that sent the activity, never elsewhere.
            wants_token = needs_token and _same_host(url, activity.service_url)
            token = await self._token(context) if wants_token else None
            file = await self._download(context, url, name, content_type, token)
            if file is not None:
                files.append(file)
        return files

    async def _download(self, context: TurnContext, url: str, name: str, content_type: str | None,
                        token: str | None) -> IncomingFile | None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if not _is_web_url(url):  # ftp:, a relative path...: nothing we fetch
            log.warning("Not downloading the Teams attachment %s: not an http(s) URL", name)
            await self._say(context, "files.download_failed", name=name)
            return None
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
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:  # ValueError: not a URL
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
    """In channels and group chats the text starts with "<at>e-CAGE</at>": not the person's words.
    (botbuilder's own removal fails on a mention without `mentioned`, which clients do send.)"""
    text = activity.text if isinstance(activity.text, str) else ""
    bot = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        fields = getattr(entity, "additional_properties", None) or {}
        mentioned = fields.get("mentioned")
        shown = fields.get("text")
        names_the_bot = not isinstance(mentioned, dict) or mentioned.get("id") in (bot, None)
        if getattr(entity, "type", None) == "mention" and isinstance(shown, str) and shown and names_the_bot:
            text = text.replace(shown, "")
    return text.strip()


def _chat_kind(activity: Activity) -> str:
    conversation_type = getattr(activity.conversation, "conversation_type", None) or "personal"
    return "private" if conversation_type == "personal" else "group"


def locale_tag(activity: Activity) -> str | None:
    """The person's language: the activity's, or the one its client reports (Teams leaves
    `locale` out of some activities, the first conversationUpdate among them)."""
    if isinstance(activity.locale, str) and activity.locale:
        return activity.locale
    for entity in activity.entities or []:
        fields = getattr(entity, "additional_properties", None) or {}
        if getattr(entity, "type", None) == "clientInfo" and isinstance(fields.get("locale"), str):
            return fields["locale"]
    return None


def _action_data(activity: Activity) -> Any:
    action = activity.value.get("action") if isinstance(activity.value, dict) else None
    return action.get("data") if isinstance(action, dict) else None


def conversation_id(activity: Activity) -> str:
    """The conversation without the thread a channel post belongs to ("…;messageid=…"): a room
    is the channel, and each new demand starts its own thread there."""
    return activity.conversation.id.split(THREAD_MARK, 1)[0]


def thread_root(activity: Activity) -> str | None:
    _, mark, root = activity.conversation.id.partition(THREAD_MARK)
    return root or None if mark else None


def _thread_reference(activity: Activity) -> dict | None:
    """Where an answer to a post in a channel's thread goes: that thread (Teams posts a message
    sent to "<channel>;messageid=<root>" as a reply in it). None outside a thread."""
    if thread_root(activity) is None:
        return None
    return TurnContext.get_conversation_reference(activity).serialize()


def _reference(activity: Activity) -> dict:
    reference = TurnContext.get_conversation_reference(activity).serialize()
    reference["conversation"]["id"] = conversation_id(activity)
    return reference


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
    try:
        return bool(service_url) and urlsplit(url).netloc == urlsplit(service_url).netloc
    except ValueError:  # "http://[::1/a.pdf": no host at all
        return False


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False
