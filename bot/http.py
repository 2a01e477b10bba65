"""Our HTTP server (aiohttp): health check and the channels' webhooks (Telegram, Teams).

    app = create_app(telegram=channel.webhook, teams=teams_channel.handle_request)
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
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_TELEGRAM_PATH = "/telegram/webhook"
# Telegram's updates are small; a larger body is not one of them.
MAX_BODY_BYTES = 1024 * 1024
# The Bot Framework endpoint; its handler comes from bot.teams, where the SDK imports stay.
TEAMS_PATH = "/api/messages"
TeamsHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class TelegramWebhook:
    application: Application
    secret: str
    path: str = DEFAULT_TELEGRAM_PATH


def webhook_path(webhook_url: str | None) -> str:
    """We serve the webhook on the path of the public URL Telegram is told to call."""
    path = urlsplit(webhook_url or "").path
    return path if path and path != "/" else DEFAULT_TELEGRAM_PATH


def create_app(*, telegram: TelegramWebhook | None = None, teams: TeamsHandler | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_get("/healthz", _healthz)
    if telegram is not None:
        app.router.add_post(telegram.path, _telegram_handler(telegram))
    if teams is not None:
        app.router.add_post(TEAMS_PATH, teams)
    return app


async def serve(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("HTTP server listening on %s:%s", host, port)
    return runner


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _telegram_handler(webhook: TelegramWebhook):
    expected = webhook.secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            log.warning("Telegram webhook call with a wrong or missing secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(await request.read())
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(payload, webhook.application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("Malformed Telegram webhook body: %s", error)
            return web.Response(status=400, text="malformed update")
        # Answer at once; the application processes the queue in the background, per chat in order.
        await webhook.application.update_queue.put(update)
        return web.Response(status=200)

    return handle
