"""What several benchmarks share: the scripted requester, profile seeding, PostgreSQL scratch
databases, percentiles and process figures read from /proc."""

from __future__ import annotations

import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
# The local Bot API server of the tests is the benchmarks' Telegram too.
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

POSTGRES_SERVER = os.environ.get("ECAGE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

# A requester opening a demand: (text, choice) per turn, from the menu to the protocol.
SCRIPT: tuple[tuple[str, str | None], ...] = (
    ("menu", None),
    ("", "menu:new"),
    ("Liberar liquidação do empenho 123", None),
    ("sim", None),
    ("", "type:servicos"),
    ("execução da despesa", None),
    ("", "sub:liberar-liquidacao"),
    ("A liquidação está travada desde ontem no FPE.", None),
    ("", "skip"),
    ("", "send"),
)
# The same kind of demand in six turns, from a sentence at the menu: the bot proposes type,
# category and subject and takes the sentence as the description; then the suggested title, the
# organ, no attachments, send. A draft kept across five turns, and sent: what the fault and load
# tests have each of their 200 requesters do (the benchmarks keep SCRIPT, to stay comparable).
SENTENCE_SCRIPT: tuple[tuple[str, str | None], ...] = (
    ("Preciso liberar a liquidação do empenho 123, travada desde ontem no FPE.", None),
    ("", "yes"),
    ("", "title:suggested"),
    ("sim", None),
    ("", "skip"),
    ("", "send"),
)
PROFILE = {"name": "Maria Souza", "email": "maria@sefaz.rs.gov.br", "phone": "(51) 3214-5200",
           "cargo": "Analista", "organ_key": "sefaz"}


async def seed_profiles(store, channel: str, user_ids: list[str], batch: int = 200) -> None:
    """Known people with a complete profile, so the script starts at the menu."""
    for start in range(0, len(user_ids), batch):
        async with store.transaction() as tx:
            for user_id in user_ids[start:start + batch]:
                person = await tx.ensure_person(channel, user_id, PROFILE["name"])
                await tx.update_profile(person.id, **PROFILE)


async def seeded_sqlite(folder: str, name: str, chats: list[int]) -> str:
    """The URL of a new SQLite database in `folder` where the Telegram chats' people have a profile."""
    from store import Store

    url = f"sqlite+aiosqlite:///{folder}/{name}.db"
    store = await Store.open(url, attachments_dir=Path(folder))
    try:
        await seed_profiles(store, "telegram", [str(chat) for chat in chats])
    finally:
        await store.close()
    return url


async def replies_per_turn(script: tuple[tuple[str, str | None], ...] = SCRIPT) -> list[int]:
    """How many chat messages each turn of `script` answers with (Telegram sends one message per
    reply with text or buttons), found by running the script once on a scratch database."""
    from dialogs import Dialogs, Incoming
    from store import Store
    from taxonomy import default_taxonomy

    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(f"sqlite+aiosqlite:///{folder}/calibrate.db", attachments_dir=Path(folder))
        try:
            await seed_profiles(store, "calibrate", ["1"])
            dialogs = Dialogs(store, default_taxonomy())
            counts = []
            for text, choice in script:
                replies = await dialogs.handle(Incoming("calibrate", "1", "1", PROFILE["name"], text=text,
                                                        choice=choice))
                counts.append(sum(1 for r in replies if r.text.strip() or r.choices) +
                              sum(len(r.files) for r in replies))
            return counts
        finally:
            await store.close()


@asynccontextmanager
async def postgres_database(server_url: str = POSTGRES_SERVER) -> AsyncIterator[str]:
    """A fresh, uniquely named database on the server, dropped afterwards."""
    import asyncpg

    name = f"ecage_bench_{secrets.token_hex(5)}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def print_results(results: dict, rows) -> None:
    """What a benchmark run alone prints: its table rows, then the whole figures as JSON."""
    for row in rows(results):
        print(" | ".join(row))
    print(json.dumps(results, indent=2))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def latency_figures(latencies_s: list[float]) -> dict:
    return {"p50_ms": round(1000 * statistics.median(latencies_s), 2),
            "p99_ms": round(1000 * percentile(latencies_s, 0.99), 2),
            "max_ms": round(1000 * max(latencies_s), 2)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


PACE_STEPS = 10_000_000
# At a script's top level, its variable a global, as `python3 -c "for i in range(10_000_000): pass"`
# runs it: the figure the README and the closing notes quote (a loop inside a function, its
# variable local, takes less than half as long).
_PACE_LOOP = compile(f"for step in range({PACE_STEPS}): pass", "<pace>", "exec")


def pace_s() -> float:
    """How long this machine takes, now, for a 10-million-step Python loop (the best of three).
    The same code's figures vary with it from day to day on a shared VM (0.22 to 0.58 s seen):
    set two runs side by side only beside their pace."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        exec(_PACE_LOOP, {})
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(int(memory) / 1024 / 1024, 1),
            "python": sys.version.split()[0], "load": [round(load, 2) for load in os.getloadavg()],
            "pace_s": pace_s()}
