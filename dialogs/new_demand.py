"""New demand: title → órgão → type → category → subject → description → attachments → summary → send.

A draft left unsent is kept (dialogs/drafting.py `leave`); "Nova demanda" then asks first whether
to continue it or start over (the "resume" step).

How the flow moves through the draft is in dialogs/drafting.py, the classification (type,
category, subject, module) in dialogs/classifying.py, the description and the proposal from free
text in dialogs/describing.py; this module has the other steps and the flow's table.
"""

from __future__ import annotations

from collections.abc import Callable

from dialogs import choice_ids as ids
from dialogs import choosing, held_files, identity, render, similar, words
from dialogs.classifying import (answer_category, answer_module, answer_subject, answer_type, ask_category,
                                 ask_module, ask_subject, ask_type)
from dialogs.describing import (answer_description, answer_propose, ask_description, ask_propose, back_from_propose,
                                parts)
from dialogs.drafting import (advance, answered, back, change, current_line, discard, draft_of, forget, keep_choice,
                              leave, typed_line)
from dialogs.flow import Flow, Reply, Step, Turn
from dialogs.messages import IncomingFile
from dialogs.states import MENU, Draft, InvalidState, NewDemandState
from store import MAX_TITLE, StoreError
from store.pending import HeldFile


async def start(turn: Turn) -> None:
    if await identity.stops(turn):
        return
    state = turn.state
    in_hand = state.draft if isinstance(state, NewDemandState) and state.draft != Draft() else None
    kept = in_hand or state.kept
    if kept is None:
        return await turn.start(NewDemandState(step="title"))
    turn.update(kept=None)  # taken up: in hand again, no longer carried aside
    await turn.start(NewDemandState(step="resume", draft=kept))


# --- a kept draft: continue it or start over ----------------------------------------------------------

async def ask_resume(turn: Turn) -> None:
    draft = draft_of(turn)
    text = turn.t("new.resume", title=draft.title or draft.suggested_title or turn.t("new.resume_untitled"))
    if draft.files:
        text += "\n" + turn.t("new.resume_files", names=held_files.names(draft.files))
    turn.say_text(text, choices=[turn.choice(ids.RESUME_DRAFT, "new.resume_continue"),
                                 turn.choice(ids.RESTART_DRAFT, "new.resume_restart")])


async def answer_resume(turn: Turn, reply: Reply) -> None:
    draft = draft_of(turn)
    if reply.choice == ids.RESUME_DRAFT:
        try:
            Draft.from_json(draft.to_json(), turn.taxonomy)
        except InvalidState:
            # Anexo I changed since it was kept: its classification names entries gone.
            turn.say("new.resume_outdated")
            forget(turn, "organ", "type", "category", "subject", "module")
            change(turn, organ_key=None, type_key=None)
        if draft.free_text and draft.description is None and draft_of(turn).type_key:
            return await turn.goto("propose")  # left while the proposal was asked
        return await advance(turn)
    if reply.choice == ids.RESTART_DRAFT:
        await held_files.drop(turn, draft.files)
        turn.update(draft=Draft())
        turn.say("new.restarted")
        return await turn.goto("title")
    turn.say("stale" if reply.choice else "new.resume_expected")
    await turn.ask()



# --- title ------------------------------------------------------------------------------------------

async def ask_title(turn: Turn) -> None:
    draft = draft_of(turn)
    choices = keep_choice(turn, draft.title)
    if draft.suggested_title and not draft.title:
        choices.append(turn.choice(ids.SUGGESTED_TITLE, "new.title_use", title=draft.suggested_title))
    turn.say_text(turn.t("new.title", limit=MAX_TITLE) + current_line(turn, draft.title), choices=choices)


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
    await answered(turn, "title", title=text)


# --- órgão --------------------------------------------------------------------------------------------

def organ_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="org", entries=turn.taxonomy.organs, level="organ",
                            label=render.organ_label)


async def ask_organ(turn: Turn) -> None:
    if not draft_of(turn).organ_key and getattr(turn.person, "organ_key", None):
        change(turn, organ_key=turn.person.organ_key)
    organ_key = draft_of(turn).organ_key
    if organ_key and not turn.state.listing:
        turn.say("new.organ_confirm", organ=render.organ_name(turn.taxonomy, organ_key),
                 choices=[turn.choice(ids.YES, "confirm"), turn.choice(ids.NO, "new.organ_change")])
        return
    choosing.show(turn, organ_options(turn), turn.t("new.organ_list"))


async def answer_organ(turn: Turn, reply: Reply) -> None:
    if not turn.state.listing and draft_of(turn).organ_key:
        if reply.choice in (ids.YES, ids.KEEP):
            return await answered(turn, "organ")
        if reply.choice == ids.NO:
            turn.update(listing=True, page=0)
            return await turn.ask()
    entry = await choosing.pick(turn, organ_options(turn), reply)
    if entry is not None:
        await answered(turn, "organ", organ_key=entry.key)


# --- attachments ------------------------------------------------------------------------------------

async def keep_files(turn: Turn, files: tuple[IncomingFile, ...]) -> None:
    """Hold files for the draft until the demand is sent; each refused one is said on its own.
    Sent at another step, the files kept are named (at this step its question lists them)."""
    held, kept = await held_files.keep(turn, files, draft_of(turn).files)
    change(turn, files=held)
    if kept and turn.state.step != "attachments":
        turn.say("files.kept_for_demand", names=held_files.names(kept))


def save_files(turn: Turn) -> Callable[[tuple[HeldFile, ...]], None]:
    return lambda held: change(turn, files=held)


async def ask_attachments(turn: Turn) -> None:
    files = draft_of(turn).files
    if files:
        turn.say("new.attachments_some", listing=held_files.listing(files),
                 choices=[turn.choice(ids.DONE, "new.attachments_done"), *held_files.remove_choice(turn),
                          turn.choice(ids.CLEAR_FILES, "new.attachments_clear")])
    else:
        turn.say("new.attachments", rule=held_files.rule(turn), choices=[turn.choice(ids.SKIP, "skip")])


async def answer_attachments(turn: Turn, reply: Reply) -> None:
    if reply.files:
        await keep_files(turn, reply.files)
        if words.is_done(reply.text):
            return await answered(turn, "attachments")
        return await turn.ask()
    if await held_files.removal(turn, reply, draft_of(turn).files, save_files(turn)):
        return
    if reply.choice in (ids.SKIP, ids.DONE, ids.KEEP) or (not reply.choice and words.is_done(reply.text)):
        return await answered(turn, "attachments")
    if reply.choice == ids.CLEAR_FILES:
        await held_files.drop(turn, draft_of(turn).files)
        change(turn, files=())
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
    if await held_files.removal(turn, reply, draft_of(turn).files, save_files(turn)):
        return
    if reply.choice == ids.SEND:
        if await similar.offered(turn):
            return
        return await send(turn)
    if reply.choice == ids.CANCEL:
        return await discard(turn)
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


async def send(turn: Turn, possible_duplicate_of: str | None = None) -> None:
    """The draft as a new demand; `possible_duplicate_of`: the requester's open demand they were
    shown as alike (dialogs/similar.py) and opened this one anyway."""
    draft = draft_of(turn)
    attachments = await held_files.take(turn, draft.files)
    try:
        demand = await turn.tx.open_demand(turn.actor, similar.demand_draft(draft, possible_duplicate_of),
                                           attachments=attachments)
    except StoreError as error:
        turn.refuse(error)
        field = getattr(error, "field", None)
        if field in FIELD_STEPS:
            return await turn.goto(FIELD_STEPS[field], editing=True)
        return await turn.ask()
    await held_files.drop(turn, draft.files)
    turn.update(draft=Draft())  # sent: nothing left to keep
    await turn.menu(None, demand=demand.protocol)
    turn.say("new.created", protocol=demand.protocol, title=demand.title)
    if draft.overflow:
        for part in parts(draft.overflow):
            demand = await turn.tx.comment(turn.actor, demand.protocol, part)
        turn.say("new.overflow_sent")
    turn.say("new.created_next", choices=[turn.choice(ids.demand_action("show", demand.protocol), "new.follow"),
                                          turn.choice(ids.menu_item("new"), "menu.new"),
                                          turn.choice(ids.MENU, "menu.back")])


async def answer_similar(turn: Turn, reply: Reply) -> None:
    await similar.answer_similar(turn, reply, send)


async def ask_summary_again(turn: Turn) -> None:
    await turn.goto("summary")


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
    "resume": Step(ask=ask_resume, answer=answer_resume, help="help.new.resume"),
    "similar": Step(ask=similar.ask_similar, answer=answer_similar, back=ask_summary_again, help="help.new.similar"),
}
# Sending (or cancelling) ends at the menu; once sent, the new demand is "on screen". Leaving for
# another flow keeps the draft.
FLOW = Flow(name=NewDemandState.FLOW, state=NewDemandState, steps=STEPS, returns_to=MENU, cancel=discard,
            leave=leave)
