"""New demand: title → órgão → type → category → subject → description → attachments → summary → send.

The draft (`Draft`, in the state `NewDemandState`) lists the steps answered in `done`; after any
answer the flow goes to the first step not done yet, or to the summary. That single rule serves
the first pass, "voltar", editing from the summary, and the proposal made from free text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dialogs import choice_ids as ids
from dialogs import choosing, held_files, render, words
from dialogs.flow import Flow, Reply, Step, Turn
from dialogs.messages import Choice, IncomingFile
from dialogs.states import MENU, Draft, NewDemandState
from store import MAX_DESCRIPTION, MAX_TITLE, DemandDraft, StoreError

OTHER_SUBJECT = "outro"  # the taxonomy's "Outro" service: its text is the subject
ORDER = ("title", "organ", "type", "category", "subject", "module", "description", "attachments")


# --- moving through the flow ----------------------------------------------------------------------

def draft_of(turn: Turn) -> Draft:
    return turn.state.draft


def _set(turn: Turn, **fields: Any) -> None:
    turn.update(draft=replace(turn.state.draft, **fields))


def _applies(turn: Turn, step: str) -> bool:
    if step == "module":
        type_key = draft_of(turn).type_key
        return bool(type_key) and turn.taxonomy.subject_mode(type_key) == "system"
    return True


def _mark(turn: Turn, step: str) -> None:
    done = draft_of(turn).done
    if step not in done:
        _set(turn, done=done + (step,))


# Later answers that depend on a changed one must be asked again.
_DEPENDENT_FIELDS = {"category": ("category_key",), "subject": ("subject_key", "subject_detail")}


def _forget(turn: Turn, *steps: str) -> None:
    forgotten = {name: None for step in steps for name in _DEPENDENT_FIELDS.get(step, ())}
    _set(turn, done=tuple(step for step in draft_of(turn).done if step not in steps), **forgotten)


async def advance(turn: Turn) -> None:
    for step in ORDER:
        if _applies(turn, step) and step not in draft_of(turn).done:
            await turn.goto(step)
            return
    await turn.goto("summary")


async def back(turn: Turn) -> None:
    if turn.state.editing:
        await turn.goto("summary")
        return
    current = turn.state.step
    earlier = ORDER[:ORDER.index(current)] if current in ORDER else ORDER
    for step in reversed(earlier):
        if _applies(turn, step):
            await turn.goto(step)
            return
    await turn.menu("new.back_to_menu")


async def start(turn: Turn) -> None:
    await turn.start(NewDemandState(step="title"))


def _keep(turn: Turn, value: Any) -> list[Choice]:
    return [turn.choice(ids.KEEP, "keep")] if value else []


def _current(turn: Turn, value: Any) -> str:
    return "\n" + turn.t("current", value=value) if value else ""


# --- title ------------------------------------------------------------------------------------------

async def ask_title(turn: Turn) -> None:
    draft = draft_of(turn)
    choices = _keep(turn, draft.title)
    if draft.suggested_title and not draft.title:
        choices.append(turn.choice(ids.SUGGESTED_TITLE, "new.title_use", title=draft.suggested_title))
    turn.say_text(turn.t("new.title", limit=MAX_TITLE) + _current(turn, draft.title), choices=choices)


async def typed_line(turn: Turn, reply: Reply, too_long_key: str) -> str | None:
    """The short line the person typed (title, theme, module path), spaces folded; None when there
    is none to take, after saying why and asking again."""
    text = "" if reply.choice else " ".join(reply.text.split())
    if reply.choice:
        turn.say("stale")
    elif len(text) > MAX_TITLE:
        turn.say(too_long_key, length=len(text), limit=MAX_TITLE)
    if not text or len(text) > MAX_TITLE:
        await turn.ask()
        return None
    return text


async def answer_title(turn: Turn, reply: Reply) -> None:
    draft = draft_of(turn)
    if reply.choice == ids.KEEP and draft.title:
        text = draft.title
    elif reply.choice == ids.SUGGESTED_TITLE and draft.suggested_title:
        text = draft.suggested_title
    else:
        text = await typed_line(turn, reply, "new.title_too_long")
        if text is None:
            return
    _set(turn, title=text)
    _mark(turn, "title")
    await advance(turn)


# --- órgão --------------------------------------------------------------------------------------------

def organ_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="org", entries=turn.taxonomy.organs, level="organ",
                            label=render.organ_label)


async def ask_organ(turn: Turn) -> None:
    if not draft_of(turn).organ_key and getattr(turn.person, "organ_key", None):
        _set(turn, organ_key=turn.person.organ_key)
    organ_key = draft_of(turn).organ_key
    if organ_key and not turn.state.listing:
        turn.say("new.organ_confirm", organ=render.organ_name(turn.taxonomy, organ_key),
                 choices=[turn.choice(ids.YES, "confirm"), turn.choice(ids.NO, "new.organ_change")])
        return
    choosing.show(turn, organ_options(turn), turn.t("new.organ_list"))


async def answer_organ(turn: Turn, reply: Reply) -> None:
    if not turn.state.listing and draft_of(turn).organ_key:
        if reply.choice in (ids.YES, ids.KEEP):
            _mark(turn, "organ")
            return await advance(turn)
        if reply.choice == ids.NO:
            turn.update(listing=True, page=0)
            return await turn.ask()
    entry = await choosing.pick(turn, organ_options(turn), reply)
    if entry is not None:
        _set(turn, organ_key=entry.key)
        _mark(turn, "organ")
        await advance(turn)


# --- type / category ------------------------------------------------------------------------------

def type_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="type", entries=turn.taxonomy.types, level="type")


async def ask_type(turn: Turn) -> None:
    current = render.type_name(turn.taxonomy, draft_of(turn).type_key)
    choosing.show(turn, type_options(turn), turn.t("new.type") + _current(turn, current), keep=bool(current))


async def answer_type(turn: Turn, reply: Reply) -> None:
    await answer_classification(turn, reply, "type", type_options(turn), then=("category", "subject", "module"))


def category_options(turn: Turn) -> choosing.Options:
    type_key = draft_of(turn).type_key
    return choosing.Options(prefix="cat", entries=turn.taxonomy.categories(type_key), level="category",
                            type_key=type_key)


async def ask_category(turn: Turn) -> None:
    draft = draft_of(turn)
    current = render.category_name(turn.taxonomy, draft.category_key)
    question = turn.t("new.category", type=render.type_name(turn.taxonomy, draft.type_key))
    choosing.show(turn, category_options(turn), question + _current(turn, current), keep=bool(current))


async def answer_category(turn: Turn, reply: Reply) -> None:
    await answer_classification(turn, reply, "category", category_options(turn), then=("subject", "module"))


async def answer_classification(turn: Turn, reply: Reply, step: str, options: choosing.Options,
                                then: tuple[str, ...]) -> None:
    """Type or category: keep the current one, or pick another, which forgets the steps under it."""
    field = f"{step}_key"
    if reply.choice == ids.KEEP and getattr(draft_of(turn), field):
        _mark(turn, step)
        return await advance(turn)
    entry = await choosing.pick(turn, options, reply)
    if entry is None:
        return
    if entry.key != getattr(draft_of(turn), field):
        _forget(turn, *then)
    _set(turn, **{field: entry.key})
    _mark(turn, step)
    await advance(turn)


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
    current = _current(turn, render.subject_text(turn.taxonomy, draft))
    keep = _keep(turn, draft.subject_key or draft.subject_detail)
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
        _mark(turn, "subject")
        return await advance(turn)
    if _mode(turn) == "free" or turn.state.other:
        text = await typed_line(turn, reply, "new.subject_too_long")
        if text is None:
            return
        _set(turn, subject_key=OTHER_SUBJECT if turn.state.other else None, subject_detail=text)
        _mark(turn, "subject")
        return await advance(turn)
    entry = await choosing.pick(turn, subject_options(turn), reply)
    if entry is None:
        return
    if entry.key == OTHER_SUBJECT:
        turn.update(other=True)
        return await turn.ask()
    if entry.key != draft.subject_key:
        _forget(turn, "module")
    _set(turn, subject_key=entry.key, subject_detail=None)
    _mark(turn, "subject")
    await advance(turn)


async def ask_module(turn: Turn) -> None:
    draft = draft_of(turn)
    system = render.subject_name(turn.taxonomy, draft.subject_key)
    turn.say_text(turn.t("new.module", system=system) + _current(turn, draft.subject_detail),
                  choices=_keep(turn, draft.subject_detail) + [turn.choice(ids.SKIP, "skip")])


async def answer_module(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.SKIP:
        _set(turn, subject_detail=None)
    elif reply.choice != ids.KEEP:
        text = await typed_line(turn, reply, "new.subject_too_long")
        if text is None:
            return
        _set(turn, subject_detail=text)
    _mark(turn, "module")
    await advance(turn)


# --- description ------------------------------------------------------------------------------------

def split_description(text: str) -> tuple[str, str]:
    """The first part within the limit (cut at a space when one is near) and the rest, nothing lost."""
    cut = text.rfind(" ", 0, MAX_DESCRIPTION + 1)
    if cut < MAX_DESCRIPTION * 3 // 4:
        cut = MAX_DESCRIPTION
    return text[:cut].rstrip(), text[cut:].strip()


async def take_description(turn: Turn, text: str) -> None:
    """Use `text` as the description, first asking about excess length and PROA when needed."""
    turn.move_to("description")
    if len(text) > MAX_DESCRIPTION:
        turn.update(long_text=text)
        turn.say("new.description_long", length=len(text), limit=MAX_DESCRIPTION,
                 choices=[turn.choice(ids.SPLIT_DESCRIPTION, "new.description_split"),
                          turn.choice(ids.REWRITE_DESCRIPTION, "new.description_rewrite")])
        return
    _set(turn, description=text, overflow=None)
    await _check_proa(turn, text)


async def _check_proa(turn: Turn, text: str) -> None:
    hint = proa_hint(turn, text)
    if hint and not draft_of(turn).proa_ok:
        turn.update(proa=True)
        turn.say("new.proa", hint=hint, choices=[turn.choice(ids.PROA_GO, "new.proa_go"),
                                                 turn.choice(ids.PROA_STOP, "new.proa_stop")])
        return
    _mark(turn, "description")
    await advance(turn)


def proa_hint(turn: Turn, text: str) -> str | None:
    """The PROA matter (one of the taxonomy's phrases) the description clearly mentions, if any."""
    folded = f" {words.plain(text)} "
    for phrase in turn.taxonomy.proa_phrases:
        if f" {words.plain(phrase)} " in folded:
            return phrase
    return None


async def ask_description(turn: Turn) -> None:
    description = draft_of(turn).description
    shown = description if not description or len(description) <= 300 else description[:300] + "…"
    turn.say_text(turn.t("new.description", limit=MAX_DESCRIPTION) + _current(turn, shown),
                  choices=_keep(turn, description))


async def answer_description(turn: Turn, reply: Reply) -> None:
    state = turn.state
    if state.long_text and reply.choice == ids.SPLIT_DESCRIPTION:
        first, rest = split_description(state.long_text)
        _set(turn, description=first, overflow=rest)
        turn.say("new.description_split_ok", length=len(rest))
        turn.update(long_text=None)
        return await _check_proa(turn, state.long_text)
    if state.long_text and reply.choice == ids.REWRITE_DESCRIPTION:
        turn.update(long_text=None)
        turn.say("new.description_rewrite_ok", limit=MAX_DESCRIPTION)
        return
    if state.proa and reply.choice == ids.PROA_GO:
        _set(turn, proa_ok=True)
        _mark(turn, "description")
        return await advance(turn)
    if state.proa and reply.choice == ids.PROA_STOP:
        return await turn.menu("new.proa_stopped")
    if reply.choice == ids.KEEP and state.draft.description:
        _mark(turn, "description")
        return await advance(turn)
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    text = reply.text.strip()
    if not text:
        return await turn.ask()
    await take_description(turn, text)


# --- attachments ------------------------------------------------------------------------------------

async def keep_files(turn: Turn, files: tuple[IncomingFile, ...]) -> None:
    """Hold files for the draft until the demand is sent; says which did not fit."""
    held, refused = await held_files.keep(turn, files, draft_of(turn).files)
    _set(turn, files=held)
    if refused:
        turn.say("files.too_many", names=", ".join(refused), count=held_files.MAX_FILES)


async def ask_attachments(turn: Turn) -> None:
    if draft_of(turn).files:
        turn.say("new.attachments_some", names=held_files.names(draft_of(turn).files),
                 choices=[turn.choice(ids.DONE, "new.attachments_done"),
                          turn.choice(ids.CLEAR_FILES, "new.attachments_clear")])
    else:
        turn.say("new.attachments", choices=[turn.choice(ids.SKIP, "skip")])


async def answer_attachments(turn: Turn, reply: Reply) -> None:
    if reply.files:
        await keep_files(turn, reply.files)
        return await turn.ask()
    if reply.choice in (ids.SKIP, ids.DONE, ids.KEEP) or (not reply.choice and words.is_done(reply.text)):
        _mark(turn, "attachments")
        return await advance(turn)
    if reply.choice == ids.CLEAR_FILES:
        await held_files.drop(turn, draft_of(turn).files)
        _set(turn, files=())
        return await turn.ask()
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.attachments_expected")
    await turn.ask()


# --- summary and sending ------------------------------------------------------------------------------

EDITS = {"title": "title", "organ": "organ", "type": "type", "category": "category", "subject": "subject",
         "desc": "description", "att": "attachments"}


async def ask_summary(turn: Turn) -> None:
    turn.update(editing=False)
    text, card = render.draft_summary(turn.t, turn.taxonomy, draft_of(turn))
    choices = [turn.choice(ids.SEND, "new.send")]
    choices += [turn.choice(ids.edit_field(short), f"new.edit_{short}") for short in EDITS]
    choices.append(turn.choice(ids.CANCEL, "new.discard"))
    turn.say_text(text, choices=choices, card=card)


async def answer_summary(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.SEND:
        return await send(turn)
    if reply.choice == ids.CANCEL:
        return await cancel(turn)
    short = ids.edit_field_of(reply.choice)
    if short in EDITS:
        step = EDITS[short]
        return await turn.goto(step, editing=True, listing=step == "organ")
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.summary_expected")
    await turn.ask()


FIELD_STEPS = {"title": "title", "description": "description", "subject_detail": "subject", "organ_key": "organ",
               "type_key": "type", "category_key": "category", "subject_key": "subject"}


async def send(turn: Turn) -> None:
    draft = draft_of(turn)
    demand_draft = DemandDraft(
        title=draft.title, organ_key=draft.organ_key, type_key=draft.type_key,
        category_key=draft.category_key, subject_key=draft.subject_key,
        subject_detail=draft.subject_detail, description=draft.description)
    attachments = await held_files.take(turn, draft.files)
    try:
        demand = await turn.tx.open_demand(turn.actor, demand_draft, attachments=attachments)
    except StoreError as error:
        turn.refuse(error)
        field = getattr(error, "field", None)
        if field in FIELD_STEPS:
            return await turn.goto(FIELD_STEPS[field], editing=True)
        return await turn.ask()
    await held_files.drop(turn, draft.files)
    await turn.menu(None, demand=demand.protocol)
    turn.say("new.created", protocol=demand.protocol, title=demand.title)
    if draft.overflow:
        for part in _parts(draft.overflow):
            demand = await turn.tx.comment(turn.actor, demand.protocol, part)
        turn.say("new.overflow_sent")
    turn.say("new.created_next", choices=[turn.choice(ids.demand_action("show", demand.protocol), "new.follow"),
                                          turn.choice(ids.menu_item("new"), "menu.new"),
                                          turn.choice(ids.MENU, "menu.back")])


def _parts(text: str) -> list[str]:
    parts = []
    while text:
        first, text = split_description(text) if len(text) > MAX_DESCRIPTION else (text, "")
        parts.append(first)
    return parts


# --- starting from free text --------------------------------------------------------------------------

def suggest_title(text: str) -> str:
    one_line = " ".join(text.split())
    first = one_line.split(". ")[0].rstrip(".")
    if len(first) > 80:
        cut = first.rfind(" ", 0, 78)
        first = first[:cut if cut > 20 else 78] + "…"
    return first[:1].upper() + first[1:]


async def propose(turn: Turn, text: str, proposal: Any) -> None:
    draft = Draft(suggested_title=suggest_title(text), free_text=text, type_key=proposal.type.key,
                  category_key=proposal.category.key if proposal.category is not None else None,
                  subject_key=proposal.subject.key if proposal.subject is not None else None)
    await turn.start(NewDemandState(step="propose", draft=draft))


async def ask_propose(turn: Turn) -> None:
    tax, draft = turn.taxonomy, draft_of(turn)
    turn.say("new.propose", type=render.type_name(tax, draft.type_key),
             category=render.category_name(tax, draft.category_key) or "—",
             subject=render.subject_text(tax, draft) or "—",
             choices=[turn.choice(ids.YES, "new.propose_yes"), turn.choice(ids.FIX_PROPOSAL, "new.propose_fix"),
                      turn.choice(ids.CANCEL, "new.discard")])


async def answer_propose(turn: Turn, reply: Reply) -> None:
    draft = draft_of(turn)
    if reply.choice == ids.YES:
        for step, field in (("type", "type_key"), ("category", "category_key"), ("subject", "subject_key")):
            if getattr(draft, field):
                _mark(turn, step)
        return await take_description(turn, draft.free_text)
    if reply.choice == ids.FIX_PROPOSAL:
        _forget(turn, "type", "category", "subject", "module")
        _set(turn, type_key=None)
        turn.say("new.propose_fixing")
        return await take_description(turn, draft.free_text)
    if reply.choice == ids.CANCEL:
        return await turn.menu("new.cancelled")
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.propose_expected")
    await turn.ask()


async def back_from_propose(turn: Turn) -> None:
    await turn.menu()


async def cancel(turn: Turn) -> None:
    await held_files.drop(turn, draft_of(turn).files)
    await turn.menu("new.cancelled")


STEPS = {
    "title": Step(ask=ask_title, answer=answer_title, back=back, help="help.new.title"),
    "organ": Step(ask=ask_organ, answer=answer_organ, back=back, help="help.new.organ"),
    "type": Step(ask=ask_type, answer=answer_type, back=back, help="help.new.type"),
    "category": Step(ask=ask_category, answer=answer_category, back=back, help="help.new.category"),
    "subject": Step(ask=ask_subject, answer=answer_subject, back=back, help="help.new.subject"),
    "module": Step(ask=ask_module, answer=answer_module, back=back, help="help.new.module"),
    "description": Step(ask=ask_description, answer=answer_description, back=back, help="help.new.description"),
    "attachments": Step(ask=ask_attachments, answer=answer_attachments, back=back, help="help.new.attachments",
                        takes_files=True),
    "summary": Step(ask=ask_summary, answer=answer_summary, back=back, help="help.new.summary"),
    "propose": Step(ask=ask_propose, answer=answer_propose, back=back_from_propose, help="help.new.propose"),
}
# Sending (or cancelling) ends at the menu; once sent, the new demand is "on screen".
FLOW = Flow(name=NewDemandState.FLOW, state=NewDemandState, steps=STEPS, returns_to=MENU, cancel=cancel)
