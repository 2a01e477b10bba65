"""Which code the bot processes of a benchmark run: this checkout, or the one that
ECAGE_BENCH_CHECKOUT names (`python -m benchmarks --checkout PATH`), to set a branch against an
older commit on the same machine, under the same driver and the same Bot API server.

The other checkout runs with its own venv (PATH/.venv) when it has one, and its own code migrates
and seeds the database and counts the answers of each turn of the script (its dialogs may answer
with more or fewer messages than ours).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

CHECKOUT_VARIABLE = "ECAGE_BENCH_CHECKOUT"

# Run by the target's Python in the target's tree: only what every version of the benchmarks has.
_PREPARE = """
import asyncio, json, sys
from pathlib import Path
from benchmarks.common import replies_per_turn, seed_profiles
from store import Store

async def prepare(url, folder, chats):
    store = await Store.open(url, attachments_dir=Path(folder))
    try:
        await seed_profiles(store, "telegram", [str(chat) for chat in chats])
    finally:
        await store.close()
    print(json.dumps(await replies_per_turn()))

asyncio.run(prepare(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
"""


@dataclass(frozen=True)
class Checkout:
    root: Path
    python: str

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.root)}

    @property
    def name(self) -> str:
        return "this checkout" if self.root == ROOT else str(self.root)


def target() -> Checkout:
    root = Path(os.environ.get(CHECKOUT_VARIABLE) or ROOT).resolve()
    venv = root / ".venv" / "bin" / "python"
    return Checkout(root, str(venv) if root != ROOT and venv.exists() else sys.executable)


async def prepared_sqlite(folder: str, name: str, chats: list[int]) -> tuple[str, list[int]]:
    """A new SQLite database in `folder` where the Telegram chats' people have a profile, and how
    many messages each turn of the script answers with, both by the target's code."""
    checkout = target()
    url = f"sqlite+aiosqlite:///{folder}/{name}.db"
    process = await asyncio.create_subprocess_exec(
        checkout.python, "-c", _PREPARE, url, folder, json.dumps(chats), cwd=checkout.root, env=checkout.env,
        stdout=asyncio.subprocess.PIPE)
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"preparing the database with {checkout.name} failed (exit {process.returncode})")
    return url, json.loads(output.decode().strip().splitlines()[-1])
