"""What the tests share when pytest-xdist runs them in several worker processes at once (the
README's test command does): which worker this is, and a lock across processes for the steps
that must not run twice at the same time (an `npm install` into one node_modules folder)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def worker() -> str:
    """This worker's name ("gw0", "gw1"...), or "" when the tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_slot() -> tuple[int, int]:
    """(this worker's index, how many workers); (0, 1) without xdist."""
    name = worker()
    if not name.startswith("gw"):
        return 0, 1
    return int(name[2:]), max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), int(name[2:]) + 1)


@contextlib.contextmanager
def exclusive(key: str) -> Iterator[None]:
    """Held by one process of the machine at a time (other workers, other checkouts' runs):
    an flock on a file in the temporary folder named after `key`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"ecage-tests-{digest}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def npm_install(directory: Path, installed: Path, timeout: float = 600) -> None:
    """`npm install` in `directory` unless `installed` (a path under its node_modules) is there.
    Two workers installing into one node_modules at once break each other's files: the lock makes
    the second wait and then find it installed."""
    if installed.exists():
        return
    with exclusive(f"npm install {directory.resolve()}"):
        if not installed.exists():
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=directory,
                           check=True, timeout=timeout, stdout=subprocess.DEVNULL)
