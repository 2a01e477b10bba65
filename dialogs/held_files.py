"""The one place that holds files for a dialog: a demand's draft, a comment, an attendant's answer.

Files wait in the store's pending attachments (content by SHA-256); a dialog's state keeps only
the ``HeldFile`` references this module hands back. A file is checked when it arrives, as the
store will check it when attached (by content, and the caps of one event: store/attachments.py
defines them, ``rule`` says them): each refused file is answered on its own with its reason, and
the others are kept. Any held file can be removed by its number or its name ("remover 2").

No sentences here: they come from dialogs/texts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dialogs import choice_ids as ids
from dialogs import words
from dialogs.flow import Reply, Turn
from dialogs.messages import IncomingFile
from store import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_EVENT, MAX_ATTACHMENTS_TOTAL_BYTES, NewAttachment
from store.attachments import MB
from store.pending import HeldFile, held_attachments, hold_files, release

Held = tuple[HeldFile, ...]


def rule(turn: Turn) -> str:
    """The attachment rule, in the words every message uses."""
    return turn.t("files.rule", count=MAX_ATTACHMENTS_PER_EVENT, each=MAX_ATTACHMENT_BYTES // MB,
                  total=MAX_ATTACHMENTS_TOTAL_BYTES // MB)


async def keep(turn: Turn, files: Sequence[IncomingFile], held: Held) -> tuple[Held, Held]:
    """Hold the `files` that may join `held`, saying why each other one is refused: (every file
    held now, those of `files` among them)."""
    if not files:
        return held, ()
    kept, refused = await hold_files(
        turn.tx, turn.person.id,
        [NewAttachment(filename=file.filename, data=file.data, content_type=file.content_type) for file in files],
        held)
    for refusal in refused:
        turn.refuse(refusal)
    return held + tuple(kept), tuple(kept)


async def take(turn: Turn, held: Held) -> list[NewAttachment]:
    """The held files' contents, to attach to what is being sent; they stay held until `drop`."""
    return await held_attachments(turn.tx, turn.person.id, [file.id for file in held])


async def drop(turn: Turn, held: Held) -> None:
    """Forget the held files (sent, cleared or abandoned)."""
    await release(turn.tx, turn.person.id, [file.id for file in held])


def names(held: Held) -> str:
    return ", ".join(file.filename for file in held)


def listing(held: Held) -> str:
    """The held files one a line, numbered as "remover 2" counts them."""
    return "\n".join(f"{number}. {file.filename}" for number, file in enumerate(held, start=1))


# --- removing one -------------------------------------------------------------------------------------

def remove_choice(turn: Turn) -> list:
    return [turn.choice(ids.REMOVE_FILE, "files.remove")]


async def removal(turn: Turn, reply: Reply, held: Held, save: Callable[[Held], None]) -> bool:
    """Whether `reply` is about removing one of the `held` files ("Remover um anexo" pressed, one of
    them pressed in the list that follows, "remover 2", "remover nota.pdf"). If so it is answered:
    the list is shown, or the file named is removed (`save` gets the files left, and the step's
    question is asked again)."""
    if not held:
        return False
    pressed = ids.remove_file_of(reply.choice)
    named = None if reply.choice else words.removal(reply.text)
    if reply.choice != ids.REMOVE_FILE and pressed is None and named is None:
        return False
    file = next((file for file in held if file.id == pressed), None) if pressed is not None else _named(held, named)
    if file is None:
        if named:
            turn.say("files.remove_unknown", what=named)
        turn.say("files.remove_which", choices=[turn.choice(ids.remove_file(item.id), "files.remove_one",
                                                            name=item.filename) for item in held])
        return True
    await drop(turn, (file,))
    save(tuple(item for item in held if item.id != file.id))
    turn.say("files.removed", name=file.filename)
    await turn.ask()
    return True


def _named(held: Held, named: str | None) -> HeldFile | None:
    if not named:
        return None
    if named.isdigit():
        number = int(named)
        return held[number - 1] if 1 <= number <= len(held) else None
    for file in held:
        name = words.normalize(file.filename)
        if named in (name, name.rpartition(".")[0]):
            return file
    return None
