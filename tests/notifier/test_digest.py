"""The notifier's scheduled jobs, with the store's settable clock: the daily digest to each
attendants' room (once a day, working days, at ECAGE_DIGEST_AT) and the announcement of a demand
that waited for CAGE beyond ECAGE_ATTENTION_AFTER_H working hours (once per wait), both through
the outbox and the fake Bot API, with two notifiers looking at once."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import date, time

import pytest
from notifier_support import ROOM_TG, Running, build_world, fast_options, wait_until
from samples import local_time
from sqlalchemy import func, select

from bot.notifier import Notifier
from bot.notifier.attention import queue_attention
from bot.notifier.digest import queue_digests
from bot.notifier.scheduled import Schedule
from store import Store
from store.announcements import attendant_rooms
from store.digest import claim_digest
from store.models import AttentionMarkRow, DigestClaimRow, OutboxRow

SCHEDULE = Schedule(digest_at=time(8, 30), attention_after_h=24, interval=0.05)


def room_texts(api, marker: str) -> list[str]:
    return [message["text"] for message in api.sent_to(ROOM_TG) if marker in message["text"]]


async def count(store, row) -> int:
    async with store.transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(row))


async def drained(notifiers) -> None:
    for running in notifiers:
        await running.drained()


@pytest.fixture
async def two_notifiers(store, clock, telegram):
    """Two notifiers on the same database, both running the schedule, from a Sunday."""
    clock.set(local_time("2025-02-02", 12))
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(Running(Notifier(store, telegram, name=f"n{n}", schedule=SCHEDULE,
                                                               **fast_options())))
               for n in range(2)]


async def a_day_of_work(store, clock, api) -> dict[str, str]:
    """Monday 3 Feb 2025: four demands; one solved and rated 4, one waiting for information; the
    day ends once Monday's digest reached the room (the notifiers look at their own pace)."""
    clock.set(local_time("2025-02-03", 9))
    world = await build_world(store)
    demands = {name: await world.open(title=f"Demanda {name}") for name in ("velha", "nova", "resolvida", "info")}
    clock.set(local_time("2025-02-03", 10))
    await world.run("solve", "caio", demands["resolvida"], "Feito.")
    await world.run("answer_survey", "ana", demands["resolvida"], 4)
    await world.run("request_info", "caio", demands["info"], "Qual empenho?")
    await world.run("answer", "caio", demands["nova"], "Estamos vendo.")
    await wait_until(lambda: _async(room_texts(api, "Resumo do dia 03/02")))
    return demands


async def test_the_digest_goes_to_the_room_once_at_digest_time_with_what_happened(store, clock, api, two_notifiers):
    demands = await a_day_of_work(store, clock, api)
    clock.set(local_time("2025-02-04", 8, 29))  # Tuesday, a minute early: nothing
    assert await queue_digests(store, SCHEDULE.digest_at, "test") == 0
    clock.set(local_time("2025-02-04", 8, 30))
    digest, = await wait_until(lambda: _async(room_texts(api, "Resumo do dia 04/02")))
    await drained(two_notifiers)
    assert digest.splitlines()[:4] == ["📋 Resumo do dia 04/02 (desde 03/02)", "Abertas: 4", "Solucionadas: 1",
                                       "Pesquisa de satisfação: média 4,0 em 1 resposta(s)"]
    waiting = digest.split("Aguardando a CAGE: 2\n")[1].split("\n\n")[0].splitlines()
    # The longest wait first: "velha" waits since it was opened, "nova" since its answer.
    assert [line.split(" · ")[0][2:] for line in waiting] == [demands["velha"], demands["nova"]]
    assert waiting[0].endswith("9 h úteis") and waiting[1].endswith("8 h úteis")
    assert "Aguardando informações do solicitante: 1\n• " + demands["info"] in digest
    assert await queue_digests(store, SCHEDULE.digest_at, "test") == 0  # claimed for the day
    assert await count(store, DigestClaimRow) == 2 and len(room_texts(api, "Resumo do dia 04/02")) == 1


async def test_a_process_that_claims_a_room_while_another_is_claiming_it_waits_and_yields(store, database_url,
                                                                                           clock, tmp_path):
    """The claim itself, the two processes' moves forced in the worst order: the second one looks
    while the first one's claim is written but not committed (on PostgreSQL it sees no claim yet
    and its own waits on the first one's key; on SQLite it waits for the writer), then queues
    nothing."""
    await build_world(store)
    clock.set(local_time("2025-02-04", 8, 30))
    other = await Store.open(database_url, clock=clock, attachments_dir=tmp_path / "other", migrate=False)
    try:
        async with store.transaction() as tx:
            room, = await attendant_rooms(tx)
            assert await claim_digest(tx, room.id, date(2025, 2, 4), "first")
            second = asyncio.create_task(queue_digests(other, SCHEDULE.digest_at, "second"))
            await asyncio.sleep(0.3)
            assert not second.done()  # waiting for the first one's transaction
        assert await second == 0
    finally:
        await other.close()
    async with store.transaction() as tx:
        claims = (await tx.session.execute(select(DigestClaimRow.chat_id, DigestClaimRow.claimed_by))).all()
    assert claims == [(room.id, "first")]


async def test_no_digest_on_a_weekend_or_a_holiday(store, clock):
    await build_world(store)
    for moment in (local_time("2025-02-08", 9), local_time("2025-04-18", 9), local_time("2025-09-20", 9)):
        clock.set(moment)
        assert await queue_digests(store, SCHEDULE.digest_at, "test") == 0
    clock.set(local_time("2025-02-10", 9))  # Monday: the weekend's digest is Monday's
    assert await queue_digests(store, SCHEDULE.digest_at, "test") == 1


async def test_a_long_wait_is_announced_once_across_a_weekend(store, clock, api, two_notifiers):
    clock.set(local_time("2025-02-06", 14))  # Thursday
    world = await build_world(store)
    protocol = await world.open(title="Espera longa")
    clock.set(local_time("2025-02-10", 17, 59))  # 4 + 10 + 9h59 working hours: not yet
    assert await queue_attention(store, 24, "test") == 0
    clock.set(local_time("2025-02-10", 18))  # Thursday 4 h, Friday 10, Monday 10: the weekend not counted
    announcement, = await wait_until(lambda: _async(room_texts(api, "aguarda a CAGE")))
    assert announcement.startswith(f"⚠️ {protocol} aguarda a CAGE há 24 horas úteis: Espera longa")
    await drained(two_notifiers)  # before the clock jumps: a send in flight would see its lease run out
    clock.set(local_time("2025-02-11", 12))
    assert await queue_attention(store, 24, "test") == 0
    await drained(two_notifiers)
    assert await count(store, AttentionMarkRow) == 1 and len(room_texts(api, "aguarda a CAGE")) == 1
    # A CAGE action starts another wait, which is announced again when it too is long.
    await world.run("answer", "caio", protocol, "Em análise.")
    await drained(two_notifiers)
    clock.set(local_time("2025-02-14", 12))
    await wait_until(lambda: _async(len(room_texts(api, "aguarda a CAGE")) == 2))
    await drained(two_notifiers)
    assert await count(store, AttentionMarkRow) == 2 and len(room_texts(api, "aguarda a CAGE")) == 2


async def _async(value):
    return value


async def test_a_digest_that_fails_to_send_is_retried_and_still_sent_once(store, clock, api, two_notifiers):
    await a_day_of_work(store, clock, api)
    await drained(two_notifiers)  # Monday's pushes sent
    api.fail_next("sendMessage", status=502, description="Bad Gateway")
    clock.set(local_time("2025-02-04", 9))
    await wait_until(lambda: _retry_waits(store))
    assert not room_texts(api, "Resumo do dia 04/02")
    clock.advance(minutes=10)  # past the backoff: the outbox row is due again
    await wait_until(lambda: _async(room_texts(api, "Resumo do dia 04/02")))
    await drained(two_notifiers)
    assert len(room_texts(api, "Resumo do dia 04/02")) == 1


async def _retry_waits(store) -> bool:
    async with store.transaction() as tx:
        return bool(await tx.session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.audience == "digest",
                                                              OutboxRow.status == "pending",
                                                              OutboxRow.last_error.is_not(None))))


async def test_long_waits_found_in_one_look_are_one_message_in_the_room(store, clock, api, two_notifiers):
    clock.set(local_time("2025-02-03", 9))
    world = await build_world(store)
    protocols = [await world.open(title=f"Espera {n}") for n in range(3)]
    clock.set(local_time("2025-02-04", 9))
    await world.run("answer", "caio", protocols[2], "Já vimos.")  # its wait starts again: 18 h by then
    clock.set(local_time("2025-02-05", 17))  # Monday 9, Tuesday 10, Wednesday 9: 28 h
    announcement, = await wait_until(lambda: _async(room_texts(api, "aguardam a CAGE")))
    assert announcement.splitlines()[0] == "⚠️ 2 demandas aguardam a CAGE há mais de 24 horas úteis:"
    assert [line.split(" · ")[0][2:] for line in announcement.splitlines()[1:]] == protocols[:2]
    await drained(two_notifiers)
    assert await count(store, AttentionMarkRow) == 2 and not room_texts(api, "aguarda a CAGE há")
