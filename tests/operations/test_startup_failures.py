"""Every start-up failure is one line on stderr with what to fix, and exit code 2."""

from __future__ import annotations

from datetime import time

import pytest
from operations_support import refused_to_start, run_bot
from sqlalchemy.engine import make_url

from bot.config import Config

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("url, said, fix", [
    ("garbage", "ECAGE_DATABASE_URL is not a database URL", "set it to sqlite+aiosqlite:///"),
    ("mysql://ecage@db/ecage", "names a mysql database, which e-CAGE Chat does not support",
     "postgresql+asyncpg://"),
    ("postgresql://ecage@db/ecage", "names the psycopg", "begin it with postgresql+asyncpg://"),
    ("sqlite+aiosqlite:////no/such/folder/ecage.db", "the folder '/no/such/folder' of the database",
     "create the folder"),
    ("postgresql+asyncpg://postgres@127.0.0.1:1/test", "cannot be reached", "start the database server"),
])
def test_a_database_url_that_cannot_work(tmp_path, url, said, fix):
    line = refused_to_start(run_bot(tmp_path, "shell", stdin="oi\n", ECAGE_DATABASE_URL=url))
    assert said in line and fix in line.split(" — fix: ")[1]


@pytest.mark.postgres
@pytest.mark.parametrize("change, said, fix", [
    ({"database": "no_such_database_18"}, 'does not exist (database "no_such_database_18" does not exist)',
     "create it (createdb)"),
    ({"username": "nobody_18"}, 'refused the user: role "nobody_18" does not exist',
     "correct the user and password"),
])
def test_a_postgresql_that_will_not_let_us_in(tmp_path, postgres_url, change, said, fix):
    url = make_url(postgres_url).set(**change).render_as_string(hide_password=False)
    line = refused_to_start(run_bot(tmp_path, "shell", stdin="oi\n", ECAGE_DATABASE_URL=url))
    assert said in line and fix in line


def test_operator_tasks_say_it_in_one_line_too(tmp_path):
    line = refused_to_start(run_bot(tmp_path, "admin", "outbox", ECAGE_DATABASE_URL="mysql://x@h/db"))
    assert "mysql" in line


@pytest.mark.parametrize("variables, said", [
    ({"TELEGRAM_BOT_TOKEN": "the token"}, "TELEGRAM_BOT_TOKEN is not a bot token"),
    ({"MICROSOFT_APP_ID": "00000000-app"}, "MICROSOFT_APP_ID is set without MICROSOFT_APP_PASSWORD"),
    ({"ECAGE_SMTP_URL": "mail.rs.gov.br"}, "ECAGE_SMTP_URL is not an SMTP URL"),
    ({"ECAGE_OIDC_ISSUER": "https://sso.acesso.gov.br"}, "sign-in is configured without ECAGE_OIDC_CLIENT_ID, "
     "ECAGE_OIDC_CLIENT_SECRET, ECAGE_PUBLIC_URL"),
    ({"ECAGE_OIDC_ISSUER": "sso.acesso.gov.br", "ECAGE_OIDC_CLIENT_ID": "c", "ECAGE_OIDC_CLIENT_SECRET": "s",
      "ECAGE_PUBLIC_URL": "https://bot.example"}, "ECAGE_OIDC_ISSUER is not a URL"),
])
def test_a_channel_configured_wrong(tmp_path, variables, said):
    assert said in refused_to_start(run_bot(tmp_path, **variables))


def test_a_number_that_is_not_one(tmp_path):
    result = run_bot(tmp_path, "shell", ECAGE_HTTP_PORT="eighty")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "e-CAGE Chat cannot start: ECAGE_HTTP_PORT must be a whole number, not 'eighty'"]


@pytest.mark.parametrize("variable, value, said", [
    ("ECAGE_DIGEST_AT", "half past eight", "ECAGE_DIGEST_AT must be a time of day such as 08:30, not 'half past eight'"),
    ("ECAGE_ATTENTION_AFTER_H", "a day", "ECAGE_ATTENTION_AFTER_H must be a number, not 'a day'"),
])
def test_a_schedule_that_cannot_be_read(tmp_path, variable, value, said):
    result = run_bot(tmp_path, "shell", **{variable: value})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"e-CAGE Chat cannot start: {said}"]


def test_the_schedule_is_read_from_the_environment():
    config = Config.from_env({"ECAGE_DIGEST_AT": "07:45", "ECAGE_ATTENTION_AFTER_H": "16"})
    assert (config.digest_at, config.attention_after_h) == (time(7, 45), 16.0)
    assert (Config.from_env({}).digest_at, Config.from_env({}).attention_after_h) == (time(8, 30), 24.0)
