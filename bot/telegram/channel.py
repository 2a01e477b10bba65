"""The Telegram adapter: a python-telegram-bot `Application` that turns updates into `Incoming`,
asks the dialogs, and renders the replies.

Updates of one chat are handled one after another (a lock per chat); different chats run
concurrently. The conversation state lives in the database (the dialogs own it); the adapter
keeps in memory only an album being collected, for a second.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, CallbackQuery, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, ExtBot, TypeHandler

from bot.channels import ChatLocks
from bot.config import Config
from bot.contract import Conversation, locale_of
from bot.http import TelegramWebhook, webhook_path
from dialogs import Incoming, IncomingFile, Outgoing
from dialogs.texts import Texts
from store import find_protocols
from store.attachments import ALLOWED as ALLOWED_EXTENSIONS

from .render import CHOSEN_DATA, chosen_keyboard, label_of, press_of
from .send import file_url_for, rate_limiter, send_outgoing

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
                      "vincular", "desvincular", "atendimento")


def command_menu(names: tuple[str, ...], locale: str) -> list[BotCommand]:
    t = Texts(locale)
    return [BotCommand(name, t(f"tg.cmd.{name}")) for name in names]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """PTB runs updates concurrently; this keeps the updates of one chat in arrival order.

    PTB starts one task per update in arrival order and asyncio locks are fair (FIFO), so
    waiting on the chat's lock preserves the order."""

    def __init__(self, locks: ChatLocks, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = locks

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self.locks.hold(chat.id if chat else None):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


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


# --------------------------------------------------------------------------- albums


@dataclass
class _Album:
    group_id: str
    incoming: Incoming
    files: list[IncomingFile] = field(default_factory=list)
    timer: asyncio.Task | None = None


# --------------------------------------------------------------------------- the adapter


class TelegramChannel:
    """The running Telegram bot. `start()` / `stop()`; in webhook mode, mount `webhook` in the
    aiohttp application (bot.http.create_app) so Telegram's POSTs reach it."""

    def __init__(
        self,
        config: Config,
        dialogs: Conversation,
        *,
        poll_timeout: float = 10.0,
        album_delay: float = 1.0,
        max_concurrent_updates: int = 64,
        rate_limited: bool = True,
    ) -> None:
        """`rate_limited=False` drops python-telegram-bot's limiter (Telegram's 30 messages a
        second), for benchmarks and load tests against a local Bot API server."""
        if not config.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        if config.telegram_webhook_url and not config.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set")
        self.config = config
        self.dialogs = dialogs
        self.poll_timeout = poll_timeout
        self.album_delay = album_delay
        self.locks = ChatLocks()
        self._albums: dict[int, _Album] = {}
        self._album_tasks: set[asyncio.Task] = set()
        builder = (
            Application.builder()
            .token(config.telegram_bot_token)
            .base_url(config.telegram_api_url)
            .base_file_url(file_url_for(config.telegram_api_url))
            .concurrent_updates(PerChatUpdateProcessor(self.locks, max_concurrent_updates))
        )
        if rate_limited:
            builder = builder.rate_limiter(rate_limiter())
        if self.webhook_mode:
            # Our own aiohttp server receives the updates; PTB's updater would start a second one.
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

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
            application=self.application,
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
        await self.application.start()
        if not self.webhook_mode:
            # start_polling deletes any webhook first, as getUpdates refuses to work beside one.
            await self.application.updater.start_polling(
                timeout=self.poll_timeout, allowed_updates=Update.ALL_TYPES
            )
        log.info("Telegram bot @%s started (%s)", self.bot.username,
                 "webhook" if self.webhook_mode else "long polling")

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.update_queue.join()
            # Albums still waiting for more parts are handled now rather than lost.
            for chat_id in list(self._albums):
                async with self.locks.hold(chat_id):
                    await self._flush_album(chat_id)
            await self.drain()
            await self.application.stop()
        await self.application.shutdown()

    async def drain(self) -> None:
        """Wait until every update received so far has been handled, albums included."""
        await self.application.update_queue.join()
        while self._album_tasks:
            await asyncio.gather(*self._album_tasks, return_exceptions=True)

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

    # ----------------------------------------------------------------------- updates

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        flaw = _malformed(update)
        if flaw is not None:
            # Acknowledged (Telegram would resend it forever otherwise) but never a turn: a chat
            # or a person "None" would be written to the store. Its text is nobody's business.
            log.warning("Ignored Telegram update %s: %s", update.update_id, flaw)
            return
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type == ChatType.CHANNEL:
            return
        message = update.message
        if message is not None and message.media_group_id and (message.document or message.photo):
            await self._add_to_album(message)
            return
        # Anything else from this chat comes after the album being collected.
        await self._flush_album(chat.id)
        if update.callback_query is not None:
            await self._on_press(update.callback_query)
        elif message is not None:
            await self._on_message(message)
        elif update.edited_message is not None:
            await self._say(chat.id, user, "tg.edited")

    async def _on_message(self, message: Message) -> None:
        chat, user = message.chat, message.from_user
        if user is None:
            return
        await self._remember_replied_push(message)
        if message.text is not None:
            text = _BOT_MENTION.sub(r"\1", message.text)
            await self._converse(self._incoming(chat, user, message, text=text))
        elif message.document or message.photo:
            file = await self._download(message)
            if file is not None:
                incoming = self._incoming(chat, user, message, text=message.caption or "", files=(file,))
                await self._converse(incoming)
        elif message.effective_attachment is not None:
            kind = next((k for k in _UNSUPPORTED_KINDS if getattr(message, k, None)), "other")
            what = Texts(locale_of(user.language_code))(f"tg.kind.{kind}")
            await self._say(chat.id, user, "tg.unsupported", what=what)
        # Service messages (members joining, pinned messages, ...) need no answer.

    async def _on_press(self, query: CallbackQuery) -> None:
        """A button press: acknowledge it, show the choice on the keyboard, ask the dialogs.

        The dialogs know which choices are still valid (a press on an old question gets their
        clear "no longer available"); here we only refuse what we cannot act on ourselves."""
        message, user = query.message, query.from_user
        t = Texts(locale_of(user.language_code))
        data = query.data or ""
        if not isinstance(message, Message):
            # Too old for Telegram to send it back: we cannot tell what was pressed.
            await self._answer(query, t("tg.stale"), alert=True)
            return
        if data == CHOSEN_DATA:
            await self._answer(query, t("tg.chosen"))
            return
        press = press_of(data)
        label = label_of(message.reply_markup, data)
        await self._answer(query)
        # A demand's card in the attendants' room keeps its buttons: each attendant may act on it.
        if not self.dialogs.keeps_choices(press.choice):
            # A page turn is not a choice worth showing with a check mark: the next page follows.
            shown = None if label is None or press.turns_page else chosen_keyboard(label)
            await self._quietly(message.edit_reply_markup(reply_markup=shown))
        await self._converse(self._incoming(message.chat, user, None, choice=press.choice))

    # ----------------------------------------------------------------------- albums

    async def _add_to_album(self, message: Message) -> None:
        """Telegram delivers an album as one message per file; collect them and hand the dialogs
        one `Incoming` with every file, so the requester gets one answer per album."""
        chat, user = message.chat, message.from_user
        album = self._albums.get(chat.id)
        if album is not None and album.group_id != message.media_group_id:
            await self._flush_album(chat.id)
            album = None
        if album is None:
            album = _Album(message.media_group_id, self._incoming(chat, user, message))
            self._albums[chat.id] = album
        if message.caption and not album.incoming.text:
            album.incoming = dataclasses.replace(album.incoming, text=message.caption)
        file = await self._download(message)
        if file is not None:
            album.files.append(file)
        if album.timer is not None:
            album.timer.cancel()
        album.timer = asyncio.create_task(self._flush_album_later(chat.id, album))
        self._album_tasks.add(album.timer)
        album.timer.add_done_callback(self._album_tasks.discard)

    async def _flush_album_later(self, chat_id: int, album: _Album) -> None:
        await asyncio.sleep(self.album_delay)
        async with self.locks.hold(chat_id):
            if self._albums.get(chat_id) is album:
                album.timer = None  # we are the timer: do not cancel ourselves
                await self._flush_album(chat_id)

    async def _flush_album(self, chat_id: int) -> None:
        album = self._albums.pop(chat_id, None)
        if album is None:
            return
        if album.timer is not None:
            album.timer.cancel()
        if album.files:
            await self._converse(dataclasses.replace(album.incoming, files=tuple(album.files)))

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

    def _incoming(self, chat: Chat, user: User, message: Message | None, **fields: Any) -> Incoming:
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
            **fields,
        )

    async def _converse(self, incoming: Incoming) -> None:
        try:
            replies = await self.dialogs.handle(incoming)
        except Exception:
            log.exception("The dialogs failed on %s", incoming.text or incoming.choice or "a file")
            replies = [Outgoing(Texts(incoming.locale)("tg.error"))]
        chat_id = int(incoming.chat_id)
        for reply in replies:
            sent = await send_outgoing(self.bot, chat_id, reply, locale=incoming.locale)
            await self._remember_card(incoming.chat_id, reply, sent)

    async def _remember_replied_push(self, message: Message) -> None:
        """A reply to a bot message we did not record as a card (a notifier push, which names its
        demand in its text): note that demand now, so the reply acts on it like a reply to a card."""
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != self.bot.id:
            return
        protocols = set(find_protocols(replied.text or replied.caption or ""))
        if len(protocols) == 1:
            protocol = protocols.pop()
            # The card names it too while Dialogs.remember_sent reads only cards.
            push = Outgoing(text="", demand=protocol)
            await self._remember_card(str(message.chat.id), push, [replied])

    async def _remember_card(self, chat_id: str, reply: Outgoing, sent: list[Message]) -> None:
        """Let the dialogs note which demand a message shows, so a reply to it acts on that demand."""
        if not reply.demand:
            return
        try:
            for message in sent:
                await self.dialogs.remember_sent(CHANNEL, chat_id, str(message.message_id), reply)
        except Exception:
            # Only replies to this card lose their shortcut; the conversation goes on.
            log.exception("Could not remember the card of %s", reply.demand)

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

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Error while handling a Telegram update", exc_info=context.error)

