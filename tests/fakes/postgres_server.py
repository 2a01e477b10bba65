"""A PostgreSQL server of the test's own, to stop and restart at will.

The shared server (ECAGE_TEST_POSTGRES_URL, port 5432) serves every other suite and is never
restarted; a test that needs the database to go away starts this one instead: `initdb` into a
temporary data directory, its own free port on the loopback, its Unix socket in that directory,
trust authentication, and durability switched off (a test's data needs none, and initdb and
every commit get much faster).

PostgreSQL refuses to run as root. Run as root (here, and on CI machines), the server runs as the
`postgres` account that Debian's packages create, and its directory is made outside pytest's
temporary folder, which only root may enter.

Binaries are looked for with `pg_config --bindir`, then in /usr/lib/postgresql/*/bin. When there
are none (or no account to run them as), the test skips, unless ECAGE_REQUIRE_POSTGRES=1 (CI),
which makes it fail: as the tests on the shared server do (tests/conftest.py).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from fakes.ports import free_port

REQUIRE_POSTGRES = os.environ.get("ECAGE_REQUIRE_POSTGRES") == "1"
SUPERUSER = "postgres"
# Seconds pg_ctl waits for a start or a stop before it gives up.
PG_CTL_TIMEOUT_S = 60
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "log_min_messages": "warning",
}


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries here, or no account that may run them."""


def find_bindir() -> Path | None:
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(found.stdout.strip())
    # Newest version first.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0,
                         reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def _run_as() -> str | None:
    """The account the server runs as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable(f"running as root and there is no {SUPERUSER!r} account to run PostgreSQL as")
    return SUPERUSER


class PostgresServer:
    """`init()` once, then `start()`, `stop()`, `restart()`; `close()` stops it and removes its files."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable("no PostgreSQL binaries (pg_config --bindir, /usr/lib/postgresql/*/bin)")
        self.bindir = bindir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="ecage-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        if self.user is not None:
            account = pwd.getpwnam(self.user)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        settings = {**SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{self.root}'"}
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast", *, wait: bool = True) -> None:
        self._pg_ctl("stop", "-m", mode, *(() if wait else ("--no-wait",)))

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode)

    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def close(self) -> None:
        try:
            if self.data.exists():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", str(PG_CTL_TIMEOUT_S), *options)

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.bindir / program), *args], capture_output=True, text=True,
                              user=self.user, cwd=self.root)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed ({done.returncode}): "
                               f"{done.stderr.strip()}\n{log}")
        return done


def start_own_postgres() -> PostgresServer:
    """A started server of the test's own; skips (or fails under ECAGE_REQUIRE_POSTGRES=1) when
    PostgreSQL cannot be run here."""
    try:
        server = PostgresServer()
    except PostgresUnavailable as error:
        message = f"cannot run a PostgreSQL server of the test's own: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message + " (ECAGE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    try:
        server.init()
        server.start()
    except BaseException:
        server.close()
        raise
    return server
