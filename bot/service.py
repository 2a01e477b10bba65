"""The running service: the configured chat channels on one HTTP server, and the notifier.

`python -m bot` runs everything that is configured in one process; `python -m bot telegram`,
`teams` and `notifier` run one part each. Either way it is this one runner, so a channel behaves
the same alone or together with the others.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Collection
from contextlib import AsyncExitStack

from bot.channels import stop_on_signals
from bot.config import Config
from bot.contract import Conversation
from bot.flood import FloodGuard
from bot.http import create_app, serve
from bot.metrics import Metrics
from bot.readiness import Readiness
from store import Store

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "teams")


def configured_channels(config: Config) -> list[str]:
    enabled = {"telegram": config.telegram_enabled, "teams": bool(config.microsoft_app_id)}
    return [channel for channel in CHANNELS if enabled[channel]]


async def run_service(config: Config, dialogs: Conversation | None, store: Store | None, *,
                      channels: Collection[str] = (), notifier: bool = False,
                      stop: asyncio.Event | None = None, notifier_options: dict | None = None,
                      owns_process: bool = False) -> None:
    """Serve `channels` with `dialogs` and, when `notifier`, deliver the outbox of `store`,
    until `stop` is set (by default: until SIGINT or SIGTERM). `notifier_options` go to the
    `Notifier` (the fault tests' short leases and pretended schedule). `owns_process`: this
    service is what the process is for (`python -m bot`), so what it loaded is settled once up."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels: {sorted(unknown)}")
    if stop is None:
        stop = stop_on_signals()
    if dialogs is not None:
        # Chats on the network get the per-person flood limit; the local shell does not.
        dialogs = FloodGuard(dialogs)
    # The service's own registry: two services in one process (tests) count apart.
    metrics = Metrics(store)
    async with AsyncExitStack() as stack:
        telegram = teams = None
        if "teams" in channels:
            from bot.teams import TeamsChannel

            teams = _counted(TeamsChannel(config, dialogs, store), metrics)
            await teams.start()
            stack.push_async_callback(teams.close)
        if "telegram" in channels:
            from bot.telegram import TelegramChannel

            telegram = _counted(TelegramChannel(config, dialogs, store, rate_limited=config.telegram_rate_limited),
                                metrics)
            # Pushed before the HTTP server's cleanup, so the server stops first and Telegram
            # then finishes the updates already received.
            stack.push_async_callback(telegram.stop)
        webhook = telegram.webhook if telegram is not None and telegram.webhook_mode else None
        signin = _signin(config, store) if channels else None
        readiness = None
        if webhook is not None or teams is not None or signin is not None:
            readiness = Readiness(store)
            from bot.downloads import FileLinks

            runner = await serve(create_app(telegram=webhook, teams=teams.handle_request if teams else None,
                                            metrics=metrics, readiness=readiness, signin=signin,
                                            downloads=FileLinks.from_config(config)), config.http_port)
            stack.push_async_callback(runner.cleanup)
        if telegram is not None:
            await telegram.start()  # after serve(): Telegram's first webhook call must find us listening
        served = [channel for channel in (telegram, teams) if channel is not None]
        if readiness is not None:
            readiness.channels_started = True
        if owns_process:
            settle_memory()
        if served or notifier:
            # A channel's process delivers its own outbox too: the replies a crash or a refusal
            # left behind, and the pushes of its turns at once (woken after each turn).
            from bot.notifier import Notifier
            from bot.notifier.scheduled import Schedule
            from bot.notifier.senders import open_senders

            senders = {channel.channel: channel.sender for channel in served}
            if notifier:
                for name, sender in (await open_senders(config, stack)).items():
                    senders.setdefault(name, sender)
                if not senders:
                    log.warning("notifier: no channel to deliver to is configured (Telegram, Teams, e-mail)")
            # Alone in its process (`python -m bot notifier`), the turns it delivers commit elsewhere.
            options = {"schedule": Schedule.from_config(config), "watch_wal": not served, **(notifier_options or {})}
            delivery = Notifier(store, senders, metrics=metrics, **options)
            for channel in served:
                channel.runner.on_done = delivery.wake.set
            delivering = asyncio.create_task(delivery.run(stop))
            stack.push_async_callback(lambda: delivering)
        await stop.wait()


def settle_memory() -> None:
    """Everything loaded at start-up (Anexo I, the libraries, the statements) lives as long as the
    process: moved out of the collector's sight, a full collection walks only what turns made since.
    Without it each full collection walked some 160,000 objects, a 55-85 ms pause of every turn
    under way (measured on the 2-core machine). Never in a process that runs services one after
    another (the tests): what is frozen is never collected."""
    gc.collect()
    gc.freeze()


def _signin(config: Config, store: Store):
    """The browser's way back from the OpenID provider, when one is configured; else the one line
    saying how far the chats' identities can be trusted."""
    if not config.oidc_enabled:
        if not config.email_codes_enabled:
            log.warning("identities are unverified: configure ECAGE_OIDC_* with ECAGE_PUBLIC_URL, or "
                        "ECAGE_SMTP_URL with ECAGE_EMAIL_DOMAINS, so that people prove who they are")
        return None
    from bot.signin import Provider, SignIn

    return SignIn(Provider(config.oidc_issuer, config.oidc_client_id, config.oidc_client_secret,
                           config.public_url), store)


def _counted(channel, metrics: Metrics):
    """The channel's turns and replies counted into the service's metrics, from its first turn."""
    channel.runner.metrics = channel.replies.metrics = metrics
    return channel
