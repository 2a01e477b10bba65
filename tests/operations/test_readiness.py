"""`GET /readyz` as a load balancer reads it: unready while the database is down, ready again
once it is back, without a restart; and unready when the schema is not the one the code knows.
The database is a PostgreSQL server of the test's own (never the shared one)."""

from __future__ import annotations

import asyncio

from fakes.telegram_api import FakeTelegramAPI
from service_support import readyz, running_service
from sqlalchemy import text

from store import Store

EVENTUALLY_S = 30


async def readiness_becomes(port: int, ready: bool) -> dict:
    for _ in range(EVENTUALLY_S * 10):
        status, body = await readyz(port)
        if (status == 200) == ready:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"/readyz never became {'ready' if ready else 'unready'}: {status} {body}")


async def test_readyz_is_unready_while_the_database_is_down_and_ready_again_after(
        own_postgres, api: FakeTelegramAPI, http_port: int, tmp_path) -> None:
    store = await Store.open(own_postgres.url(), attachments_dir=tmp_path / "files")
    try:
        async with running_service(api, store, http_port):
            status, body = await readyz(http_port)
            assert (status, body) == (200, {"status": "ready", "checks": {
                "database": "ok", "schema": "ok", "channels": "ok"}})

            await asyncio.get_running_loop().run_in_executor(None, own_postgres.stop)
            down = await readiness_becomes(http_port, ready=False)
            assert down["status"] == "unready"
            assert down["checks"]["database"] != "ok"
            assert down["checks"]["schema"] == "not checked: no database"
            assert down["checks"]["channels"] == "ok"

            await asyncio.get_running_loop().run_in_executor(None, own_postgres.start)
            back = await readiness_becomes(http_port, ready=True)
            assert back["checks"] == {"database": "ok", "schema": "ok", "channels": "ok"}
    finally:
        await store.close()


async def test_readyz_is_unready_when_the_schema_is_not_the_codes(
        api: FakeTelegramAPI, file_store: Store, http_port: int) -> None:
    async with running_service(api, file_store, http_port):
        async with file_store.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'from_a_newer_release'"))
        status, body = await readyz(http_port)
        assert status == 503
        assert body["checks"]["database"] == "ok"
        assert "from_a_newer_release" in body["checks"]["schema"]
