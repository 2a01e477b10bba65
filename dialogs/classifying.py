"""A new demand's Anexo I classification: type → category → subject (a service, a free theme or a
system) → the system's module. Each question takes a button or free text matched fuzzily
(dialogs/choosing.py); a service or system written at the type or category question is taken
with its category, so the questions after it are not asked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialogs import choice_ids as ids
from dialogs import choosing, render
from dialogs.drafting import advance, answered, change, current_line, draft_of, forget, keep_choice, mark, typed_line
from dialogs.flow import Reply, Turn
from taxonomy.matching import NEAR_EXACT

OTHER_SUBJECT = "outro"  # the taxonomy's "Outro" service: its text is the subject


# --- type / category ------------------------------------------------------------------------------

def type_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="type", entries=turn.taxonomy.types, level="type", label=_label(turn))


async def ask_type(turn: Turn) -> None:
    current = render.type_name(turn.taxonomy, draft_of(turn).type_key, turn.t)
    choosing.show(turn, type_options(turn), turn.t("new.type") + current_line(turn, current), keep=bool(current))


async def answer_type(turn: Turn, reply: Reply) -> None:
    """A type; written with a service or system of it ("FPE", "liberar liquidação"), the flow
    goes on as if that were written at the category question."""
    async def with_the_subject_written() -> None:
        subject = _subject_written(turn, reply.text)
        if subject is None or "category" in draft_of(turn).done or not await _took_subject(turn, reply.text, subject):
            await advance(turn)
    await answer_classification(turn, reply, "type", type_options(turn), then=("category", "subject", "module"),
                                onward=None if reply.choice else with_the_subject_written)


def category_options(turn: Turn) -> choosing.Options:
    """The type's categories; after a subject written in their place, those that hold it."""
    type_key = draft_of(turn).type_key
    named = _named_subject(turn)
    entries = _homes(turn, named) if named is not None else turn.taxonomy.categories(type_key)
    return choosing.Options(prefix="cat", entries=entries, level="category", type_key=type_key, label=_label(turn))


def _label(turn: Turn):
    """Types and categories as the reader's language names them."""
    english = render.in_english(turn.t)
    return lambda entry: entry.label(english)


async def ask_category(turn: Turn) -> None:
    draft = draft_of(turn)
    current = render.category_name(turn.taxonomy, draft.category_key, turn.t)
    question = turn.t("new.category", type=render.type_name(turn.taxonomy, draft.type_key, turn.t))
    choosing.show(turn, category_options(turn), question + current_line(turn, current), keep=bool(current))


async def answer_category(turn: Turn, reply: Reply) -> None:
    """A category, or a subject of the type written outright ("FPE", "liberar liquidação"): its
    category, if only one holds it or the text names that one too, and the subject with it, so
    that the next question does not ask again what was said. A subject several categories hold
    is kept while the person picks one of those."""
    kept = _named_subject(turn)
    if kept is not None and reply.choice != ids.KEEP:
        if reply.choice:
            category = await choosing.pick(turn, category_options(turn), reply)
            if category is not None:
                await _took_category_and_subject(turn, category, kept)
            return
        written = _category_written(turn, reply.text)
        if written in _homes(turn, kept):
            return await _took_category_and_subject(turn, written, kept)
    elif not reply.choice and (subject := _subject_written(turn, reply.text)) is not None:
        if await _took_subject(turn, reply.text, subject):
            return
    # Some other category named, or nothing a category after the subject kept: as any answer.
    await answer_classification(turn, reply, "category", category_options(turn), then=("subject", "module"))


async def _took_subject(turn: Turn, text: str, subject) -> bool:
    """`subject`, written in `text` at the type or category question, and its category: the one
    that holds it, or the one of those the text names; several, none named: kept while the person
    picks one of them. False when the text names a category that does not hold it."""
    homes = _homes(turn, subject)
    written = _category_written(turn, text)
    if written in homes or (written is None and len(homes) == 1):
        await _took_category_and_subject(turn, written or homes[0], subject)
        return True
    if written is not None or not homes:
        return False
    turn.say("choose.took", name=subject.label(render.in_english(turn.t)))
    await turn.goto("category", named_subject=subject.key)
    return True


def _category_written(turn: Turn, text: str):
    best = turn.taxonomy.match(text[:200], level="category", type_key=draft_of(turn).type_key).best
    return best.entry if best is not None else None


def _subject_written(turn: Turn, text: str):
    """The subject of the draft's type that `text` names nearly whole (not a category's words
    that happen to be like a service's: "execução da despesa"), if there is one."""
    if _mode(turn) == "free" or not text.strip():
        return None
    best = turn.taxonomy.match(text[:200], level="subject", type_key=draft_of(turn).type_key, limit=2).best
    if best is None or best.score < NEAR_EXACT or best.entry.key == OTHER_SUBJECT:
        return None
    return best.entry


def _named_subject(turn: Turn):
    """The subject written at the type or category question, kept while a category is chosen."""
    key = turn.state.named_subject
    if key is None:
        return None
    return next((entry for entry in turn.taxonomy.subjects(draft_of(turn).type_key) if entry.key == key), None)


def _homes(turn: Turn, subject) -> tuple:
    type_key = draft_of(turn).type_key
    return tuple(category for category in turn.taxonomy.categories(type_key)
                 if subject in turn.taxonomy.subjects(type_key, category.key))


async def _took_category_and_subject(turn: Turn, category, subject) -> None:
    english = render.in_english(turn.t)
    names = dict.fromkeys((category.label(english), subject.label(english)))  # a category's sole service: once
    turn.say("choose.took", name=" · ".join(names))
    draft = draft_of(turn)
    if (category.key, subject.key) != (draft.category_key, draft.subject_key):
        forget(turn, "subject", "module")
    change(turn, category_key=category.key, subject_key=subject.key, subject_detail=None)
    mark(turn, "category")
    await answered(turn, "subject")


async def answer_classification(turn: Turn, reply: Reply, step: str, options: choosing.Options,
                                then: tuple[str, ...], onward: Callable[[], Awaitable[None]] | None = None) -> None:
    """Type or category: keep the current one, or pick another, which forgets the steps under it;
    then the next step not done, or `onward` after one picked."""
    field = f"{step}_key"
    if reply.choice == ids.KEEP and getattr(draft_of(turn), field):
        return await answered(turn, step)
    entry = await choosing.pick(turn, options, reply)
    if entry is None:
        return
    if entry.key != getattr(draft_of(turn), field):
        forget(turn, *then)
    if onward is None:
        return await answered(turn, step, **{field: entry.key})
    change(turn, **{field: entry.key})
    mark(turn, step)
    await onward()


# --- subject (a service, a free theme, or a system) ---------------------------------------------------

def _mode(turn: Turn) -> str:
    return turn.taxonomy.subject_mode(draft_of(turn).type_key)


def subject_options(turn: Turn) -> choosing.Options:
    tax, draft = turn.taxonomy, draft_of(turn)
    everything = tax.subjects(draft.type_key)
    # A service filed under another category may still be typed by name; the list shows the category's.
    listed = tax.subjects(draft.type_key, draft.category_key) or everything
    return choosing.Options(prefix="sub", entries=listed, level="subject", type_key=draft.type_key,
                            matchable=everything)


async def ask_subject(turn: Turn) -> None:
    draft = draft_of(turn)
    current = current_line(turn, render.subject_text(turn.taxonomy, draft))
    keep = keep_choice(turn, draft.subject_key or draft.subject_detail)
    if _mode(turn) == "free":
        turn.say_text(turn.t("new.subject_free") + current, choices=keep)
    elif turn.state.other:
        turn.say_text(turn.t("new.subject_other_text"), choices=keep)
    else:
        key = "new.subject_service" if _mode(turn) == "service" else "new.subject_system"
        choosing.show(turn, subject_options(turn), turn.t(key) + current, keep=bool(keep))


async def answer_subject(turn: Turn, reply: Reply) -> None:
    draft = draft_of(turn)
    if reply.choice == ids.KEEP and (draft.subject_key or draft.subject_detail):
        return await answered(turn, "subject")
    if _mode(turn) == "free" or turn.state.other:
        text = await typed_line(turn, reply, "new.subject_too_long")
        if text is None:
            return
        return await answered(turn, "subject", subject_key=OTHER_SUBJECT if turn.state.other else None,
                              subject_detail=text)
    entry = await choosing.pick(turn, subject_options(turn), reply)
    if entry is None:
        return
    if entry.key == OTHER_SUBJECT:
        turn.update(other=True)
        return await turn.ask()
    if entry.key != draft.subject_key:
        forget(turn, "module")
    await answered(turn, "subject", subject_key=entry.key, subject_detail=None)


async def ask_module(turn: Turn) -> None:
    draft = draft_of(turn)
    system = render.subject_name(turn.taxonomy, draft.subject_key)
    turn.say_text(turn.t("new.module", system=system) + current_line(turn, draft.subject_detail),
                  choices=[turn.choice(ids.SKIP, "skip")] + keep_choice(turn, draft.subject_detail))


async def answer_module(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.SKIP:
        return await answered(turn, "module", subject_detail=None)
    if reply.choice == ids.KEEP:
        return await answered(turn, "module")
    text = await typed_line(turn, reply, "new.subject_too_long")
    if text is not None:
        await answered(turn, "module", subject_detail=text)
