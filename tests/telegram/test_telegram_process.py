"""`python -m bot telegram` as an operator runs it: configured only by environment variables,
answering over HTTP, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from fakes.telegram_api import TOKEN, FakeTelegramAPI

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
async def test_the_command_answers_and_stops_on_sigterm(api: FakeTelegramAPI, tmp_path: Path) -> None:
    env = {**os.environ,
           "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url,
           "ECAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
           "ECAGE_ATTACHMENTS_DIR": str(tmp_path / "files")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await api.wait_for(lambda: api.calls_of("getUpdates"), timeout=30)
        await api.user_says(555, "/start")
        await api.wait_for(lambda: api.sent_to(555), timeout=30)
        assert "e-CAGE" in api.sent_to(555)[0]["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
