"""Configuration of the running service, read once from environment variables.

Every variable is documented in the README; this is the only place that reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from store.aging import DEFAULT_ATTENTION_AFTER_H
from store.retrying import DEFAULT_RETRY_S as DEFAULT_DB_RETRY_S

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///ecage.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"
LOG_FORMATS = ("text", "json")
DEFAULT_DIGEST_AT = time(8, 30)


@dataclass(frozen=True)
class LogSettings:
    """ECAGE_LOG_FORMAT and ECAGE_LOG_LEVEL, read apart from the rest and never refused: logging
    is set up first, so that what is wrong with the rest of the configuration is logged in it."""

    format: str = "text"
    level: str = "WARNING"
    # What was set but not understood, for bot/logs.py to say once logging works.
    unknown: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LogSettings:
        env = os.environ if env is None else env
        log_format = env.get("ECAGE_LOG_FORMAT", "").strip().lower() or cls.format
        level = env.get("ECAGE_LOG_LEVEL", "").strip().upper() or cls.level
        unknown = []
        if log_format not in LOG_FORMATS:
            unknown.append(f"ECAGE_LOG_FORMAT={log_format!r} (text or json)")
            log_format = cls.format
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            unknown.append(f"ECAGE_LOG_LEVEL={level!r} (DEBUG, INFO, WARNING or ERROR)")
            level = cls.level
        return cls(format=log_format, level=level, unknown=tuple(unknown))


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    attachments_dir: Path = Path("attachments")
    telegram_bot_token: str | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # python-telegram-bot's own throttle (30 messages a second in all); off against a local Bot
    # API server in tests and benchmarks. Telegram's 429s are retried by the sender either way.
    telegram_rate_limited: bool = True
    http_port: int = 3978
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    microsoft_app_type: str | None = None
    smtp_url: str | None = None
    # Sign-in with an OpenID provider (gov.br): all four, or none.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    public_url: str | None = None
    # Institutional e-mail domains (subdomains included) for e-mail codes, when there is no provider.
    email_domains: tuple[str, ...] = ()
    # None: required whenever a way to verify is configured.
    require_verified: bool | None = None
    # How long a turn waits for a database that blinks before it is left for later.
    db_retry_s: float = DEFAULT_DB_RETRY_S
    # Working hours a demand may wait for CAGE before /fila flags it and the rooms hear of it.
    attention_after_h: float = DEFAULT_ATTENTION_AFTER_H
    # When the attendants' rooms get the daily digest, Porto Alegre's time, on working days.
    digest_at: time = DEFAULT_DIGEST_AT

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret and self.public_url)

    @property
    def links_base_url(self) -> str:
        """Where people's browsers reach our HTTP server: the download links of Teams' file cards
        (bot/downloads.py). Without ECAGE_PUBLIC_URL, this machine's port: local testing only."""
        return (self.public_url or f"http://127.0.0.1:{self.http_port}").rstrip("/")

    @property
    def email_codes_enabled(self) -> bool:
        return bool(self.smtp_url and self.email_domains) and not self.oidc_enabled

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            database_url=get("ECAGE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            attachments_dir=Path(get("ECAGE_ATTACHMENTS_DIR") or "attachments"),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_url=get("TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL,
            telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            telegram_rate_limited=(get("TELEGRAM_RATE_LIMIT") or "on").lower() not in ("off", "0", "false", "no"),
            http_port=_number(get, "ECAGE_HTTP_PORT", int, 3978),
            microsoft_app_id=get("MICROSOFT_APP_ID"),
            microsoft_app_password=get("MICROSOFT_APP_PASSWORD"),
            microsoft_app_tenant_id=get("MICROSOFT_APP_TENANT_ID"),
            microsoft_app_type=get("MICROSOFT_APP_TYPE"),
            smtp_url=get("ECAGE_SMTP_URL"),
            oidc_issuer=get("ECAGE_OIDC_ISSUER"),
            oidc_client_id=get("ECAGE_OIDC_CLIENT_ID"),
            oidc_client_secret=get("ECAGE_OIDC_CLIENT_SECRET"),
            public_url=get("ECAGE_PUBLIC_URL"),
            email_domains=tuple(domain.strip().lower().lstrip("@.") for domain in
                                (get("ECAGE_EMAIL_DOMAINS") or "").split(",") if domain.strip()),
            require_verified=_switch(get, "ECAGE_REQUIRE_VERIFIED"),
            db_retry_s=_number(get, "ECAGE_DB_RETRY_S", float, DEFAULT_DB_RETRY_S),
            attention_after_h=_number(get, "ECAGE_ATTENTION_AFTER_H", float, DEFAULT_ATTENTION_AFTER_H),
            digest_at=_time_of_day(get, "ECAGE_DIGEST_AT", DEFAULT_DIGEST_AT),
        )


class ConfigError(ValueError):
    """A variable that cannot be read; the message names it (the start-up prints it as one line)."""


def _switch(get, name: str) -> bool | None:
    value = (get(name) or "").lower()
    if not value:
        return None
    if value in ("on", "1", "true", "yes"):
        return True
    if value in ("off", "0", "false", "no"):
        return False
    raise ConfigError(f"{name} must be on or off, not {value!r}")


def _number(get, name: str, kind: type, default):
    value = get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be a {'whole ' if kind is int else ''}number, not {value!r}") from None


def _time_of_day(get, name: str, default: time) -> time:
    value = get(name)
    if value is None:
        return default
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} must be a time of day such as 08:30, not {value!r}") from None
