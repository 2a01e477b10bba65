"""A small local server that speaks enough of the Telegram Bot API for end-to-end tests.

It records every call the bot makes (method and decoded parameters, in order), keeps message ids
per chat, serves getUpdates long polls from a queue the test fills (or POSTs updates to the
webhook the bot registered), serves file downloads, and can be told to fail the next calls of a
method (429 with retry_after, 400, 403...) or to leave them hanging, in flight, until released
(`hold`/`release`: a process killed meanwhile never hears the answer).

    api = FakeTelegramAPI()
    await api.start()                      # http://127.0.0.1:<port>/bot<token>/<method>
    replies = await api.chat(1001, channel).says("/start")   # what the bot answered (telegram_chat.py)
    await api.close()
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from aiohttp import ClientSession, web

if TYPE_CHECKING:
    from fakes.telegram_chat import TelegramChat

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "e-CAGE", "username": "ecage_test_bot"}
MAX_BOT_DOWNLOAD = 20 * 1024 * 1024

# PTB posts form fields whose non-string values are JSON-encoded; these are the ones we read back.
_JSON_FIELDS = {
    "reply_markup", "commands", "scope", "allowed_updates", "entities", "link_preview_options",
    "reply_parameters", "media", "caption_entities",
}
_INT = re.compile(r"-?\d+")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # field -> (filename, data)
    at: float = field(default_factory=time.monotonic)  # when the server received it


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None = None  # only calls to this chat fail; None: any call of the method


def plain_text(markup: str) -> str:
    """What a user sees of an HTML-formatted message."""
    return html.unescape(_TAG.sub("", markup))


def buttons_of(markup: dict | None) -> list[list[dict]]:
    return (markup or {}).get("inline_keyboard", [])


class FakeTelegramAPI:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.log: list[str] = []  # human-readable transcript, users and bot interleaved
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.downloads: list[str] = []
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._last_update_id = 0
        self.given: list[dict] = []  # every update, as given to the bot
        self._taken_up_to = 0  # the bot confirmed updates up to here (next getUpdates offset - 1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._messages: dict[tuple[int, int], dict] = {}
        self._files: dict[str, tuple[str, bytes, int]] = {}  # file_id -> (path, data, declared size)
        self._file_ids = itertools.count(1)
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._holds: dict[str, int] = {}  # method -> calls still let through before holding
        self._released = asyncio.Event()
        self.held: list[Call] = []  # calls left hanging by hold(), in order
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.port = 0

    # ------------------------------------------------------------------ server

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_URL would be set to."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._closing = True
        self._released.set()
        await self._notify()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test controls

    def fail_next(self, method: str, times: int = 1, status: int = 429,
                  description: str = "Too Many Requests: retry later", retry_after: int | None = None,
                  chat_id: int | None = None) -> None:
        """Fail the next `times` calls of `method` (only those to `chat_id`, when given)."""
        for _ in range(times):
            self._failures[method].append(_Failure(status, description, retry_after, chat_id))

    def hold(self, method: str, after: int = 0) -> None:
        """Let `after` more calls of `method` through, then leave the next ones hanging (the bot
        gets no answer, as when a request is in flight) until `release()`; then they complete."""
        self._holds[method] = after
        self._released.clear()

    def release(self) -> None:
        self._holds.clear()
        self._released.set()

    def unconfirm(self, update: dict) -> None:
        """Serve `update` again to the next getUpdates without an offset, as Telegram does when the
        bot never confirmed it (it died after fetching it, before asking for the next ones)."""
        self._updates.append(update)
        self._taken_up_to = min(self._taken_up_to, update["update_id"] - 1)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[dict]:
        """Messages the bot sent to a chat (text and documents), as they stand now, in order."""
        return [m for (chat, _), m in sorted(self._messages.items()) if chat == chat_id and m["from"]["is_bot"]]

    def documents_sent_to(self, chat_id: int) -> list[tuple[str, bytes]]:
        """The files the bot uploaded to a chat (sendDocument), as (file name, bytes), in order."""
        return [(m["document"]["file_name"], self._files[m["document"]["file_id"]][1])
                for m in self.sent_to(chat_id) if "document" in m]

    def message(self, chat_id: int, message_id: int) -> dict:
        return self._messages[(chat_id, message_id)]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every call the bot makes)."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting; last calls: {[c.method for c in self.calls[-8:]]}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass
            return result

    # ------------------------------------------------------------------ what users do

    def user(self, user_id: int, first_name: str = "Maria", last_name: str = "Souza",
             language_code: str = "pt-br") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "last_name": last_name,
                "language_code": language_code}

    async def user_says(self, chat_id: int, text: str, *, user: dict | None = None,
                        reply_to: int | None = None) -> dict:
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            extra["reply_to_message"] = self._messages[(chat_id, reply_to)]
        message = self._user_message(chat_id, user, extra)
        self._say(f"{self._name(message['from'])}: {text}")
        await self._enqueue({"message": message})
        return message

    async def user_edits(self, chat_id: int, message_id: int, text: str, *, user: dict | None = None) -> None:
        message = dict(self._messages[(chat_id, message_id)], text=text, edit_date=int(time.time()))
        self._say(f"{self._name(message['from'])} edits #{message_id}: {text}")
        await self._enqueue({"edited_message": message})

    async def bot_status_changes(self, chat_id: int, old: str, new: str, *, user: dict | None = None) -> None:
        """What Telegram sends when a person blocks ("kicked") or unblocks ("member") the bot in a
        private chat, or a group removes or adds it back: a `my_chat_member` update."""
        message = self._user_message(chat_id, user, {})
        self._say(f"{self._name(message['from'])} changes the bot: {old} -> {new}")
        await self._enqueue({"my_chat_member": {
            "chat": message["chat"], "from": message["from"], "date": message["date"],
            "old_chat_member": self._bot_member(old), "new_chat_member": self._bot_member(new)}})

    @staticmethod
    def _bot_member(status: str) -> dict:
        # A ban ("kicked", a private chat's block) says until when: 0 is for ever.
        return {"user": BOT_USER, "status": status, **({"until_date": 0} if status == "kicked" else {})}

    async def user_sends(self, chat_id: int, kind: str, payload: dict, *, user: dict | None = None) -> dict:
        """Any other kind of message: user_sends(1, "voice", {"file_id": ..., "duration": 3})."""
        message = self._user_message(chat_id, user, {kind: payload})
        self._say(f"{self._name(message['from'])} sends a {kind}")
        await self._enqueue({"message": message})
        return message

    async def user_sends_document(self, chat_id: int, filename: str, data: bytes, *,
                                  mime_type: str | None = None, caption: str | None = None,
                                  media_group_id: str | None = None, declared_size: int | None = None,
                                  user: dict | None = None) -> dict:
        file_id, unique_id = self._store_file(f"documents/{filename}", data, declared_size)
        document = {"file_id": file_id, "file_unique_id": unique_id, "file_name": filename,
                    "file_size": declared_size if declared_size is not None else len(data)}
        if mime_type:
            document["mime_type"] = mime_type
        message = self._user_message(chat_id, user, {"document": document, **_sent_with(caption, media_group_id)})
        size = document["file_size"]
        self._say(f"{self._name(message['from'])} sends document {filename} ({size} bytes)"
                  + (f" in album {media_group_id}" if media_group_id else "")
                  + (f" with caption: {caption}" if caption else ""))
        await self._enqueue({"message": message})
        return message

    async def user_sends_photo(self, chat_id: int, data: bytes, *, caption: str | None = None,
                               media_group_id: str | None = None, user: dict | None = None) -> dict:
        thumb_id, thumb_unique = self._store_file(None, data[:64], None)
        file_id, unique_id = self._store_file(None, data, None)
        sizes = [
            {"file_id": thumb_id, "file_unique_id": thumb_unique, "width": 90, "height": 90, "file_size": 64},
            {"file_id": file_id, "file_unique_id": unique_id, "width": 1280, "height": 960,
             "file_size": len(data)},
        ]
        message = self._user_message(chat_id, user, {"photo": sizes, **_sent_with(caption, media_group_id)})
        self._say(f"{self._name(message['from'])} sends a photo ({len(data)} bytes)"
                  + (f" in album {media_group_id}" if media_group_id else ""))
        await self._enqueue({"message": message})
        return message

    async def user_presses(self, chat_id: int, message_id: int, data: str, *, user: dict | None = None) -> str:
        message = self._messages[(chat_id, message_id)]
        sender = user or self._default_user(chat_id)
        query_id = f"q{len(self.log)}"
        label = next((b["text"] for row in buttons_of(message.get("reply_markup")) for b in row
                      if b.get("callback_data") == data), data)
        self._say(f"{self._name(sender)} presses [{label}] on #{message_id}")
        await self._enqueue({"callback_query": {
            "id": query_id, "from": sender, "chat_instance": str(chat_id), "data": data,
            "message": json.loads(json.dumps(message)),
        }})
        return query_id

    async def send_raw_update(self, update: dict) -> None:
        await self._enqueue(update)

    def chat(self, chat_id: int, channel: Any, user: dict | None = None) -> TelegramChat:
        """A person in that chat, talking to `channel` (see tests/fakes/telegram_chat.py)."""
        from fakes.telegram_chat import TelegramChat  # it builds on this module

        return TelegramChat(self, chat_id, channel, user)

    def _default_user(self, chat_id: int) -> dict:
        return self.user(abs(chat_id))

    def _user_message(self, chat_id: int, user: dict | None, extra: dict) -> dict:
        sender = user or self._default_user(chat_id)
        chat = ({"id": chat_id, "type": "private", "first_name": sender["first_name"]} if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": "Atendimento CAGE"})
        message = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                   "chat": chat, "from": sender, **extra}
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _store_file(self, path: str | None, data: bytes, declared_size: int | None) -> tuple[str, str]:
        """Keep a file users sent; `path` None names it after its id, as Telegram does for photos."""
        number = next(self._file_ids)
        file_id = f"FILE{number}"
        path = path or f"photos/{file_id}.jpg"
        self._files[file_id] = (path, data, declared_size if declared_size is not None else len(data))
        return file_id, f"U{number}"

    async def taken(self, timeout: float = 5.0) -> None:
        """Wait until the bot has fetched every update given so far (it asks for the next ones,
        or the webhook answered), so its Application holds them in its update queue."""
        await self.wait_for(lambda: self._taken_up_to >= self._last_update_id, timeout)

    async def _enqueue(self, update: dict) -> None:
        update = {"update_id": next(self._update_ids), **update}
        self._last_update_id = update["update_id"]
        self.given.append(update)
        if self.webhook:
            # As Telegram does: POST each update to the registered URL with the secret header.
            self._session = self._session or ClientSession()
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            async with self._session.post(self.webhook["url"], json=update, headers=headers) as response:
                self.webhook_statuses.append(response.status)
            self._taken_up_to = update["update_id"]
            return
        self._updates.append(update)
        await self._notify()

    # ------------------------------------------------------------------ the Bot API

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        await self._notify()
        if method in self._holds:
            if self._holds[method] > 0:
                self._holds[method] -= 1
            else:
                self.held.append(call)
                await self._notify()
                await self._released.wait()
        failures = self._failures.get(method)
        failure = next((f for f in failures or () if f.chat_id is None or str(f.chat_id) == str(params.get("chat_id"))),
                       None)
        if failure is not None:
            failures.remove(failure)
            return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = await handler(params, files)
        except _ApiError as error:
            return _error(400, error.description)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for file_path, data, _ in self._files.values():
            if file_path == path:
                self.downloads.append(path)
                self._say(f"bot downloads {path} ({len(data)} bytes)")
                return web.Response(body=data)
        return web.Response(status=404)

    async def _m_getMe(self, params, files):
        self._say("bot asks who it is (getMe)")
        return BOT_USER

    async def _m_getUpdates(self, params, files):
        offset = int(params.get("offset") or 0)
        self._taken_up_to = max(self._taken_up_to, offset - 1)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        async with self._changed:
            while not self._updates and not self._closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        return self._updates[: int(params.get("limit") or 100)]

    async def _m_sendMessage(self, params, files):
        message = self._bot_message(params, {"text": plain_text(str(params["text"])), "html": str(params["text"])})
        self._say(f"bot #{message['message_id']}: {message['text']}" + _keyboard_line(message))
        return _public(message)

    async def _m_sendDocument(self, params, files):
        filename, data = files.get("document", ("?", b""))
        file_id = f"SENT{next(self._file_ids)}"
        self._files[file_id] = (f"documents/{filename}", data, len(data))  # the upload, as it arrived
        document = {"file_id": file_id, "file_unique_id": "S", "file_name": filename,
                    "file_size": len(data)}
        message = self._bot_message(params, {"document": document})
        self._say(f"bot #{message['message_id']} sends document {filename} ({len(data)} bytes)")
        return _public(message)

    async def _m_editMessageText(self, params, files):
        message = self._find(params)
        message.update(text=plain_text(str(params["text"])), html=str(params["text"]))
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._say(f"bot edits #{message['message_id']}: {message['text']}" + _keyboard_line(message))
        return _public(message)

    async def _m_editMessageReplyMarkup(self, params, files):
        message = self._find(params)
        new = params.get("reply_markup") or None
        if buttons_of(new) == buttons_of(message.get("reply_markup")):
            raise _ApiError("Bad Request: message is not modified")
        if new:
            message["reply_markup"] = new
        else:
            message.pop("reply_markup", None)
        self._say(f"bot edits the keyboard of #{message['message_id']}:" + (_keyboard_line(message) or " (removed)"))
        return _public(message)

    async def _m_answerCallbackQuery(self, params, files):
        text = params.get("text")
        self._say("bot answers the press" + (f" ({'alert' if params.get('show_alert') else 'toast'}): {text}"
                                             if text else ""))
        return True

    async def _m_getFile(self, params, files):
        file_id = params["file_id"]
        if file_id not in self._files:
            raise _ApiError("Bad Request: invalid file_id")
        path, data, size = self._files[file_id]
        self._say(f"bot asks for file {file_id} (getFile)")
        if size > MAX_BOT_DOWNLOAD:
            raise _ApiError("Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_size": size, "file_path": path}

    async def _m_setMyCommands(self, params, files):
        commands = " ".join(f"/{c['command']}" for c in params.get("commands", []))
        self._say(f"bot sets its command menu ({params.get('language_code', 'default')}): {commands}")
        return True

    async def _m_setWebhook(self, params, files):
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        self._say(f"bot sets its webhook: {params['url']}")
        return True

    async def _m_deleteWebhook(self, params, files):
        self.webhook = None
        self._say("bot deletes any webhook (to poll with getUpdates)")
        return True

    def _bot_message(self, params: dict, content: dict) -> dict:
        chat_id = int(params["chat_id"])
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()), "chat": chat,
                   "from": BOT_USER, **content}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _find(self, params: dict) -> dict:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self._messages:
            raise _ApiError("Bad Request: message to edit not found")
        return self._messages[key]

    def _say(self, line: str) -> None:
        self.log.append(line)

    @staticmethod
    def _name(user: dict) -> str:
        return user["first_name"]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


class _ApiError(Exception):
    def __init__(self, description: str) -> None:
        self.description = description


def _sent_with(caption: str | None, media_group_id: str | None) -> dict[str, str]:
    """The optional fields of a file a user sends: its caption and its album."""
    fields = {"caption": caption, "media_group_id": media_group_id}
    return {key: value for key, value in fields.items() if value}


def _public(message: dict) -> dict:
    return {k: v for k, v in message.items() if k != "html"}


def _keyboard_line(message: dict) -> str:
    rows = buttons_of(message.get("reply_markup"))
    if not rows:
        return ""
    return "\n    " + "\n    ".join(" ".join(f"[{b['text']}]" for b in row) for row in rows)


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    files: dict[str, tuple[str, bytes]] = {}
    raw: dict[str, Any] = {}
    if request.content_type == "application/json":
        return await request.json(), files
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.filename:
                files[part.name] = (part.filename, bytes(await part.read()))
            else:
                raw[part.name] = await part.text()
    elif request.can_read_body:
        raw = dict(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS:
            value = json.loads(value)
        elif value in ("true", "false"):
            value = value == "true"
        elif _INT.fullmatch(value) and key != "text":
            value = int(value)
        params[key] = value
    return params, files
