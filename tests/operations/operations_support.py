"""`python -m bot ...` as an operator runs it: a separate process with its own environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD",
                 "ECAGE_SMTP_URL", "ECAGE_DATABASE_URL", "ECAGE_ATTACHMENTS_DIR")


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CONFIGURATION}
    env.update({"ECAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
                "ECAGE_ATTACHMENTS_DIR": str(tmp_path / "attachments"), "ECAGE_DB_RETRY_S": "0.5",
                "PYTHONPATH": str(ROOT)})
    env.update(variables)
    return env


def run_bot(tmp_path: Path, *args: str, stdin: str = "", **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True, capture_output=True,
                          cwd=tmp_path, env=environment(tmp_path, **variables), timeout=90)


async def run_bot_async(tmp_path: Path, *args: str, **variables: str) -> tuple[int, str, str]:
    """For a test whose fake servers run on its own event loop while the process talks to them."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment(tmp_path, **variables),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode, out.decode(), err.decode()


def refused_to_start(result: subprocess.CompletedProcess) -> str:
    """The one line of a start that did not happen."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # one line, no traceback
    assert line.startswith("e-CAGE Chat cannot start: ") and " — fix: " in line
    return line
