"""Start-up checks: what every turn will need, checked once before the service serves anyone.

A database URL that names no database we support, a PostgreSQL that refuses the user, an
attachments directory that cannot be written (otherwise found at a requester's "Enviar"), a
database migrated by a newer release (a schema this code does not know; otherwise found at some
turn's first unknown column): found here, each is one line for the operator saying what is wrong
and what to fix, and the process does not start (exit code EXIT_NOT_READY, never a traceback).
`python -m bot check` (bot/checks.py) runs the same checks, and the network ones, and reports all.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.config import Config
from store import StoreUnavailable, run_with_retries
from store.db import alembic_config, create_engine, safe_url

EXIT_NOT_READY = 2

SUPPORTED_DATABASES = ("sqlite+aiosqlite:///path/to/ecage.db or "
                       "postgresql+asyncpg://user:password@host:5432/database")
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
# "<bot id>:<secret>", as @BotFather gives it.
TELEGRAM_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
# PostgreSQL's SQLSTATEs for a database that does not exist, and a user it will not let in.
_NO_SUCH_DATABASE = "3D000"
_USER_REFUSED = ("28000", "28P01")


class NotReady(Exception):
    """What is wrong and where, and what the operator should do: said as one line."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem, fix)
        self.problem, self.fix = problem, fix

    def __str__(self) -> str:
        return f"{self.problem} — fix: {self.fix}"


async def check(config: Config, *, serves: bool = True) -> None:
    """Raises `NotReady` when the process could not do its work: the configuration, the database
    and, for a process that serves turns, the attachments directory."""
    check_configuration(config)
    if serves:
        check_attachments_dir(config.attachments_dir)
    await check_database(config.database_url, db_retry_s=config.db_retry_s)


def check_configuration(config: Config) -> None:
    """What can be told wrong without connecting anywhere."""
    check_database_url(config.database_url)
    if config.telegram_bot_token:
        check_telegram_token(config.telegram_bot_token)
    if config.microsoft_app_id:
        check_teams_credentials(config)
    if config.smtp_url:
        check_smtp_url(config.smtp_url)
    check_sign_in(config)


def check_telegram_token(token: str) -> None:
    if not TELEGRAM_TOKEN.fullmatch(token):
        raise NotReady("TELEGRAM_BOT_TOKEN is not a bot token (it looks like 123456789:AAE...)",
                       "copy the token @BotFather gave the bot, without quotes or spaces")


def telegram_refused() -> NotReady:
    return NotReady("Telegram refused TELEGRAM_BOT_TOKEN (Unauthorized)",
                    "copy the bot's current token from @BotFather (/token) into TELEGRAM_BOT_TOKEN")


def check_teams_credentials(config: Config) -> None:
    if not config.microsoft_app_password:
        raise NotReady("MICROSOFT_APP_ID is set without MICROSOFT_APP_PASSWORD",
                       "set MICROSOFT_APP_PASSWORD to the bot's client secret, or unset MICROSOFT_APP_ID")


SIGN_IN_VARIABLES = ("ECAGE_OIDC_ISSUER", "ECAGE_OIDC_CLIENT_ID", "ECAGE_OIDC_CLIENT_SECRET", "ECAGE_PUBLIC_URL")


def check_sign_in(config: Config) -> None:
    """Sign-in needs all four variables: half of them would leave people unable to prove anything."""
    values = (config.oidc_issuer, config.oidc_client_id, config.oidc_client_secret, config.public_url)
    missing = [name for name, value in zip(SIGN_IN_VARIABLES, values) if not value]
    if missing and len(missing) < len(values):
        raise NotReady(f"sign-in is configured without {', '.join(missing)}",
                       f"set {', '.join(missing)} too, or unset the other ECAGE_OIDC_* variables")
    for name, value in (("ECAGE_OIDC_ISSUER", config.oidc_issuer), ("ECAGE_PUBLIC_URL", config.public_url)):
        if value and not value.startswith(("https://", "http://")):
            raise NotReady(f"{name} is not a URL", "write it as https://host[/path]")


def check_smtp_url(url: str):
    """The settings of ECAGE_SMTP_URL (bot.notifier.mail.SmtpSettings)."""
    from bot.notifier.mail import parse_smtp_url

    try:
        return parse_smtp_url(url)
    except ValueError as error:
        raise NotReady("ECAGE_SMTP_URL is not an SMTP URL",
                       "write it as smtp://user:password@host:587?from=address (smtps:// for TLS)") from error


def check_database_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError as error:  # not echoed: it may hold a password
        raise NotReady("ECAGE_DATABASE_URL is not a database URL", f"set it to {SUPPORTED_DATABASES}") from error
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in DRIVERS:
        raise NotReady(f"ECAGE_DATABASE_URL names a {backend} database, which e-CAGE Chat does not support",
                       f"use {SUPPORTED_DATABASES}")
    if driver != DRIVERS[backend]:
        raise NotReady(f"ECAGE_DATABASE_URL {safe_url(url)} names the {driver} driver",
                       f"begin it with {backend}+{DRIVERS[backend]}://")
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise NotReady(f"the folder {str(folder)!r} of the database {safe_url(url)} does not exist",
                           "create the folder, or correct the path in ECAGE_DATABASE_URL")


def check_attachments_dir(directory: Path) -> str:
    """The directory exists (created if need be) and a file can be written in it and removed."""
    where = f"attachments directory {str(directory)!r} (ECAGE_ATTACHMENTS_DIR)"
    fix = "point ECAGE_ATTACHMENTS_DIR at a directory this user can write"
    if directory.exists() and not directory.is_dir():
        raise NotReady(f"{where} is not a directory", fix)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".preflight-")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise NotReady(f"{where} is not writable: {error.strerror or error}", fix) from error
    return f"{where} is writable"


async def check_database(url: str, *, db_retry_s: float) -> str:
    """The database answers and its Alembic revision is one this code knows (or there is none yet:
    the store migrates it at start). A database starting at the same time is waited for, as a turn
    would. Returns what was found."""
    where = f"database {safe_url(url)}"
    revisions = await _current_revisions(url, db_retry_s)
    scripts = ScriptDirectory.from_config(alembic_config(url))
    known = {script.revision for script in scripts.walk_revisions()}
    heads = ", ".join(scripts.get_heads())
    unknown = [revision for revision in revisions if revision not in known]
    if unknown:
        raise NotReady(f"{where} has schema revision {', '.join(unknown)}, newer than this code knows "
                       f"(its newest is {heads})", "upgrade e-CAGE Chat, or point ECAGE_DATABASE_URL "
                       "at another database")
    if not revisions:
        return f"{where} answers; it is empty, the schema is created at start"
    if set(revisions) == set(scripts.get_heads()):
        return f"{where} answers; schema {heads}, current"
    return f"{where} answers; schema {', '.join(revisions)}, migrated to {heads} at start"


async def database_revisions(engine) -> tuple[str, ...]:
    """The Alembic revisions the database is at (none before its first migration)."""
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())


def code_heads(url: str) -> tuple[str, ...]:
    """The newest revisions this code knows: a database at them has the current schema."""
    return tuple(ScriptDirectory.from_config(alembic_config(url)).get_heads())


async def _current_revisions(url: str, db_retry_s: float) -> tuple[str, ...]:
    engine = create_engine(url)
    try:
        with _quiet_retries():
            return await run_with_retries(lambda: database_revisions(engine), budget_s=db_retry_s)
    except (StoreUnavailable, DBAPIError, OSError, TimeoutError) as error:
        raise database_problem(url, error) from error
    finally:
        await engine.dispose()


def database_problem(url: str, error: BaseException) -> NotReady:
    """The operator's line for a database that could not be reached or would not let us in."""
    where = f"database {safe_url(url)}"
    cause = error.__cause__ if isinstance(error, StoreUnavailable) and error.__cause__ else error
    original = getattr(cause, "orig", None) or cause
    reason = first_line(original) or type(original).__name__
    state = getattr(original, "sqlstate", None)
    if state == _NO_SUCH_DATABASE:
        return NotReady(f"{where} does not exist ({reason})",
                        "create it (createdb), or correct the database name in ECAGE_DATABASE_URL")
    if state in _USER_REFUSED:
        return NotReady(f"{where} refused the user: {reason}",
                        "correct the user and password in ECAGE_DATABASE_URL")
    if isinstance(error, (StoreUnavailable, OSError, TimeoutError)) or isinstance(cause, OSError):
        return NotReady(f"{where} cannot be reached: {reason}",
                        "start the database server, or correct the host and port in ECAGE_DATABASE_URL")
    return NotReady(f"{where}: {reason}", "check ECAGE_DATABASE_URL and the database's permissions")


def explain(error: BaseException, config: Config) -> NotReady | None:
    """A start-up failure met after the checks (the channels starting), as the operator's line;
    None for anything else, which is a bug and keeps its traceback."""
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return NotReady(f"port {config.http_port} (ECAGE_HTTP_PORT) is already in use",
                        "stop the other process, or set ECAGE_HTTP_PORT to a free port")
    try:
        from telegram.error import InvalidToken
    except ImportError:  # pragma: no cover - python-telegram-bot is a dependency
        return None
    if isinstance(error, InvalidToken):  # its message repeats the token: not shown
        return telegram_refused()
    return None


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


@contextmanager
def _quiet_retries():
    """The retries' "database unavailable, trying again" warning is left out: the start-up
    either goes on or ends in one line that says it all."""
    retrying = logging.getLogger("store.retrying")
    level = retrying.level
    retrying.setLevel(logging.ERROR)
    try:
        yield
    finally:
        retrying.setLevel(level)
