"""Files held for something a person has not sent yet (a demand's draft, a comment, an attendant's
answer), so that the conversation state carries ids, never contents.

The content goes to the attachment store under its SHA-256, like the attachments of an event; a
row here says whose it is and under which name. A file is checked when it is held, as it will be
when attached (``check_attachment`` by content, and the caps of one event beside the files already
held), so a refusal is said when the file arrives, for that file alone, and the others are kept.

Functions over an open ``Transaction``: they join its unit of work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from .attachments import NewAttachment, beyond_the_caps, check_attachment
from .errors import AttachmentRejected
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


async def hold_files(tx, person_id: int, files: Sequence[NewAttachment],
                     beside: Sequence[HeldFile] = ()) -> tuple[list[HeldFile], list[AttachmentRejected]]:
    """Hold, in the given order, those of `files` that may join the files `beside` them (already
    held for the same thing): the files held now, and a refusal for each of the others."""
    if not files:
        return [], []
    now = tx.now()
    await tx.session.execute(delete(PendingAttachmentRow).where(
        PendingAttachmentRow.person_id == person_id,
        PendingAttachmentRow.created_at < now - ABANDONED_AFTER))
    rows, refused, together = [], [], list(beside)
    for file in files:
        try:
            # Sniffing and hashing 20 MB take tens of milliseconds: off the event loop.
            checked = await asyncio.to_thread(check_attachment, file)
        except AttachmentRejected as refusal:
            refused.append(refusal)
            continue
        refusal = beyond_the_caps(checked.filename, checked.size, together)
        if refusal is not None:
            refused.append(refusal)
            continue
        # Written before the row that points to it: a rollback leaves at most an unreferenced
        # file (harmless, content-addressed), never a row without its content.
        await asyncio.to_thread(tx.store.files.put, checked)
        # The name and type the demand will store: the person sees now the name it gets.
        row = PendingAttachmentRow(person_id=person_id, filename=checked.filename, size=checked.size,
                                   content_type=checked.content_type[:_CONTENT_TYPE_WIDTH],
                                   sha256=checked.sha256, created_at=now)
        rows.append(row)
        together.append(row)
    tx.session.add_all(rows)
    await tx.session.flush()
    return [HeldFile(id=row.id, filename=row.filename, size=row.size, content_type=row.content_type)
            for row in rows], refused


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

