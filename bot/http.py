"""Our HTTP server (aiohttp): liveness, readiness and metrics, the channels' webhooks
(Telegram, Teams), the browser's sign-in with the OpenID provider (bot/signin.py), and the
signed download links of attachments (bot/downloads.py).

    app = create_app(telegram=channel.webhook, teams=teams_channel.handle_request,
                     metrics=metrics, readiness=readiness)
    runner = await serve(app, port=config.http_port)
    ...
    await runner.cleanup()
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.metrics import CONTENT_TYPE_LATEST, Metrics
from bot.readiness import OK, Readiness

log = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_TELEGRAM_PATH = "/telegram/webhook"
# Telegram's updates are small (files travel apart, by file_id); a larger body is not one of them.
MAX_BODY_BYTES = 1024 * 1024
# The Bot Framework endpoint; its handler comes from bot.teams, where the SDK imports stay.
TEAMS_PATH = "/api/messages"
# Teams activities may carry small inline attachments (pasted images as data URLs): more room.
MAX_TEAMS_BODY_BYTES = 4 * 1024 * 1024
TeamsHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class TelegramWebhook:
    bot: Bot
    # Writes updates durably (the channel's inbox); raises when it cannot, and then the update is
    # not acknowledged: Telegram sends it again.
    receive: Callable[[list[tuple[dict, Update]]], Awaitable[None]]
    secret: str
    path: str = DEFAULT_TELEGRAM_PATH


def webhook_path(webhook_url: str | None) -> str:
    """We serve the webhook on the path of the public URL Telegram is told to call."""
    path = urlsplit(webhook_url or "").path
    return path if path and path != "/" else DEFAULT_TELEGRAM_PATH


def create_app(*, telegram: TelegramWebhook | None = None, teams: TeamsHandler | None = None,
               metrics: Metrics | None = None, readiness: Readiness | None = None,
               signin: Any = None, downloads: Any = None) -> web.Application:
    # aiohttp stops reading any body past client_max_size (413); _limit_bodies refuses earlier and
    # per endpoint. The webhook also reads its body with its own, smaller bound (chunked bodies).
    app = web.Application(client_max_size=MAX_TEAMS_BODY_BYTES, middlewares=[_limit_bodies])
    app.router.add_get("/healthz", _healthz)
    if metrics is not None:
        app.router.add_get("/metrics", _metrics_handler(metrics))
    if readiness is not None:
        app.router.add_get("/readyz", _readyz_handler(readiness))
    if telegram is not None:
        app.router.add_post(telegram.path, _telegram_handler(telegram))
    if teams is not None:
        app.router.add_post(TEAMS_PATH, teams)
    if signin is not None:
        signin.add_routes(app.router)
    if downloads is not None:  # bot/downloads.py: the signed links of Teams' file cards
        downloads.add_routes(app.router)
    return app


@web.middleware
async def _limit_bodies(request: web.Request, handler):
    """Refuse a body announced as too large before reading any of it, and answer hostile JSON
    nesting (which Python's parser refuses with RecursionError) with a 400 rather than a 500."""
    limit = MAX_TEAMS_BODY_BYTES if request.path == TEAMS_PATH else MAX_BODY_BYTES
    if request.content_length is not None and request.content_length > limit:
        log.warning("Refused a %s-byte body on %s from %s", request.content_length, request.path, request.remote)
        return _too_large(limit)
    try:
        if request.path == TEAMS_PATH and request.method == "POST" and not await _teams_body_well_typed(request):
            return web.Response(status=400, text="activity with a field of the wrong type")
        return await handler(request)
    except RecursionError:
        log.warning("Refused a too deeply nested body on %s from %s", request.path, request.remote)
        return web.Response(status=400, text="body nested too deeply")


async def _teams_body_well_typed(request: web.Request) -> bool:
    """False for an activity with a field of the wrong type; anything that is not even a JSON
    object is left to the Teams handler, which has its own answers. aiohttp keeps the body read
    here for the handler."""
    try:
        payload = json.loads(await request.read())
    except ValueError:
        return True
    try:
        _check_types(payload, _TEAMS_TYPES, _TEAMS_OPAQUE)
    except TypeError as error:
        log.warning("Refused an activity on %s from %s: %s", request.path, request.remote, error)
        return False
    return True


def _too_large(limit: int) -> web.Response:
    # The rest of the body is left unread: close the connection rather than keep it alive.
    return web.Response(status=413, text=f"body larger than {limit} bytes", headers={"Connection": "close"})


async def _read_limited(request: web.Request, limit: int) -> bytes | None:
    """The body, or None once it grows past `limit` (a chunked body announces no length)."""
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def serve(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("HTTP server listening on %s:%s", host, port)
    return runner


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _metrics_handler(metrics: Metrics):
    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=await metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handle


def _readyz_handler(readiness: Readiness):
    async def handle(request: web.Request) -> web.Response:
        checks = await readiness.checks()
        ready = all(result == OK for result in checks.values())
        return web.json_response({"status": "ready" if ready else "unready", "checks": checks},
                                 status=200 if ready else 503)

    return handle


# The SDKs build objects from whatever JSON they get; a field of the wrong type would only fail
# later, deep in the channel, as a 500 or with no answer to anyone. Both protocols keep one type
# per field name wherever it appears, so checking the fields the channels read, by name, refuses
# such a body up front with a 400.
_TELEGRAM_TYPES: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(("update_id", "message_id", "date", "edit_date", "file_size", "width", "height",
                     "offset", "length"), int),
    **dict.fromkeys(("text", "caption", "data", "language_code", "first_name", "last_name", "username",
                     "title", "type", "media_group_id", "file_id", "file_unique_id", "file_name",
                     "mime_type", "chat_instance"), str),
    **dict.fromkeys(("message", "edited_message", "callback_query", "chat", "from", "reply_to_message",
                     "document", "reply_markup"), dict),
    **dict.fromkeys(("photo", "entities", "caption_entities"), list),
    "id": (int, str),  # users and chats have numbers, callback queries strings
    "is_bot": bool,
}
_TEAMS_TYPES: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(("id", "type", "name", "text", "textFormat", "serviceUrl", "channelId", "locale",
                     "replyToId", "conversationType", "tenantId", "aadObjectId", "contentType",
                     "contentUrl", "timestamp"), str),
    **dict.fromkeys(("from", "conversation", "recipient", "channelData", "tenant", "mentioned"), dict),
    **dict.fromkeys(("attachments", "entities", "membersAdded", "membersRemoved"), list),
    "isGroup": bool,
}
# What a person typed into a card, and the cards themselves, are free-form.
_TEAMS_OPAQUE = frozenset({"value", "content"})


def _check_types(value: object, types: dict, opaque: frozenset = frozenset()) -> None:
    """Raise TypeError on the first field whose JSON type is not the one its name always has."""
    if isinstance(value, list):
        for item in value:
            _check_types(item, types, opaque)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name in opaque:
                continue
            expected = types.get(name)
            wrong_bool = isinstance(item, bool) and expected is not bool  # an int to Python, not to JSON
            if expected is not None and item is not None and (wrong_bool or not isinstance(item, expected)):
                raise TypeError(f"{name} is a {type(item).__name__}")
            _check_types(item, types, opaque)


def _telegram_handler(webhook: TelegramWebhook):
    expected = webhook.secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            log.warning("Telegram webhook call with a wrong or missing secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        body = await _read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return _too_large(MAX_BODY_BYTES)
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                raise ValueError("not an update")
            _check_types(payload, _TELEGRAM_TYPES)
            update = Update.de_json(payload, webhook.bot)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as error:
            log.warning("Malformed Telegram webhook body: %s", error)
            return web.Response(status=400, text="malformed update")
        try:
            await webhook.receive([(payload, update)])
        except Exception as error:  # the database away: not acknowledged, Telegram tries again
            log.warning("Could not store Telegram update %s (%s)", update.update_id, error.__class__.__name__)
            return web.Response(status=503, text="try again later")
        # Stored: acknowledged now; the turn is taken from the inbox, per chat in order.
        return web.Response(status=200)

    return handle
