"""Wake-ups across processes on SQLite, which has no NOTIFY: every commit that writes appends to
the database's write-ahead log (store/db.py puts SQLite in WAL mode), so a change of the WAL
file's size or time says another process committed. Looking costs one stat() per interval; the
notifier then claims as it does when woken, and a claim that finds nothing writes nothing, so it
does not wake itself again."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

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
