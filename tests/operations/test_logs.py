"""The logs an operator's collector reads: with ECAGE_LOG_FORMAT=json, `python -m bot` writes one
JSON object a line, each with its time, level, logger and message, and the channel and chat of
the event when it has them; and never the bot token, nor what a person wrote."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

import pytest
from fakes.telegram_api import TOKEN, FakeTelegramAPI
from service_support import SECRET, readyz

from bot.logs import JsonLines

ROOT = Path(__file__).resolve().parents[2]
MARIA = 4242
WHAT_MARIA_WROTE = "meu telefone é 51 99999-1234"


def json_environment(api: FakeTelegramAPI, port: int, tmp_path: Path) -> dict:
    return {**os.environ, "ECAGE_LOG_FORMAT": "json", "ECAGE_LOG_LEVEL": "INFO",
            "ECAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
            "ECAGE_ATTACHMENTS_DIR": str(tmp_path / "files"), "ECAGE_HTTP_PORT": str(port),
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url, "TELEGRAM_RATE_LIMIT": "off",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": SECRET}


async def until_ready(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        assert process.returncode is None, "the service exited early"
        try:
            if (await readyz(port))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("the service never became ready")


@pytest.mark.slow
async def test_json_lines_carry_the_chat_and_no_token_nor_what_maria_wrote(
        api: FakeTelegramAPI, http_port: int, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=ROOT, env=json_environment(api, http_port, tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await until_ready(http_port, process)
        await api.user_says(MARIA, "/start")
        await api.wait_for(lambda: api.sent_to(MARIA), timeout=30)
        # Telegram slows the next reply down: logged, with its channel and chat.
        api.fail_next("sendMessage", status=429, retry_after=1)
        answered = len(api.sent_to(MARIA))
        await api.user_says(MARIA, WHAT_MARIA_WROTE)
        await api.wait_for(lambda: len(api.sent_to(MARIA)) > answered, timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    logs = stderr.decode()
    assert process.returncode == 0, logs
    lines = [json.loads(line) for line in logs.splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert any(line["level"] == "INFO" and line["logger"].startswith("bot.") for line in lines)
    slowed = [line for line in lines if "reply not sent now" in line["message"]]
    assert slowed and slowed[0]["channel"] == "telegram" and slowed[0]["chat"] == str(MARIA)
    assert TOKEN not in logs and TOKEN.split(":")[-1] not in logs
    assert WHAT_MARIA_WROTE not in logs


def test_a_traceback_stays_inside_its_one_json_line() -> None:
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        record = logging.getLogger("bot.test").makeRecord(
            "bot.test", logging.ERROR, __file__, 1, "turn of %s failed", ("CAGE-00001-AB12",),
            sys.exc_info(), extra={"channel": "teams", "chat": "19:abc", "demand": "CAGE-00001-AB12", "turn": 7})
    line = JsonLines().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "turn of CAGE-00001-AB12 failed"
    assert [parsed[field] for field in ("channel", "chat", "demand", "turn")] == [
        "teams", "19:abc", "CAGE-00001-AB12", 7]
    assert "RuntimeError: a bug" in parsed["exception"]
