"""Delivery semantics against the fake Bot API: 429 honoured, 5xx retried with backoff,
403 recorded as failed and not retried (its chat's next rows skipped), and the operator's
`admin outbox` / `retry`."""

from __future__ import annotations

import argparse
import asyncio
import io
import time

from notifier_support import ANA_TG, ANA_TG2, Running, fast_options, statuses, telegram_config
from sqlalchemy import select

from bot import admin
from bot.config import Config
from bot.notifier import Notifier
from store.lifecycle import RECEIVED_TEXT
from store.models import OutboxRow


async def _rows(store) -> list:
    async with store.transaction() as tx:
        return (await tx.session.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars().all()


async def test_429_retry_after_is_honoured_and_the_message_sent_once(world, api, telegram):
    protocol = await world.open()
    api.fail_next("sendMessage", status=429, retry_after=1)
    await world.run("answer", "caio", protocol, "Resposta única.")
    started = time.monotonic()
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
    assert time.monotonic() - started >= 1.0  # waited retry_after before trying again
    texts = [m["text"] for m in api.sent_to(ANA_TG)]
    # Nobody held the demand: Caio's answer received it first, and Ana hears of both, once each.
    assert len(texts) == 2 and RECEIVED_TEXT in texts[0] and texts[1].endswith("Resposta única.")


async def test_server_errors_are_retried_with_backoff(world, api, telegram):
    protocol = await world.open()
    await world.run("answer", "caio", protocol, "Depois de dois erros.")
    api.fail_next("sendMessage", times=2, status=502, description="Bad Gateway")
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained(timeout=15)
    assert sum(m["text"].endswith("Depois de dois erros.") for m in
               api.sent_to(ANA_TG) + api.sent_to(ANA_TG2)) == 2  # once in each of Ana's chats
    rows = await _rows(world.store)
    assert sum(row.attempts for row in rows) == len(rows) + 2  # one try each, plus the two failed
    assert all(row.status == "sent" and row.last_error is None for row in rows)


async def test_403_is_recorded_as_failed_not_retried_and_the_operator_can_retry(world, api, telegram, database_url):
    protocol = await world.open()
    await world.run("receive", "caio", protocol)
    api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user", chat_id=ANA_TG2)
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
        await asyncio.sleep(0.5)  # time enough for retries, were there any
    rows = await _rows(world.store)
    failed = [row for row in rows if row.status == "failed"]
    assert len(failed) == 1 and failed[0].attempts == 1
    assert "blocked by the user" in failed[0].last_error
    # The chat is marked: its next row is skipped, never tried (test_fairness.py tells the rest).
    skipped = [row for row in rows if row.status == "skipped"]
    assert [row.chat_id for row in skipped] == [failed[0].chat_id]
    assert len(api.calls_of("sendMessage")) == len(rows) - len(skipped)  # each row tried once: no retry

    config = telegram_config(api, database_url)
    listing = await _admin(config, "outbox")
    assert str(failed[0].id) in listing and "failed" in listing and "blocked by the user" in listing
    assert str(skipped[0].id) in listing and "skipped" in listing
    for row in failed + skipped:
        assert "will be sent again" in await _admin(config, "outbox", "retry", str(row.id))
        assert (await statuses(world.store))[row.id] == "pending"
    async with Running(Notifier(world.store, telegram, **fast_options())) as running:
        await running.drained()
    assert set((await statuses(world.store)).values()) == {"sent"}
    assert "Nothing pending or failed." in await _admin(config, "outbox")
    assert "No failed or pending delivery 999" in await _admin(config, "outbox", "retry", "999")


async def _admin(config, *argv: str) -> str:
    parser = argparse.ArgumentParser()
    admin.add_arguments(parser)
    out = io.StringIO()
    await admin.run(parser.parse_args(argv), config, out=out)
    return out.getvalue()


async def test_admin_also_mounts_the_attendant_role_commands(live_store, database_url, capsys):
    config = Config(database_url=database_url)
    parser = argparse.ArgumentParser()
    admin.add_arguments(parser)
    args = parser.parse_args(["grant-attendant", "--channel", "shell", "--user-id", "u9", "--name", "Nina Reis"])
    assert await admin.run(args, config) == 0
    assert await admin.run(parser.parse_args(["list"]), config) == 0
    assert "Nina Reis" in capsys.readouterr().out
