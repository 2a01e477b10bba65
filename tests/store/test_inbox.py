"""The inbox on both databases: an update is written once, taken in its chat's order, done only
by the one turn that commits it, and a dead process's claims are taken over."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from sqlalchemy import select

from store import inbox, outbox
from store.inbox import AlreadyHandled, Received
from store.models import InboxRow, OutboxRow
from store.owners import HOST, release_dead_claims

OWNER = f"{HOST}:1:test"


def update(chat: str, key: int, group: str | None = None) -> Received:
    return Received(channel="telegram", chat_key=chat, update_key=str(key), payload={"update_id": key},
                    group_key=group)


async def statuses(store) -> dict[str, str]:
    async with store.transaction() as tx:
        rows = (await tx.session.execute(select(InboxRow.update_key, InboxRow.status))).all()
    return dict(rows)


async def test_the_same_update_twice_is_written_once(store):
    first = await inbox.receive(store, [update("1", 10)])
    again = await inbox.receive(store, [update("1", 10), update("1", 11)])
    assert first[0] is not None and again[0] is None and again[1] is not None
    assert await statuses(store) == {"10": "pending", "11": "pending"}


async def test_only_the_oldest_pending_update_of_each_chat_is_claimed(store):
    await inbox.receive(store, [update("1", 1), update("2", 2), update("1", 3), update("2", 4)])
    first = await inbox.claim(store, OWNER, channels=["telegram"], limit=10, lease=30)
    assert [item.payload["update_id"] for item in first] == [1, 2]
    # Claimed and still pending: their chats' next updates are not heads yet, for anybody.
    assert await inbox.claim(store, "other:2:x", channels=["telegram"], limit=10, lease=30) == []
    await inbox.finish(store, [first[0].id])
    (second,) = await inbox.claim(store, "other:2:x", channels=["telegram"], limit=10, lease=30)
    assert second.payload["update_id"] == 3
    assert await inbox.claim(store, OWNER, channels=["teams"], limit=10, lease=30) == []


async def test_a_lease_that_runs_out_makes_the_row_claimable_again(store, clock):
    await inbox.receive(store, [update("1", 1)])
    (item,) = await inbox.claim(store, OWNER, channels=["telegram"], limit=1, lease=30)
    clock.advance(seconds=31)
    (again,) = await inbox.claim(store, "other:2:x", channels=["telegram"], limit=1, lease=30)
    assert again.id == item.id and again.attempts == 2


async def test_a_turn_commits_only_if_it_is_the_one_that_marks_its_rows_done(store):
    (row,) = await inbox.receive(store, [update("1", 1)])
    row_id = row.id
    async with store.transaction() as tx:
        await tx.finish_inbox([row_id])
    with pytest.raises(AlreadyHandled):
        async with store.transaction() as tx:
            await tx.finish_inbox([row_id])
            await tx.ensure_person("telegram", "never", "Nunca Gravado")
    async with store.transaction() as tx:
        assert await tx.person_for_account("telegram", "never") is None
    assert await statuses(store) == {"1": "done"}


async def test_replies_are_born_claimed_unless_an_older_reply_of_the_chat_is_unsent(store, world):
    chat = world.ana.chats["tg"]
    async with store.transaction() as tx:
        first = await tx.queue_replies(chat, [{"text": "a"}, {"text": "b"}], OWNER, 60)
    assert len(first) == 2
    async with store.transaction() as tx:
        behind = await tx.queue_replies(chat, [{"text": "c"}], OWNER, 60)
    assert behind == []  # waits, pending, for the notifier: "a" and "b" are not confirmed yet
    async with store.transaction() as tx:
        rows = (await tx.session.execute(select(OutboxRow.status, OutboxRow.claimed_by)
                                         .where(OutboxRow.audience == "reply").order_by(OutboxRow.id))).all()
    assert [tuple(row) for row in rows] == [("sending", OWNER), ("sending", OWNER), ("pending", None)]
    await outbox.mark_sent_many(store, first, OWNER)
    async with store.transaction() as tx:
        assert len(await tx.queue_replies(world.bia.chats["tg"], [{"text": "d"}], OWNER, 60)) == 1


async def test_an_albums_parts_are_one_message(store):
    await inbox.receive(store, [update("1", 1, "album"), update("1", 2, "album"), update("1", 3),
                                update("1", 4, "album")])
    (head,) = await inbox.claim(store, OWNER, channels=["telegram"], limit=5, lease=30)
    parts = await inbox.group_of(store, head)
    assert [part.payload["update_id"] for part in parts] == [1, 2]


@pytest.mark.slow
async def test_the_claims_of_a_dead_process_of_this_host_are_taken_over_at_once(store, world):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = f"{HOST}:{gone.stdout.strip()}:dead"
    elsewhere = "another-host:1:x"
    await inbox.receive(store, [update("1", 1), update("2", 2)])
    await inbox.claim(store, dead, channels=["telegram"], limit=1, lease=600)
    await inbox.claim(store, elsewhere, channels=["telegram"], limit=1, lease=600)
    async with store.transaction() as tx:
        await tx.queue_replies(world.ana.chats["tg"], [{"text": "a"}], dead, 600)
    assert await release_dead_claims(store) == 1
    (taken,) = await inbox.claim(store, OWNER, channels=["telegram"], limit=5, lease=30)
    assert taken.payload["update_id"] == 1  # the other host's claim still holds
    (reply,) = await outbox.claim(store, OWNER, channels=["telegram"], limit=5)
    assert reply.message == {"text": "a"} and reply.event is None


async def test_two_processes_racing_for_one_update_commit_one_turn(store):
    (row,) = await inbox.receive(store, [update("1", 1)])
    row_id = row.id
    results = await asyncio.gather(*(turn(store, row_id, name) for name in ("one", "two")),
                                   return_exceptions=True)
    assert sorted(type(result).__name__ for result in results) == ["AlreadyHandled", "str"]
    async with store.transaction() as tx:
        people = [await tx.person_for_account("telegram", name) for name in ("one", "two")]
    assert sum(person is not None for person in people) == 1


async def turn(store, row_id: int, name: str) -> str:
    async with store.transaction() as tx:
        await tx.finish_inbox([row_id])
        await tx.ensure_person("telegram", name, name)
    return name


async def test_done_rows_are_kept_two_days_to_catch_late_duplicates(store, clock):
    (row,) = await inbox.receive(store, [update("1", 1)])
    row_id = row.id
    await inbox.finish(store, [row_id])
    clock.advance(days=1)
    assert await inbox.purge(store) == 0
    assert await inbox.receive(store, [update("1", 1)]) == [None]
    clock.advance(days=1, seconds=1)
    assert await inbox.purge(store) == 1


async def test_an_update_whose_chat_has_nothing_pending_is_written_claimed_by_its_receiver(store):
    first, second, part = await inbox.receive(store, [update("1", 1), update("1", 2), update("2", 3, "album")],
                                              taker=OWNER)
    assert (first.taken, second.taken, part.taken) == (True, False, False)
    # Taken at once by its receiver, it is nobody else's to claim; the chat's next one waits behind it.
    assert [item.payload["update_id"] for item in
            await inbox.claim(store, "other:2:x", channels=["telegram"], limit=5, lease=30)] == [3]
