"""The one place that holds files for a dialog: a demand's draft, a comment, an attendant's answer.

Files wait in the store's pending attachments (content by SHA-256); a dialog's state keeps only
the ``HeldFile`` references this module hands back. What is held for one thing to send is capped
as a demand's attachments are: ``MAX_FILES`` files, ``MAX_FILE_BYTES`` each, and
``MAX_TOTAL_BYTES`` in all (the total the "files.too_many" sentence states). A file beyond a cap
is refused now, by name, instead of making the conversation state or the sending heavy.

No sentences here: the callers say them, from dialogs/texts.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.flow import Turn
from dialogs.messages import IncomingFile
from store import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_EVENT, NewAttachment
from store.pending import HeldFile, held_attachments, hold_files, release

MAX_FILES = MAX_ATTACHMENTS_PER_EVENT
MAX_FILE_BYTES = MAX_ATTACHMENT_BYTES
MAX_TOTAL_BYTES = 20 * 1024 * 1024


async def keep(turn: Turn, files: Sequence[IncomingFile],
               held: tuple[HeldFile, ...]) -> tuple[tuple[HeldFile, ...], list[str]]:
    """Hold the `files` that fit beside `held`: the new held tuple, and the names refused."""
    fitting: list[NewAttachment] = []
    refused: list[str] = []
    count, total = len(held), sum(file.size for file in held)
    for file in files:
        size = len(file.data)
        if count >= MAX_FILES or size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES:
            refused.append(file.filename)
            continue
        fitting.append(NewAttachment(filename=file.filename, data=file.data, content_type=file.content_type))
        count, total = count + 1, total + size
    if not fitting:
        return held, refused
    return held + tuple(await hold_files(turn.tx, turn.person.id, fitting)), refused


async def take(turn: Turn, held: tuple[HeldFile, ...]) -> list[NewAttachment]:
    """The held files' contents, to attach to what is being sent; they stay held until `drop`."""
    return await held_attachments(turn.tx, turn.person.id, [file.id for file in held])


async def drop(turn: Turn, held: tuple[HeldFile, ...]) -> None:
    """Forget the held files (sent, cleared or abandoned)."""
    await release(turn.tx, turn.person.id, [file.id for file in held])


def names(held: tuple[HeldFile, ...]) -> str:
    return ", ".join(file.filename for file in held)
