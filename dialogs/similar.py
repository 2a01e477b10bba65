"""The last question before a new demand is sent: the requester already has an open demand that
looks like the same request (the store's `similar_open_demand`: the same document number, or
the same classification and a close description). "Comentar nela" makes the draft's text and
files a comment on that demand instead; "Abrir mesmo assim" sends the new one, which the
attendants' card marks as a possible duplicate of the other.

The step's state keeps the other demand's protocol (NewDemandState.similar), so the question
survives a restart like every other step.
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs import held_files, render
from dialogs.attendant_card import references_text
from dialogs.describing import parts
from dialogs.drafting import draft_of
from dialogs.flow import Reply, Turn
from dialogs.states import Draft
from store import DemandDraft, StoreError
from taxonomy.references import default_references


def demand_draft(draft: Draft, possible_duplicate_of: str | None = None) -> DemandDraft:
    """The draft as the store takes it."""
    return DemandDraft(title=draft.title, organ_key=draft.organ_key, type_key=draft.type_key,
                       category_key=draft.category_key, subject_key=draft.subject_key,
                       subject_detail=draft.subject_detail, description=draft.description,
                       possible_duplicate_of=possible_duplicate_of)


async def offered(turn: Turn) -> bool:
    """Whether an open demand like the draft exists: then it is shown, with the two choices."""
    similar = await turn.tx.similar_open_demand(turn.actor, demand_draft(draft_of(turn)))
    if similar is None:
        return False
    await turn.goto("similar", similar=similar.protocol)
    return True


async def ask_similar(turn: Turn) -> None:
    try:
        other = await turn.tx.get_demand(turn.actor, turn.state.similar)
    except StoreError as error:
        turn.refuse(error)
        return await turn.goto("summary")
    turn.say("new.similar", protocol=other.protocol, title=other.title, status=render.status_name(turn.t, other.status),
             created=render.when(other.created_at), why=_why(turn, other),
             choices=[turn.choice(ids.SIMILAR_COMMENT, "new.similar_comment"),
                      turn.choice(ids.SIMILAR_OPEN, "new.similar_open")])


def _why(turn: Turn, other: Any) -> str:
    draft = draft_of(turn)
    shared = [ref for ref in default_references().extract(draft.title, draft.description) if ref in other.references]
    if shared:
        return turn.t("new.similar_why_reference", references=references_text(turn.t, shared))
    return turn.t("new.similar_why_text")


async def answer_similar(turn: Turn, reply: Reply, send: Any) -> None:
    """`send(turn, possible_duplicate_of)` sends the draft as a new demand (dialogs/new_demand.py)."""
    if reply.choice == ids.SIMILAR_OPEN:
        return await send(turn, turn.state.similar)
    if reply.choice == ids.SIMILAR_COMMENT:
        return await comment_on_it(turn)
    turn.say("stale" if reply.choice else "new.similar_expected")
    await turn.ask()


async def comment_on_it(turn: Turn) -> None:
    """The draft's description (and what did not fit in it) as comments on the other demand, the
    files with the first; a refusal (it was closed meanwhile) leaves the draft at its summary."""
    draft, protocol = draft_of(turn), turn.state.similar
    attachments = await held_files.take(turn, draft.files)
    try:
        for index, part in enumerate([draft.description, *parts(draft.overflow or "")]):
            await turn.tx.comment(turn.actor, protocol, part, attachments=attachments if index == 0 else ())
    except StoreError as error:
        turn.refuse(error)
        return await turn.goto("summary")
    await held_files.drop(turn, draft.files)
    turn.update(draft=Draft())  # its text lives on in the other demand: nothing left to keep
    await turn.menu(None, demand=protocol)
    turn.say("new.similar_commented", protocol=protocol,
             choices=[turn.choice(ids.demand_action("show", protocol), "new.follow"),
                      turn.choice(ids.MENU, "menu.back")])
