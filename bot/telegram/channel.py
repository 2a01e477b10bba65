"""The Telegram adapter: updates (webhook or long polling) are written to the inbox before they
are acknowledged (bot/inbox.py, store/inbox.py); taken from there, each becomes an `Incoming`,
the dialogs answer, and the replies go out through the same sender as the notifier's pushes
(bot/replies.py). python-telegram-bot's `Application` holds the bot (HTTP, rate limiter); its
update queue is not used, so that nothing is acknowledged before it is stored.

Updates of one chat are handled one after another, in the order they arrived (the inbox gives a
chat's next update only once the one before is done); different chats run concurrently. An album
(one update per file) is handled as one message once no part has come for `album_delay` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import PurePath
from typing import Any

from telegram import (BotCommand, BotCommandScopeAllGroupChats, CallbackQuery, Chat, ChatMemberUpdated, Message,
                      Update, User)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ExtBot

from bot.config import Config
from bot.contract import Conversation, locale_of
from bot.http import TelegramWebhook, webhook_path
from bot.inbox import InboxRunner
from bot.notifier.senders import TelegramSender
from bot.replies import Replies
from dialogs import Incoming, IncomingFile, Outgoing
from dialogs.messages import Receipt
from dialogs.texts import Texts
from store import Store, find_protocols, inbox
from store.attachments import ALLOWED as ALLOWED_EXTENSIONS
from store.inbox import InboxItem, Received

from .polling import get_updates, readable
from .render import CHOSEN_DATA, chosen_keyboard, label_of, press_of
from .send import bot_api_request, file_url_for, rate_limiter, send_outgoing

log = logging.getLogger(__name__)

CHANNEL = "telegram"

# Telegram lets bots download files of at most 20 MB (getFile).
MAX_DOWNLOAD_MB = 20
MAX_DOWNLOAD_BYTES = MAX_DOWNLOAD_MB * 1024 * 1024
# Kinds of message we politely decline, checked in this order (a venue also carries a location).
_UNSUPPORTED_KINDS = (
    "voice", "audio", "video_note", "video", "sticker", "animation", "venue", "location",
    "contact", "poll", "dice",
)
_BOT_MENTION = re.compile(r"^(/\w+)@\w+")
# Command menus (setMyCommands), their descriptions in the catalogue as "tg.cmd.<command>".
# Requesters: the words the dialogs understand at any step ("/menu" reads as "menu").
REQUESTER_COMMANDS = ("menu", "ajuda", "voltar", "cancelar")
# Attendants work from group chats (dialogs/attendant.py COMMANDS).
ATTENDANT_COMMANDS = ("fila", "atribuidas", "demanda", "receber", "responder", "solicitar", "solucionar",
                      "buscar", "vincular", "desvincular", "atendimento")


def command_menu(names: tuple[str, ...], locale: str) -> list[BotCommand]:
    t = Texts(locale)
    return [BotCommand(name, t(f"tg.cmd.{name}")) for name in names]


def _is_id(value: object) -> bool:
    # Telegram's chat and user ids are integers; JSON null or a string would become "None" or
    # a chat we cannot write to.
    return isinstance(value, int) and not isinstance(value, bool)


def _malformed(update: Update) -> str | None:
    """What makes a message, an edit or a button press unusable (no sender, or an id that is no
    id), or None. Other kinds of update are left to `_on_update`, which ignores most of them."""
    query = update.callback_query
    message = update.message or update.edited_message
    if query is not None:
        if query.from_user is None or not _is_id(query.from_user.id):
            return "callback query without a valid sender id"
        if query.message is not None and (query.message.chat is None or not _is_id(query.message.chat.id)):
            return "callback query on a message without a valid chat id"
    elif message is not None:
        if message.chat is None or not _is_id(message.chat.id):
            return "message without a valid chat id"
        if message.chat.type == ChatType.CHANNEL:
            return None  # channel posts carry no sender; _on_update ignores them
        if message.from_user is None or not _is_id(message.from_user.id):
            return "message without a valid sender id"
    return None


# --------------------------------------------------------------------------- the adapter


class TelegramChannel:
    """The running Telegram bot. `start()` / `stop()`; in webhook mode, mount `webhook` in the
    aiohttp application (bot.http.create_app) so Telegram's POSTs reach it. `store` keeps the
    inbox and the outbox the replies go through (the one the dialogs work on)."""

    channel = CHANNEL

    def __init__(
        self,
        config: Config,
        dialogs: Conversation,
        store: Store,
        *,
        poll_timeout: float = 10.0,
        album_delay: float = 1.0,
        max_concurrent_updates: int = 64,
        rate_limited: bool = True,
    ) -> None:
        """`rate_limited=False` drops our steady pace of Telegram's 30 messages a second (for
        benchmarks and load tests against a local Bot API server); a 429 still pauses what it
        limits (bot/telegram/limits.py)."""
        if not config.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        if config.telegram_webhook_url and not config.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set")
        self.config = config
        self.dialogs = dialogs
        self.store = store
        self.poll_timeout = poll_timeout
        self.group_quiet = album_delay
        builder = (
            Application.builder()
            .token(config.telegram_bot_token)
            .base_url(config.telegram_api_url)
            .base_file_url(file_url_for(config.telegram_api_url))
            # Updates are fetched (and acknowledged) by us, once they are in the inbox.
            .updater(None)
            .request(bot_api_request())
            .get_updates_request(bot_api_request(connections=1))
        )
        self.application = builder.rate_limiter(rate_limiter(throttle=rate_limited)).build()
        self.runner = InboxRunner(store, [self], concurrency=max_concurrent_updates)
        self._receive = inbox.receiver(store, self.runner.owner, self.runner.lease)
        self.sender = TelegramSender(self.bot)
        self.replies = Replies(store, self.sender, self.runner.owner)
        self._polling: asyncio.Task | None = None
        self._fetched = asyncio.Event()  # set while no fetched batch waits to be written
        self._fetched.set()
        # The updates this process received and starts at once (rows written claimed), as
        # parsed on receipt, by inbox id: their turn does not parse the payload again (0.15 ms,
        # some 3% of a turn's CPU: benchmarks/bench_overhead.py).
        self._parsed: dict[int, Update] = {}

    @property
    def webhook_mode(self) -> bool:
        return bool(self.config.telegram_webhook_url)

    @property
    def bot(self) -> ExtBot:
        return self.application.bot

    @property
    def webhook(self) -> TelegramWebhook:
        """What bot.http needs to serve this bot's webhook."""
        return TelegramWebhook(
            bot=self.bot,
            receive=self.receive,
            secret=self.config.telegram_webhook_secret or "",
            path=webhook_path(self.config.telegram_webhook_url),
        )

    # ----------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        await self.application.initialize()
        await self._register_commands()
        if self.webhook_mode:
            await self.bot.set_webhook(
                self.config.telegram_webhook_url,
                secret_token=self.config.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            # getUpdates refuses to work beside a webhook.
            await self.bot.delete_webhook()
        await self.application.start()
        await self.runner.start()
        if not self.webhook_mode:
            self._polling = asyncio.create_task(self._poll())
        log.info("Telegram bot @%s started (%s)", self.bot.username,
                 "webhook" if self.webhook_mode else "long polling")

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        # What was received is in the inbox: the turns under way finish, the rest waits for the
        # next start (albums included).
        await self.runner.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def drain(self) -> None:
        """Wait until every update received so far has been handled, albums included."""
        await self._fetched.wait()
        await self.runner.idle()

    # ----------------------------------------------------------------------- receiving

    async def receive(self, updates: list[tuple[dict, Update]]) -> None:
        """Write updates to the inbox (duplicates are dropped there); raises if the store cannot
        take them, so that they are not acknowledged."""
        usable: list[tuple[Received, Update]] = []
        for payload, update in updates:
            flaw = _malformed(update)
            if flaw is None:
                usable.append((_received(payload, update), update))
            else:
                # Acknowledged (Telegram would resend it forever otherwise) but never a turn: a
                # chat or a person "None" would be written to the store. Its text is nobody's business.
                log.warning("Ignored Telegram update %s: %s", update.update_id, flaw)
        if usable:
            rows = await self._receive([received for received, _ in usable])
            for row, (_, update) in zip(rows, usable):
                if row is not None and row.taken:
                    self._parsed[row.id] = update
            self.runner.received(rows)

    async def _poll(self) -> None:
        """Long polling: a batch is written to the inbox before the next getUpdates, whose offset
        tells Telegram the batch is ours."""
        offset, pause = None, 0.5
        while True:
            try:
                batch = await get_updates(self.bot, offset, self.poll_timeout)
                if batch:
                    self._fetched.clear()
                    await self.receive(readable(self.bot, batch))
                    offset = max(update_id for update_id, _ in batch) + 1
                pause = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram or the database away: the same batch comes again
                log.warning("Telegram polling: %s; trying again in %.1fs", error.__class__.__name__, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
            finally:
                self._fetched.set()

    async def _register_commands(self) -> None:
        # The menu is a convenience: a Bot API server that refuses it must not stop the bot.
        for names, scope in ((REQUESTER_COMMANDS, None), (ATTENDANT_COMMANDS, BotCommandScopeAllGroupChats())):
            for locale, language in (("pt-BR", None), ("en", "en")):
                try:
                    await self.bot.set_my_commands(command_menu(names, locale), scope=scope,
                                                   language_code=language)
                except TelegramError as error:
                    log.warning("setMyCommands (%s, %s) failed, going on without it: %s",
                                "groups" if scope else "default", language or "default", error)

    # ----------------------------------------------------------------------- turns

    async def process(self, items: list[InboxItem], receipt: Receipt) -> bool:
        """One message from the inbox: an update, or the parts of an album. True when a turn of the
        dialogs took it (and so marked it done)."""
        updates = [self._parsed.pop(item.id, None) or Update.de_json(item.payload, self.bot) for item in items]
        if len(updates) > 1:
            return await self._on_album([update.message for update in updates], receipt)
        update = updates[0]
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type == ChatType.CHANNEL:
            return False
        if update.callback_query is not None:
            return await self._on_press(update.callback_query, receipt)
        if update.message is not None:
            return await self._on_message(update.message, receipt)
        if update.my_chat_member is not None:
            await self._on_bot_status(update.my_chat_member)
            return False
        if update.edited_message is not None:
            await self._say(chat.id, user, "tg.edited")
        return False

    async def _on_message(self, message: Message, receipt: Receipt) -> bool:
        chat, user = message.chat, message.from_user
        await self._remember_replied_push(message)
        if message.text is not None:
            text = _BOT_MENTION.sub(r"\1", message.text)
            return await self._converse(self._incoming(chat, user, message, receipt, text=text))
        if message.document or message.photo:
            file = await self._download(message)
            if file is not None:
                return await self._converse(
                    self._incoming(chat, user, message, receipt, text=message.caption or "", files=(file,)))
        elif message.effective_attachment is not None:
            kind = next((k for k in _UNSUPPORTED_KINDS if getattr(message, k, None)), "other")
            what = Texts(locale_of(user.language_code))(f"tg.kind.{kind}")
            await self._say(chat.id, user, "tg.unsupported", what=what)
        # Service messages (members joining, pinned messages, ...) need no answer.
        return False

    async def _on_bot_status(self, change: ChatMemberUpdated) -> None:
        """The bot unblocked in a private chat, or added back to a group: pushes may go there
        again (a mark of a chat that could not be reached goes, store/outbox.py `mark_chat_gone`)."""
        if change.new_chat_member.status not in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
            return
        chat = change.chat
        async with self.store.transaction() as tx:
            await tx.ensure_chat(CHANNEL, str(chat.id), kind="private" if chat.type == ChatType.PRIVATE else "group",
                                 reachable=True)

    async def _on_album(self, parts: list[Message], receipt: Receipt) -> bool:
        """Telegram delivers an album as one message per file: the dialogs get one `Incoming`
        with every file, so the requester gets one answer per album."""
        first = parts[0]
        files = [file for part in parts if (file := await self._download(part)) is not None]
        if not files:
            return False
        caption = next((part.caption for part in parts if part.caption), "")
        return await self._converse(self._incoming(first.chat, first.from_user, first, receipt,
                                                   text=caption, files=tuple(files)))

    async def _on_press(self, query: CallbackQuery, receipt: Receipt) -> bool:
        """A button press: acknowledge it, show the choice on the keyboard, ask the dialogs.

        The dialogs know which choices are still valid (a press on an old question gets their
        clear "no longer available"); here we only refuse what we cannot act on ourselves."""
        message, user = query.message, query.from_user
        t = Texts(locale_of(user.language_code))
        data = query.data or ""
        if not isinstance(message, Message):
            # Too old for Telegram to send it back: we cannot tell what was pressed.
            await self._answer(query, t("tg.stale"), alert=True)
            return False
        if data == CHOSEN_DATA:
            await self._answer(query, t("tg.chosen"))
            return False
        press = press_of(data)
        label = label_of(message.reply_markup, data)
        polish = [self._answer(query)]
        # A demand's card in the attendants' room keeps its buttons: each attendant may act on it.
        if not self.dialogs.keeps_choices(press.choice):
            # A page turn is not a choice worth showing with a check mark: the next page follows.
            shown = None if label is None or press.turns_page else chosen_keyboard(label)
            polish.append(self._quietly(message.edit_reply_markup(reply_markup=shown)))
        # The spinner stopped and the check mark shown while the turn runs, not before it: two
        # round trips to Telegram that the answer no longer waits for.
        polishing = asyncio.gather(*polish)
        try:
            return await self._converse(self._incoming(message.chat, user, None, receipt, choice=press.choice))
        finally:
            await polishing

    # ----------------------------------------------------------------------- files

    async def _download(self, message: Message) -> IncomingFile | None:
        user = message.from_user
        if message.document:
            document = message.document
            name = document.file_name or f"documento-{document.file_unique_id}"
            file_id, size, content_type = document.file_id, document.file_size, document.mime_type
        else:
            photo = message.photo[-1]  # Telegram lists sizes smallest first
            name = f"foto-{photo.file_unique_id}.jpg"
            file_id, size, content_type = photo.file_id, photo.file_size, "image/jpeg"
        if PurePath(name).suffix.lower().lstrip(".") not in ALLOWED_EXTENSIONS:
            await self._say(message.chat.id, user, "files.refused", name=name)
            return None
        if size is not None and size > MAX_DOWNLOAD_BYTES:
            await self._say(message.chat.id, user, "tg.too_large", name=name, mb=MAX_DOWNLOAD_MB)
            return None
        try:
            telegram_file = await self.bot.get_file(file_id)
            data = await telegram_file.download_as_bytearray()
        except BadRequest as error:
            # A file without a declared size can still turn out too big for getFile.
            reason = "tg.too_large" if "too big" in str(error).lower() else "files.download_failed"
            log.info("Could not download %s: %s", name, error)
            await self._say(message.chat.id, user, reason, name=name, mb=MAX_DOWNLOAD_MB)
            return None
        except TelegramError as error:
            log.warning("Could not download %s: %s", name, error)
            await self._say(message.chat.id, user, "files.download_failed", name=name)
            return None
        return IncomingFile(filename=name, data=bytes(data), content_type=content_type)

    # ----------------------------------------------------------------------- talking

    def _incoming(self, chat: Chat, user: User, message: Message | None, receipt: Receipt,
                  **fields: Any) -> Incoming:
        reply_to = None
        if message is not None and message.reply_to_message is not None:
            replied = message.reply_to_message
            if replied.from_user is not None and replied.from_user.id == self.bot.id:
                reply_to = str(replied.message_id)
        return Incoming(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(user.id),
            user_name=user.full_name,
            locale=locale_of(user.language_code),
            chat_kind="private" if chat.type == ChatType.PRIVATE else "group",
            reply_to=reply_to,
            receipt=receipt,
            **fields,
        )

    async def _converse(self, incoming: Incoming) -> bool:
        return await self.replies.answer(self.dialogs, incoming)

    async def _remember_replied_push(self, message: Message) -> None:
        """A reply to a bot message we did not record as a card (a notifier push, which names its
        demand in its text): note that demand now, so the reply acts on it like a reply to a card."""
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != self.bot.id:
            return
        protocols = set(find_protocols(replied.text or replied.caption or ""))
        if len(protocols) == 1:
            try:
                await self.dialogs.remember_sent(CHANNEL, str(message.chat.id), str(replied.message_id),
                                                 Outgoing(text="", demand=protocols.pop()))
            except Exception:
                # Only this reply loses its shortcut to the demand; the conversation goes on.
                log.exception("Could not remember the push replied to")

    async def _say(self, chat_id: int, user: User, key: str, **values: Any) -> None:
        t = Texts(locale_of(user.language_code))
        await send_outgoing(self.bot, chat_id, Outgoing(t(key, **values)))

    async def _answer(self, query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
        await self._quietly(query.answer(text, show_alert=alert))

    async def _quietly(self, call: Any) -> None:
        # Answering a callback or editing a keyboard only polishes the chat: a refusal
        # ("query is too old", "message is not modified") must not stop the conversation.
        try:
            await call
        except TelegramError as error:
            log.info("Ignored Telegram refusal: %s", error)



def _received(payload: dict, update: Update) -> Received:
    """An update as the inbox keeps it: keyed by its update_id, in the order of its chat."""
    chat, user, message = update.effective_chat, update.effective_user, update.message
    chat_key = str(chat.id) if chat is not None else f"user:{user.id}" if user is not None else ""
    album = message.media_group_id if message is not None and (message.document or message.photo) else None
    return Received(channel=CHANNEL, chat_key=chat_key, update_key=str(update.update_id), payload=payload,
                    group_key=album)

