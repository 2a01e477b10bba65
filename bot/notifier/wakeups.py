"""How a notifier hears that another process committed something for it.

PostgreSQL: LISTEN on the outbox's channel (store/recording.py NOTIFYs at commit), on a
connection of its own that is checked every 2 s and opened again when lost.

SQLite has no NOTIFY, but every commit that writes appends to the database's write-ahead log
(store/db.py puts SQLite in WAL mode), so a change of the WAL file's size or time says another
process committed. Looking costs one stat() per interval; the notifier then claims as it does
when woken, and a claim that finds nothing writes nothing, so it does not wake itself again."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from store import Store, outbox

log = logging.getLogger(__name__)

async def listen_for_commits(store: Store, wake: Callable[[], None], listening: asyncio.Event,
                             stop: asyncio.Event, *, max_pause: float) -> None:
    """PostgreSQL: call `wake` at each NOTIFY until `stop`; `listening` is set while connected."""
    import asyncpg

    dsn = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    pause = 0.5
    while not stop.is_set():
        connection = None
        try:
            connection = await asyncpg.connect(dsn, timeout=5)
            await connection.add_listener(outbox.NOTIFY_CHANNEL, lambda *_: wake())
            wake()  # whatever was committed while we were not listening
            listening.set()
            pause = 0.5
            while not stop.is_set():
                await asyncio.sleep(2)
                await connection.execute("SELECT 1", timeout=5)  # notices a dead connection
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.info("outbox: LISTEN connection lost (%s), polling meanwhile", error.__class__.__name__)
            await asyncio.sleep(pause)
            pause = min(pause * 2, max_pause)
        finally:
            listening.clear()
            if connection is not None:
                connection.terminate()


# Often enough that a push across processes waits ~50 ms for it, not the poll interval.
WATCH_INTERVAL_S = 0.05


def wal_file(database: str | None) -> Path | None:
    """The WAL file of a SQLite database file, or None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(f"{database}-wal")


def _signature(path: Path) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except OSError:  # not there yet, or removed when the last connection closed
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


async def watch_commits(path: Path, wake: Callable[[], None], stop: asyncio.Event,
                        interval: float = WATCH_INTERVAL_S) -> None:
    """Call `wake` whenever the WAL file changed, until `stop`."""
    last = _signature(path)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except TimeoutError:
            pass
        current = _signature(path)
        if current != last:
            last = current
            wake()
