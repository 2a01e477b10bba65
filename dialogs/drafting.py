"""Moving through a new demand's draft: the rule that picks the next step, and what steps share.

The draft (`Draft`, in the state `NewDemandState`) lists the steps answered in `done`; after any
answer the flow goes to the first step of ORDER not done yet, or to the summary. That single rule
serves the first pass, "voltar", editing from the summary, and the proposal made from free text.

A draft is never thrown away unless the person says so ("cancelar", "Descartar", "Começar de
novo") or sends it: leaving it for anything else keeps it (`leave`), files included, for the next
"Nova demanda" to offer again.
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs import held_files, pending, words
from dialogs.flow import Reply, Turn
from dialogs.messages import Choice
from dialogs.states import Draft, changed
from store import MAX_TITLE

ORDER = ("title", "organ", "type", "category", "subject", "module", "description", "attachments")


def draft_of(turn: Turn) -> Draft:
    return turn.state.draft


def change(turn: Turn, **fields: Any) -> None:
    """Change fields of the draft."""
    turn.update(draft=changed(turn.state.draft, **fields))


def applies(turn: Turn, step: str) -> bool:
    if step == "module":
        type_key = draft_of(turn).type_key
        return bool(type_key) and turn.taxonomy.subject_mode(type_key) == "system"
    return True


def mark(turn: Turn, step: str) -> None:
    done = draft_of(turn).done
    if step not in done:
        change(turn, done=done + (step,))


# Later answers that depend on a changed one must be asked again.
_DEPENDENT_FIELDS = {"category": ("category_key",), "subject": ("subject_key", "subject_detail")}


def forget(turn: Turn, *steps: str) -> None:
    forgotten = {name: None for step in steps for name in _DEPENDENT_FIELDS.get(step, ())}
    change(turn, done=tuple(step for step in draft_of(turn).done if step not in steps), **forgotten)


async def advance(turn: Turn) -> None:
    for step in ORDER:
        if applies(turn, step) and step not in draft_of(turn).done:
            await turn.goto(step)
            return
    await turn.goto("summary")


async def answered(turn: Turn, step: str, **fields: Any) -> None:
    """`step` is answered (with `fields` for the draft): on to the next step not done yet."""
    if fields:
        change(turn, **fields)
    mark(turn, step)
    await advance(turn)


async def back(turn: Turn) -> None:
    if turn.state.editing:
        await turn.goto("summary")
        return
    current = turn.state.step
    earlier = ORDER[:ORDER.index(current)] if current in ORDER else ORDER
    for step in reversed(earlier):
        if applies(turn, step):
            await turn.goto(step)
            return
    await turn.menu("new.back_to_menu")


def keep_choice(turn: Turn, value: Any) -> list[Choice]:
    return [turn.choice(ids.KEEP, "keep")] if value else []


def current_line(turn: Turn, value: Any) -> str:
    return "\n" + turn.t("current", value=value) if value else ""


async def typed_line(turn: Turn, reply: Reply, too_long_key: str) -> str | None:
    """The short line the person typed (title, theme, module path), spaces folded; None when there
    is none to take, after saying why and asking again."""
    text = "" if reply.choice else " ".join(reply.text.split())
    if reply.choice:
        turn.say("stale")
    elif len(text) > MAX_TITLE:
        turn.say(too_long_key, length=len(text), limit=MAX_TITLE)
    elif not_the_demands_text(turn, text):
        text = ""
    if not text or len(text) > MAX_TITLE:
        await turn.ask()
        return None
    return text


def not_the_demands_text(turn: Turn, text: str) -> bool:
    """Whether `text`, typed where the demand's own text is asked for (title, theme, description),
    is no such text, after saying so: a greeting alone is said back; a yes, a no, a number, a
    command or a "pular" alone answers some other question, as a demand asked for does ("status
    da CAGE-…"), and the person is told what is asked."""
    if words.global_word(text) == "greeting":
        turn.say("new.greeting_is_no_answer")
        return True
    if pending.is_a_request_alone(text) or pending.asks_about_a_demand(text):
        turn.say("new.not_the_demands_text", text=text[:60])
        return True
    return False


async def leave(turn: Turn) -> None:
    """The person goes elsewhere in the middle of the draft: it is kept, and they are told so."""
    draft = draft_of(turn)
    if draft == Draft():
        return
    older = turn.state.kept
    if older is not None and older != draft:
        # One kept draft at a time: the one just left replaces an older one, whose files go.
        await held_files.drop(turn, tuple(file for file in older.files if file not in draft.files))
    turn.update(kept=draft)
    turn.say("new.draft_kept")


async def discard(turn: Turn, key: str | None = "new.cancelled") -> None:
    """The person gives the draft up: its files go, and it is not kept. At the menu, says `key`."""
    await held_files.drop(turn, draft_of(turn).files)
    turn.update(draft=Draft())
    await turn.menu(key)
