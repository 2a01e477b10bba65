"""Start-up checks: what every turn will need, checked once before the service serves anyone.

An attachments directory that cannot be written would otherwise be found at a requester's
"Enviar", and a database migrated by a newer release (a schema this code does not know) at
some turn's first unknown column. Found here, each is one line for the operator, and the
service does not start (`python -m bot` exits with EXIT_NOT_READY).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.config import Config
from store import StoreUnavailable, run_with_retries
from store.db import alembic_config, create_engine, safe_url

EXIT_NOT_READY = 2


class NotReady(Exception):
    """One line saying what is wrong and where."""


async def check(config: Config) -> None:
    """Raises `NotReady` when the service could not serve a turn."""
    check_attachments_dir(config.attachments_dir)
    await check_schema(config.database_url, db_retry_s=config.db_retry_s)


def check_attachments_dir(directory: Path) -> None:
    """The directory exists (created if need be) and a file can be written in it and removed."""
    where = f"attachments directory {str(directory)!r} (ECAGE_ATTACHMENTS_DIR)"
    if directory.exists() and not directory.is_dir():
        raise NotReady(f"{where} is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".preflight-")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise NotReady(f"{where} is not writable: {error.strerror or error}") from error


async def check_schema(url: str, *, db_retry_s: float) -> None:
    """The database's Alembic revision is one this code knows (or there is none yet: the store
    migrates it at start). A database starting at the same time is waited for, as a turn would."""
    engine = create_engine(url)
    try:
        revisions = await run_with_retries(lambda: database_revisions(engine), budget_s=db_retry_s)
    except StoreUnavailable as error:
        raise NotReady(f"database {safe_url(url)} unavailable: {error.__cause__ or error}") from error
    finally:
        await engine.dispose()
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
    unknown = [revision for revision in revisions if revision not in known]
    if unknown:
        raise NotReady(f"database {safe_url(url)} has schema revision {', '.join(unknown)}, newer than this "
                       f"code knows (its newest is {_head(url)}): upgrade the code, or use another database")


async def database_revisions(engine) -> tuple[str, ...]:
    """The Alembic revisions the database is at (none before its first migration)."""
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())


def code_heads(url: str) -> tuple[str, ...]:
    """The newest revisions this code knows: a database at them has the current schema."""
    return tuple(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def _head(url: str) -> str:
    return ", ".join(code_heads(url))
