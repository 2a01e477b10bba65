"""Files held for something a person has not sent yet (a demand's draft, a comment, an attendant's
answer), so that the conversation state carries ids, never contents.

The content goes to the attachment store under its SHA-256, like the attachments of an event; a
row here says whose it is and under which name. Nothing is checked when a file is held: the
checks of ``check_attachments`` run when the files are attached to an event, so a refusal is
said where it is said today, at sending.

Functions over an open ``Transaction``: they join its unit of work.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from .attachments import CheckedAttachment, ContentStore, NewAttachment, clean_filename
from .models import PendingAttachmentRow

# A draft left alone for a week is abandoned: its files go when the person next holds one.
ABANDONED_AFTER = timedelta(days=7)
_CONTENT_TYPE_WIDTH = PendingAttachmentRow.content_type.type.length


@dataclass(frozen=True)
class HeldFile:
    id: int
    filename: str
    size: int
    content_type: str | None = None


async def hold_files(tx, person_id: int, files: Sequence[NewAttachment]) -> list[HeldFile]:
    """Hold `files` for `person_id`, in the given order."""
    if not files:
        return []
    now = tx.now()
    await tx.session.execute(delete(PendingAttachmentRow).where(
        PendingAttachmentRow.person_id == person_id,
        PendingAttachmentRow.created_at < now - ABANDONED_AFTER))
    rows = []
    for file in files:
        data = bytes(file.data)
        # Written before the row that points to it: a rollback leaves at most an unreferenced
        # file (harmless, content-addressed), never a row without its content.
        sha256 = await asyncio.to_thread(_write_content, tx.store.files, data)
        rows.append(PendingAttachmentRow(
            # The demand will store the name cleaned so: the person sees now the name it gets.
            person_id=person_id, filename=clean_filename(file.filename), size=len(data),
            content_type=file.content_type[:_CONTENT_TYPE_WIDTH] if file.content_type else None,
            sha256=sha256, created_at=now))
    tx.session.add_all(rows)
    await tx.session.flush()
    return [HeldFile(id=row.id, filename=row.filename, size=row.size, content_type=row.content_type)
            for row in rows]


def _write_content(contents: ContentStore, data: bytes) -> str:
    # Hashing 20 MB takes tens of milliseconds: off the event loop, with the write.
    sha256 = hashlib.sha256(data).hexdigest()
    # The content store needs only the hash and the bytes; the checks come when it is attached.
    contents.put(CheckedAttachment(filename="", data=data, content_type="", sha256=sha256))
    return sha256


async def held_attachments(tx, person_id: int, ids: Sequence[int]) -> list[NewAttachment]:
    """The contents of the person's held files `ids`, in that order; any other id is skipped."""
    if not ids:
        return []
    by_id = {row.id: row for row in await tx.session.scalars(select(PendingAttachmentRow).where(
        PendingAttachmentRow.person_id == person_id, PendingAttachmentRow.id.in_(list(ids))))}
    found = []
    for held_id in ids:
        row = by_id.get(held_id)
        if row is not None:
            data = await asyncio.to_thread(tx.store.files.get, row.sha256)
            found.append(NewAttachment(filename=row.filename, data=data, content_type=row.content_type))
    return found


async def release(tx, person_id: int, ids: Sequence[int]) -> None:
    """Forget the person's held files `ids`. Their content stays: another row, or an
    attachment, may have the same hash."""
    if ids:
        await tx.session.execute(delete(PendingAttachmentRow).where(
            PendingAttachmentRow.person_id == person_id, PendingAttachmentRow.id.in_(list(ids))))

