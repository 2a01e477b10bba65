"""The running service's shared parts: the store opened from the configuration and the dialogs over it.

Every channel (shell, Telegram, Teams) starts from here, so they all talk to the same store.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from bot.config import Config
from dialogs import Dialogs
from dialogs.identity import Verification
from store import Store
from taxonomy import default_taxonomy


@dataclass(frozen=True)
class App:
    config: Config
    store: Store
    dialogs: Dialogs


@asynccontextmanager
async def open_app(config: Config | None = None) -> AsyncIterator[App]:
    """Open the store (migrating the database to the current schema) and build the dialogs."""
    config = config or Config.from_env()
    store = await Store.open(config.database_url, attachments_dir=config.attachments_dir, migrate=True)
    try:
        yield App(config=config, store=store, dialogs=Dialogs(store, default_taxonomy(), db_retry_s=config.db_retry_s,
                                                                 attention_after_h=config.attention_after_h,
                                                                 verification=verification_of(config)))
    finally:
        await store.close()


def verification_of(config: Config) -> Verification:
    """How people prove who they are, as configured: sign-in with the provider, else e-mail codes."""
    from bot.signin import PATH

    configured = config.oidc_enabled or config.email_codes_enabled
    return Verification(
        sign_in_base=config.public_url.rstrip("/") + PATH if config.oidc_enabled else None,
        email_domains=config.email_domains if config.email_codes_enabled else (),
        required=configured if config.require_verified is None else config.require_verified and configured)
