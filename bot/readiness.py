"""Whether the service can serve a turn right now, for `GET /readyz` (a load balancer or an
orchestrator sends traffic only to a ready process; `GET /healthz` only says it is alive).

Ready means: the database answers a `SELECT 1` within a short timeout, its schema is the one
this code migrates to (the start-up check's revisions, bot/preflight.py), and every channel has
started. Each probe asks the database afresh, so a process turns unready while the database is
away and ready again once it is back, without a restart.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text

from bot.preflight import code_heads, database_revisions
from store import Store

log = logging.getLogger(__name__)

# A probe is repeated every few seconds: a database slower than this is as good as away.
PROBE_TIMEOUT_S = 2.0
OK = "ok"
MAX_REASON = 200


class Readiness:
    def __init__(self, store: Store, *, timeout_s: float = PROBE_TIMEOUT_S) -> None:
        self.store = store
        self.timeout_s = timeout_s
        # Set by bot/service.py once every channel it serves has started.
        self.channels_started = False
        self._was_ready: bool | None = None
        self._heads = set(code_heads(store.engine.url.render_as_string(hide_password=False)))

    async def checks(self) -> dict[str, str]:
        """Each check's name -> "ok" or what is wrong, in one line."""
        database = await self._timed(self._database_answers)
        schema = await self._timed(self._schema_is_current) if database == OK else "not checked: no database"
        checks = {"database": database, "schema": schema,
                  "channels": OK if self.channels_started else "not started yet"}
        self._log_change(checks)
        return checks

    def _log_change(self, checks: dict[str, str]) -> None:
        """One line when readiness changes, not one per probe."""
        ready = all(result == OK for result in checks.values())
        if ready != self._was_ready:
            failed = "; ".join(f"{name}: {result}" for name, result in checks.items() if result != OK)
            log.log(logging.INFO if ready else logging.WARNING, "ready" if ready else f"not ready: {failed}")
        self._was_ready = ready

    async def _database_answers(self) -> str:
        async with self.store.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return OK

    async def _schema_is_current(self) -> str:
        revisions = set(await database_revisions(self.store.engine))
        if revisions == self._heads:
            return OK
        return (f"the database is at revision {', '.join(sorted(revisions)) or 'none'}, "
                f"this code at {', '.join(sorted(self._heads))}")

    async def _timed(self, check) -> str:
        try:
            return await asyncio.wait_for(check(), self.timeout_s)
        except TimeoutError:
            return f"no answer within {self.timeout_s:g}s"
        except Exception as error:  # the database away, refusing us, or not what we expect
            first_line = next(iter(str(error).splitlines()), "")[:MAX_REASON]
            return f"{error.__class__.__name__}: {first_line}" if first_line else error.__class__.__name__
