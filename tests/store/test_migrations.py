"""Migrations: from nothing to head on both databases, in agreement with the models, and safe
when several processes start together."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from store_support import DRAFT

from store import Actor, Store
from store.db import alembic_config, create_engine, migrate_url
from store.models import Base

ROOT = Path(__file__).resolve().parents[2]
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def schema_state(url: str) -> tuple[set[str], str | None, list]:
    """(tables, alembic revision, differences between the models and the database)."""

    def read(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return (set(inspect(connection).get_table_names()), context.get_current_revision(),
                compare_metadata(context, Base.metadata))

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read)
    finally:
        await engine.dispose()


def run_migrate(url: str) -> subprocess.Popen:
    environment = {**os.environ, "ECAGE_DATABASE_URL": url}
    return subprocess.Popen([sys.executable, "-m", "store", "migrate"], cwd="/",
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.parametrize("kind", KINDS)
async def test_store_open_migrates_an_empty_database_to_head(empty_database, kind, tmp_path):
    url = empty_database(kind)
    store = await Store.open(url, attachments_dir=tmp_path)  # migrate=True is the default
    await store.close()
    tables, revision, differences = await schema_state(url)
    assert set(Base.metadata.tables) <= tables and revision == HEAD
    assert differences == []


@pytest.mark.parametrize("database", ["sqlite_url", pytest.param("postgres_url",
                                                                 marks=pytest.mark.postgres)])
async def test_models_and_migrations_agree(request, database):
    _, revision, differences = await schema_state(request.getfixturevalue(database))
    assert revision == HEAD
    assert differences == [], "run: python -m store revision -m '...' and review the result"


async def test_downgrade_to_nothing_and_back(empty_database):
    url = empty_database("sqlite")
    await migrate_url(url)
    await migrate_url_down(url)
    assert (await schema_state(url))[0] <= {"alembic_version"}
    await migrate_url(url)
    assert (await schema_state(url))[1] == HEAD


@pytest.mark.postgres
async def test_postgres_numbering_goes_on_from_the_counter_row_and_back(empty_database, tmp_path):
    url = empty_database("postgres")
    await migrate_url(url, "0002_card_messages")
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO counters (name, value) VALUES ('protocol', 41)"))
    finally:
        await engine.dispose()
    store = await Store.open(url, attachments_dir=tmp_path)
    try:
        async with store.transaction() as tx:
            person = await tx.ensure_person("telegram", "1", "Ana")
            demand = await tx.open_demand(Actor(person.id), DRAFT)
    finally:
        await store.close()
    assert demand.protocol.startswith("CAGE-00042-")
    await migrate_url_down(url, "0002_card_messages")
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT value FROM counters WHERE name = 'protocol'")) == 42
    finally:
        await engine.dispose()


async def migrate_url_down(url: str, revision: str = "base") -> None:
    from alembic import command

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            def downgrade(sync_connection):
                config = alembic_config(url)
                config.attributes["connection"] = sync_connection
                command.downgrade(config, revision)

            await connection.run_sync(downgrade)
            await connection.commit()
    finally:
        await engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
async def test_processes_starting_together_migrate_once(empty_database, kind):
    url = empty_database(kind)
    processes = [run_migrate(url) for _ in range(3)]
    results = await asyncio.gather(*(asyncio.to_thread(p.communicate, timeout=60)
                                     for p in processes))
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, err
        assert "is at the latest schema." in out
    tables, revision, differences = await schema_state(url)
    assert revision == HEAD and differences == []


@pytest.mark.slow
def test_migrate_command_needs_no_alembic_ini_in_the_working_directory(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'novo.db'}"
    process = run_migrate(url)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert url.split("///")[1] in out


@pytest.mark.slow
def test_default_database_is_a_file_in_the_working_directory(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "ECAGE_DATABASE_URL"}
    result = subprocess.run([sys.executable, "-m", "store", "migrate"], cwd=tmp_path,
                            env={**environment, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ecage.db").exists()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url):
    async def pragmas():
        engine = create_engine(sqlite_url)
        try:
            async with engine.connect() as connection:
                return [await connection.scalar(text(f"PRAGMA {name}"))
                        for name in ("journal_mode", "foreign_keys", "busy_timeout")]
        finally:
            await engine.dispose()

    # SQLite's own busy timeout is 0: waiting for another process's lock is done by the connection
    # with asyncio.sleep, never blocking the event loop (tests/store/test_sqlite_inline.py).
    assert asyncio.run(pragmas()) == ["wal", 1, 0]


async def test_the_stores_own_transactions_run_with_the_same_pragmas(sqlite_store):
    # On SQLite they go through a synchronous engine of their own (store/sqlite_inline.py).
    async with sqlite_store.transaction() as tx:
        assert [await tx.session.scalar(text(f"PRAGMA {name}"))
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")] == ["wal", 1, 0, 1]
