"""A bot process for the benchmarks: Telegram in webhook mode behind our aiohttp server.

    python -m benchmarks.botproc --mode full|echo --api URL --token T --port P --database URL --secret S

`full` is the service as `python -m bot telegram` runs it in webhook mode (bot.app.open_app: store,
dialogs; bot.service.run_service: the flood guard, TelegramChannel behind bot.http, metrics,
readiness, and the notifier of the channel's own outbox, woken after each turn). `echo` is the floor: the same python-telegram-bot
`Application` and the same webhook endpoint, with a handler that only echoes, as the library comes
(its httpx client); `echo-our-client` is that echo through our Bot API client
(bot/telegram/bot_api_http.py). Prints "ready" once
the webhook listens; stops on SIGTERM.

Both run without python-telegram-bot's rate limiter: it holds every bot to Telegram's 30 messages
a second, which would measure Telegram's quota rather than the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import signal
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, TypeHandler  # noqa: E402

from bot.app import open_app  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.http import TelegramWebhook, create_app, serve  # noqa: E402
from bot.service import run_service  # noqa: E402
from bot.telegram.send import bot_api_request  # noqa: E402

HOOK_PATH = "/telegram/hook"


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, update.callback_query.data or "?")
    elif update.message is not None and update.message.text:
        await context.bot.send_message(update.effective_chat.id, update.message.text)


async def _serve_until_stopped(app, port: int, stop: asyncio.Event) -> None:
    runner = await serve(app, port, host="127.0.0.1")
    print("ready", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def main_async(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.mode in ("echo", "echo-our-client"):
        builder = Application.builder().token(args.token).base_url(args.api).updater(None).concurrent_updates(64)
        if args.mode == "echo-our-client":  # the library's echo, through our Bot API client
            builder = builder.request(bot_api_request())
        application = builder.build()
        application.add_handler(TypeHandler(Update, _echo))
        await application.initialize()
        await application.start()
        try:
            async def enqueue(updates):  # the floor keeps nothing: straight into PTB's queue
                for _, update in updates:
                    await application.update_queue.put(update)

            webhook = TelegramWebhook(application.bot, enqueue, args.secret, HOOK_PATH)
            await _serve_until_stopped(create_app(telegram=webhook), args.port, stop)
        finally:
            await application.stop()
            await application.shutdown()
        return
    config = Config(database_url=args.database, attachments_dir=Path(args.attachments), telegram_bot_token=args.token,
                    telegram_api_url=args.api, telegram_webhook_url=f"http://127.0.0.1:{args.port}{HOOK_PATH}",
                    telegram_webhook_secret=args.secret, http_port=args.port, telegram_rate_limited=False)
    async with open_app(config) as app:
        service = asyncio.create_task(run_service(config, app.dialogs, app.store, channels=["telegram"], stop=stop,
                                                   owns_process=True))
        await _until_ready(args.port, service)
        print("ready", flush=True)
        await service


async def _until_ready(port: int, service: asyncio.Task) -> None:
    """The service answers /readyz once its webhook is registered and its channel started."""
    async with aiohttp.ClientSession() as http:
        while not service.done():
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    await service  # it ended: its error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["full", "echo", "echo-our-client"], required=True)
    parser.add_argument("--api", required=True, help="the Bot API base URL (…/bot)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", default="")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--attachments", default=tempfile.gettempdir())
    parser.add_argument("--profile", help="write cProfile statistics of the whole run to this file")
    args = parser.parse_args()
    if not args.profile:
        asyncio.run(main_async(args))
        return 0
    profiler = cProfile.Profile()
    try:
        profiler.runcall(asyncio.run, main_async(args))
    finally:
        profiler.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
