"""An activity Teams sends again (after a timeout or a 5xx on its side) is acknowledged and
handled once: no second answer, no second step taken."""

from __future__ import annotations

from sqlalchemy import select

from store.models import InboxRow


async def conversation(store, maria) -> dict:
    async with store.transaction() as tx:
        return await tx.load_conversation("teams", maria.conversation_id, maria.aad_object_id)


async def test_the_same_activity_posted_twice_is_answered_once(maria, connector, store):
    await maria.says("oi")
    answer = maria.activity(text="Maria Souza", textFormat="plain")
    status, first = await maria.post(answer)
    assert status == 200 and first
    after_first = await conversation(store, maria)
    status, again = await maria.post(answer)
    assert status == 200 and again == []
    async with store.transaction() as tx:
        rows = (await tx.session.execute(select(InboxRow.update_key, InboxRow.status)
                                         .where(InboxRow.update_key == answer["id"]))).all()
    assert [tuple(row) for row in rows] == [(answer["id"], "done")]
    assert await conversation(store, maria) == after_first  # one step forward, not two
