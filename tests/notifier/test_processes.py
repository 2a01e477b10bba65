"""Real notifier processes: killed with SIGKILL in the middle of a batch and restarted, nothing is
lost and only what was in flight may repeat; two processes on PostgreSQL share 500 events with no
double and no loss, and send each room's daily digest once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from notifier_support import ANA_TG, ANA_TG2, ROOM_TG, build_world, start_notifier, stop, unsent, wait_until
from samples import DRAFT

from store import Actor, Store
from store.workdays import LOCAL, is_working_day, local

def answers(api, chat: int) -> list[str]:
    return [m["text"].rsplit("\n", 1)[-1] for m in api.sent_to(chat) if "Respondido(a)" in m["text"]]


@pytest.mark.slow
async def test_sigkill_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(api, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}"
    store = await Store.open(url, attachments_dir=tmp_path / "files")
    world = await build_world(store)
    protocol = await world.open()
    expected = [f"resposta {n:02d}" for n in range(12)]
    for text in expected:
        await world.run("answer", "caio", protocol, text)

    api.hold("sendMessage", after=9)
    first = await start_notifier(api, url)
    await api.wait_for(lambda: api.held, timeout=60)
    await asyncio.sleep(0.2)  # let the other chat's send get in flight too, if it will
    first.kill()  # SIGKILL: no cleanup at all
    await first.wait()
    in_flight = {(call.params["chat_id"], str(call.params["text"]).rsplit("\n", 1)[-1]) for call in api.held}
    before_kill = len(api.calls_of("sendMessage")) - len(api.held)
    assert in_flight and 0 < before_kill < 12 * 2  # killed in the middle, with sends in flight
    api.release()  # the requests that were in flight reach "Telegram" after all

    second = await start_notifier(api, url)
    try:
        await wait_until(lambda: _empty(store), timeout=60)
    finally:
        await stop(second)
    for chat in (ANA_TG, ANA_TG2):
        got = answers(api, chat)
        assert sorted(set(got)) == expected, chat  # nothing lost
        assert list(dict.fromkeys(got)) == expected  # first deliveries in order
        repeated = [text for text, count in Counter(got).items() if count > 1]
        assert all((chat, text) in in_flight for text in repeated)  # only an in-flight send repeats
        assert all(count <= 2 for count in Counter(got).values())
    await store.close()


@pytest.mark.slow
@pytest.mark.postgres
async def test_two_notifiers_on_postgres_deliver_500_events_without_double_or_loss(api, postgres_live_store):
    store = postgres_live_store
    postgres_url = store.engine.url.render_as_string(hide_password=False)
    world = await build_world(store, ana_chats=())
    setup = time.monotonic()
    people = []
    async with store.transaction() as tx:
        for n in range(25):
            person = await tx.ensure_person("telegram", f"p{n}", f"Pessoa {n}")
            await tx.ensure_chat("telegram", str(5000 + n), "private", person_id=person.id)
            people.append(person.id)
    protocols = []
    for person_id in people:
        async with store.transaction() as tx:
            protocols.append((await tx.open_demand(Actor(person_id), DRAFT)).protocol)
    # 25 chats x 20 events; the room's "new demand" rows are delivered too.
    for round_ in range(20):
        for protocol in protocols:
            await world.run("answer", "caio", protocol, f"resposta {round_:02d}")

    started = time.monotonic()
    processes = [await start_notifier(api, postgres_url, lease=30) for _ in range(2)]
    try:
        await wait_until(lambda: _empty(store), timeout=90)
    finally:
        for process in processes:
            await stop(process)
    print(f"setup {started - setup:.1f}s, delivery {time.monotonic() - started:.1f}s")
    for n in range(25):
        assert answers(api, 5000 + n) == [f"resposta {r:02d}" for r in range(20)]
    sends = Counter((call.params["chat_id"], call.params["text"]) for call in api.calls_of("sendMessage"))
    # + each requester's "registered" confirmation, the room's "new demand" and "received" (the
    # first answer received each demand), once each
    assert sum(sends.values()) == 500 + 25 + 25 + 25 and max(sends.values()) == 1


@pytest.mark.slow
@pytest.mark.postgres
async def test_two_notifiers_on_postgres_send_each_rooms_digest_once(api, postgres_live_store):
    store = postgres_live_store
    world = await build_world(store)
    async with store.transaction() as tx:
        second_room = await tx.ensure_chat("telegram", "-2002", "group")
        await tx.bind_room(world.caio_actor(), second_room.id)
    for n in range(3):
        await world.open(title=f"Demanda {n}")
    # Both processes' clocks show the same moment at the same instant: 08:30 of the next working
    # day comes for both at once, a few seconds from now, once both are up and looking (every
    # 50 ms). The demands opened now are that day's "yesterday" (the previous working day, or
    # the weekend before it).
    day = local(store.clock()).date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    due_in = 5.0
    start = (datetime(day.year, day.month, day.day, 8, 30, tzinfo=LOCAL) - timedelta(seconds=due_in)).isoformat()
    url = store.engine.url.render_as_string(hide_password=False)
    timeline = {"schedule_interval": 0.05, "pretend_now": start, "pretend_from": time.time()}
    processes = [await start_notifier(api, url, **timeline) for _ in range(2)]
    rooms = (ROOM_TG, -2002)
    try:
        await asyncio.sleep(due_in - 1)
        assert not any(_digests(api, room) for room in rooms)  # not before its time
        await wait_until(lambda: _digests_in(api, rooms), timeout=60)
        await wait_until(lambda: _empty(store), timeout=60)
        await asyncio.sleep(0.5)  # both processes look again, many times, before they stop
        assert [process.returncode for process in processes] == [None, None]  # both there throughout
    finally:
        for process in processes:
            await stop(process)
    for room in rooms:
        digests = _digests(api, room)
        assert len(digests) == 1 and "Abertas: 3" in digests[0], room


def _digests(api, room: int) -> list[str]:
    return [m["text"] for m in api.sent_to(room) if m["text"].startswith("📋 Resumo do dia")]


async def _digests_in(api, rooms) -> bool:
    return all(_digests(api, room) for room in rooms)


async def _empty(store) -> bool:
    return await unsent(store) == 0
