"""`python -m bot check` against the fake Bot API and a real local SMTP server."""

from __future__ import annotations

import pytest
from fakes.smtp import LocalSMTP
from fakes.telegram_api import TOKEN, FakeTelegramAPI
from operations_support import run_bot_async

pytestmark = pytest.mark.slow


async def test_everything_configured_answers(tmp_path):
    api = FakeTelegramAPI()
    await api.start()
    try:
        with LocalSMTP() as smtp:
            code, out, err = await run_bot_async(tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN,
                                                 TELEGRAM_API_URL=api.base_url, ECAGE_SMTP_URL=smtp.url)
    finally:
        await api.close()
    assert code == 0, out + err
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["ok   database", "ok   attachments", "ok   calendar",
                                                      "ok   telegram", "ok   smtp"]
    assert "it is empty, the schema is created at start" in lines[0]
    assert lines[2].startswith("ok   calendar: working days known through ")
    assert "knows the bot as @ecage_test_bot" in lines[3]
    assert f"SMTP server 127.0.0.1:{smtp.port} answers EHLO" in lines[4]
    assert [call.method for call in api.calls] == ["getMe"]


async def test_what_does_not_answer_is_said_with_its_fix(tmp_path):
    api = FakeTelegramAPI(token="999:another-bot")
    await api.start()
    closed = LocalSMTP()  # its port, never started
    try:
        code, out, _ = await run_bot_async(
            tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.base_url,
            ECAGE_SMTP_URL=closed.url, ECAGE_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:1/test",
            MICROSOFT_APP_ID="00000000-0000-0000-0000-000000000000", MICROSOFT_APP_PASSWORD="wrong")
    finally:
        await api.close()
    assert code == 1
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert list(lines) == ["FAIL database", "ok   attachments", "ok   calendar", "FAIL telegram", "FAIL teams",
                           "FAIL smtp"]
    assert lines["FAIL database"].endswith(
        "cannot be reached: [Errno 111] Connect call failed ('127.0.0.1', 1) — fix: start the database "
        "server, or correct the host and port in ECAGE_DATABASE_URL")
    assert lines["FAIL telegram"] == ("Telegram refused TELEGRAM_BOT_TOKEN (Unauthorized) — fix: copy the bot's "
                                      "current token from @BotFather (/token) into TELEGRAM_BOT_TOKEN")
    assert TOKEN not in out
    assert " — fix: " in lines["FAIL teams"]  # refused, or unreachable from this machine
    assert f"cannot talk to SMTP server 127.0.0.1:{closed.port}" in lines["FAIL smtp"]
    assert "correct" not in lines["FAIL smtp"] and "check the host and port in ECAGE_SMTP_URL" in lines["FAIL smtp"]


async def test_a_database_from_a_newer_release_fails_the_check(tmp_path):
    import sqlite3

    from store.db import migrate_url

    await migrate_url(f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}")
    with sqlite3.connect(tmp_path / "ecage.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    code, out, _ = await run_bot_async(tmp_path, "check")
    assert code == 1
    assert out.splitlines()[0].startswith("FAIL database: ") and "newer than this code knows" in out
