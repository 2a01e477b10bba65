"""`python -m bot check`: connects to everything the configuration names, and says how it went.

One line per check, each one the operator can act on:

    ok   database: database sqlite+aiosqlite:///ecage.db answers; schema 0007, current
    FAIL telegram: Telegram refused TELEGRAM_BOT_TOKEN (Unauthorized) — fix: copy the bot's ...

The database, the attachments directory (bot/preflight.py, the same checks as at start-up), the
working calendar (this year's movable holidays in store/holidays.toml) and,
when configured, the Bot API (getMe), the Bot Framework (a token for MICROSOFT_APP_ID) and the
SMTP server (EHLO, and login when ECAGE_SMTP_URL has a user). Exit code 0 only when all pass.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable, TextIO
from urllib.parse import urlsplit

from bot import preflight
from bot.config import Config
from bot.preflight import NotReady, first_line
from store.workdays import HOLIDAYS_FILE, LOCAL, holidays

EXIT_FAILED = 1
# A check that waits longer than this for an answer says so: the operator is waiting at a prompt.
NETWORK_TIMEOUT_S = 15.0
# The start-up waits ECAGE_DB_RETRY_S for a database starting at the same time; a check need not.
DATABASE_WAIT_S = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    applies: Callable[[Config], bool]
    # What it found, or NotReady.
    run: Callable[[Config], Awaitable[str]]


async def _database(config: Config) -> str:
    preflight.check_database_url(config.database_url)
    return await preflight.check_database(config.database_url,
                                          db_retry_s=min(config.db_retry_s, DATABASE_WAIT_S))


async def _attachments(config: Config) -> str:
    return preflight.check_attachments_dir(config.attachments_dir)


async def _calendar(config: Config) -> str:
    year = datetime.now(LOCAL).year
    if not holidays().knows_year(year):
        raise NotReady(f"{HOLIDAYS_FILE.name} has no movable holidays for {year}: aging would count "
                       "Carnaval, Sexta-feira Santa and Corpus Christi as working days",
                       f"add {year}'s dates under [dates] in {HOLIDAYS_FILE}")
    last = max(day.year for day in holidays().dates)
    return f"working days known through {last}"


async def _telegram(config: Config) -> str:
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.telegram.send import build_bot

    preflight.check_telegram_token(config.telegram_bot_token)
    api = urlsplit(config.telegram_api_url).netloc
    try:
        # Starting the bot asks Telegram who it is (getMe).
        async with build_bot(config) as bot:
            me = bot.bot
    except InvalidToken as error:
        raise preflight.telegram_refused() from error
    except NetworkError as error:  # TimedOut too
        raise NotReady(f"cannot reach the Bot API at {api}: {error}",
                       "check the network (proxy, firewall), or TELEGRAM_API_URL") from error
    except TelegramError as error:
        raise NotReady(f"the Bot API at {api} answered getMe with an error: {error}",
                       "check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL") from error
    return f"the Bot API at {api} knows the bot as @{me.username} (id {me.id})"


async def _teams(config: Config) -> str:
    from bot.teams.send import bot_framework_token  # botbuilder stays in bot/teams

    preflight.check_teams_credentials(config)
    where, fetch = bot_framework_token(config)
    # Its retries' warnings would come before the one line that says what happened.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    try:
        await asyncio.wait_for(fetch(), NETWORK_TIMEOUT_S)
    except PermissionError as error:  # the identity platform said no
        raise NotReady(f"{where} refused MICROSOFT_APP_ID {config.microsoft_app_id}: {first_line(error)}",
                       "copy the app id and a current client secret from the bot's Azure registration "
                       "(and MICROSOFT_APP_TENANT_ID for a single-tenant bot)") from error
    except (OSError, TimeoutError) as error:  # requests' errors are OSErrors
        raise NotReady(f"cannot reach {where}: {first_line(error) or 'no answer'}",
                       "check the network (proxy, firewall)") from error
    except ValueError as error:  # msal: an authority (tenant) it cannot use
        raise NotReady(f"{where}: {first_line(error)}", "check MICROSOFT_APP_TENANT_ID") from error
    return f"{where} gave a Bot Framework token to app {config.microsoft_app_id}"


async def _smtp(config: Config) -> str:
    import aiosmtplib

    settings = preflight.check_smtp_url(config.smtp_url)
    where = f"SMTP server {settings.hostname}:{settings.port}"
    client = aiosmtplib.SMTP(**settings.connection)
    try:
        await client.connect()
        await client.ehlo()
        if settings.username:
            await client.login(settings.username, settings.password or "")
    except aiosmtplib.SMTPAuthenticationError as error:
        raise NotReady(f"{where} refused the login of {settings.username}: {error.code} {error.message}",
                       "correct the user and password in ECAGE_SMTP_URL") from error
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        raise NotReady(f"cannot talk to {where}: {first_line(error) or type(error).__name__}",
                       "check the host and port in ECAGE_SMTP_URL (smtps:// or starttls=), "
                       "and the firewall") from error
    finally:
        if client.is_connected:
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()
    return f"{where} answers EHLO" + (f"; logged in as {settings.username}" if settings.username else "")


CHECKS: tuple[Check, ...] = (
    Check("database", lambda config: True, _database),
    Check("attachments", lambda config: True, _attachments),
    Check("calendar", lambda config: True, _calendar),
    Check("telegram", lambda config: config.telegram_enabled, _telegram),
    Check("teams", lambda config: bool(config.microsoft_app_id), _teams),
    Check("smtp", lambda config: bool(config.smtp_url), _smtp),
)


async def run_checks(config: Config, out: TextIO) -> int:
    """Every check that applies, one line each; EXIT_FAILED when any failed."""
    failed = 0
    for check in CHECKS:
        if not check.applies(config):
            continue
        try:
            found = await check.run(config)
        except NotReady as problem:
            failed += 1
            print(f"FAIL {check.name}: {problem}", file=out, flush=True)
        except Exception as error:  # a check never ends in a traceback: it says what it met
            failed += 1
            print(f"FAIL {check.name}: unexpected {type(error).__name__}: {first_line(error)} — fix: "
                  "check this part of the configuration", file=out, flush=True)
        else:
            print(f"ok   {check.name}: {found}", file=out, flush=True)
    return EXIT_FAILED if failed else 0
