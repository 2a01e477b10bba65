"""Files held before they are sent: checked when held (content, caps of one event), kept by content
hash, given back to their owner only, released, forgotten when abandoned for a week."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select
from store_support import PDF, draft

from store import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_TOTAL_BYTES, NewAttachment
from store import errors
from store.models import PendingAttachmentRow
from store.pending import HeldFile, held_attachments, hold_files, release

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def hold(world, member, *files: NewAttachment) -> list[HeldFile]:
    held, refused = await hold_beside(world, member, (), *files)
    assert refused == []
    return held


async def hold_beside(world, member, beside, *files: NewAttachment):
    async with world.store.transaction() as tx:
        return await hold_files(tx, member.person_id, files, beside)


async def contents(world, member, ids) -> list[NewAttachment]:
    async with world.store.transaction() as tx:
        return await held_attachments(tx, member.person_id, ids)


async def pending_rows(world) -> int:
    async with world.store.transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(PendingAttachmentRow))


def stored_files(world) -> list[str]:
    return sorted(path.name for path in world.store.files.root.rglob("*") if path.is_file())


async def test_held_files_come_back_in_the_order_asked(world):
    held = await hold(world, world.ana, NewAttachment("nota.pdf", PDF, "application/pdf"),
                      NewAttachment("foto.png", PNG))
    assert [(f.filename, f.size, f.content_type) for f in held] == [
        ("nota.pdf", len(PDF), "application/pdf"), ("foto.png", len(PNG), "image/png")]
    back = await contents(world, world.ana, [held[1].id, held[0].id])
    assert back == [NewAttachment("foto.png", PNG, "image/png"), NewAttachment("nota.pdf", PDF, "application/pdf")]


async def test_someone_elses_ids_give_nothing_and_release_nothing(world):
    held = await hold(world, world.ana, NewAttachment("nota.pdf", PDF))
    ids = [f.id for f in held]
    assert await contents(world, world.bia, ids) == []
    async with world.store.transaction() as tx:
        await release(tx, world.bia.person_id, ids)
    assert [f.filename for f in await contents(world, world.ana, ids)] == ["nota.pdf"]


async def test_a_released_file_is_gone_but_its_content_stays(world):
    kept, dropped = await hold(world, world.ana, NewAttachment("a.pdf", PDF), NewAttachment("b.png", PNG))
    async with world.store.transaction() as tx:
        await release(tx, world.ana.person_id, [dropped.id])
    assert [f.filename for f in await contents(world, world.ana, [kept.id, dropped.id])] == ["a.pdf"]
    # Content-addressed, maybe shared with an attachment or another held file: left alone.
    assert hashlib.sha256(PNG).hexdigest() in stored_files(world)


async def test_the_same_content_is_stored_once(world):
    await hold(world, world.ana, NewAttachment("a.pdf", PDF), NewAttachment("copia.pdf", PDF))
    await hold(world, world.bia, NewAttachment("outra.pdf", PDF))
    assert stored_files(world) == [hashlib.sha256(PDF).hexdigest()]
    assert await pending_rows(world) == 3


async def test_files_held_a_week_ago_go_when_the_person_holds_another(world, clock):
    [old] = await hold(world, world.ana, NewAttachment("antigo.pdf", PDF))
    [theirs] = await hold(world, world.bia, NewAttachment("dela.pdf", PDF))
    clock.advance(days=6, hours=23)
    [recent] = await hold(world, world.ana, NewAttachment("recente.pdf", PDF))
    assert len(await contents(world, world.ana, [old.id, recent.id])) == 2
    clock.advance(hours=2)
    [new] = await hold(world, world.ana, NewAttachment("novo.pdf", PDF))
    names = [f.filename for f in await contents(world, world.ana, [old.id, recent.id, new.id])]
    assert names == ["recente.pdf", "novo.pdf"]
    # Only the person's own rows: someone else's old draft waits for them.
    assert [f.filename for f in await contents(world, world.bia, [theirs.id])] == ["dela.pdf"]


async def test_names_are_cleaned_as_the_demand_will_store_them(world):
    [held] = await hold(world, world.ana, NewAttachment("C:\\Docs\\nota.pdf", PDF))
    assert held.filename == "nota.pdf"
    [long_name] = await hold(world, world.ana, NewAttachment("x" * 300 + ".pdf", PDF, "a/" + "b" * 200))
    assert len(long_name.filename) == 200 and long_name.filename.endswith(".pdf")
    # The type the content shows, not the one the channel claimed.
    assert long_name.content_type == "application/pdf"


async def test_each_file_is_checked_when_held_and_the_good_ones_kept(world):
    program = NewAttachment("relatorio.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    held, [refusal] = await hold_beside(world, world.ana, (), NewAttachment("nota.pdf", PDF), program)
    assert [f.filename for f in held] == ["nota.pdf"]
    assert (refusal.code, refusal.filename) == (errors.ATTACHMENT_EXECUTABLE, "relatorio.pdf")
    assert await pending_rows(world) == 1 and stored_files(world) == [hashlib.sha256(PDF).hexdigest()]


async def test_the_caps_of_one_event_count_the_files_already_held(world):
    big = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF))
    first = await hold(world, world.ana, *(NewAttachment(f"{n}.pdf", big) for n in range(2)))
    held, [over] = await hold_beside(world, world.ana, first, NewAttachment("c.pdf", big), NewAttachment("d.pdf", PDF))
    assert [f.filename for f in held] == ["d.pdf"]
    assert (over.code, over.filename, over.facts["limit"]) == (
        errors.ATTACHMENTS_TOO_BIG_IN_ALL, "c.pdf", MAX_ATTACHMENTS_TOTAL_BYTES // (1024 * 1024))
    ten = await hold(world, world.ana, *(NewAttachment(f"{n}.pdf", PDF) for n in range(10)))
    held, [eleventh] = await hold_beside(world, world.ana, ten, NewAttachment("11.pdf", PDF))
    assert held == [] and (eleventh.code, eleventh.filename) == (errors.TOO_MANY_ATTACHMENTS, "11.pdf")


async def test_held_contents_attach_to_a_demand(world):
    held = await hold(world, world.ana, NewAttachment("nota.pdf", PDF), NewAttachment("foto.png", PNG))
    async with world.store.transaction() as tx:
        files = await held_attachments(tx, world.ana.person_id, [f.id for f in held])
        demand = await tx.open_demand(world.ana.actor(), draft(), attachments=files)
        await release(tx, world.ana.person_id, [f.id for f in held])
    assert [a.filename for a in demand.attachments] == ["nota.pdf", "foto.png"]
    assert await pending_rows(world) == 0


async def test_a_rolled_back_hold_leaves_no_row(world):
    with pytest.raises(RuntimeError):
        async with world.store.transaction() as tx:
            await hold_files(tx, world.ana.person_id, [NewAttachment("nota.pdf", PDF)], ())
            raise RuntimeError("the turn failed")
    assert await pending_rows(world) == 0
    # The content was written first: left over unreferenced, never a row without its content.
    assert stored_files(world) == [hashlib.sha256(PDF).hexdigest()]
