"""A new demand's description: over the limit (split it or write it again), a PROA matter (say
so, go on if the requester insists), and the proposal made from a need typed at the menu, whose
sentence becomes the description.
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs import identity, render, words
from dialogs.drafting import (answered, change, current_line, discard, draft_of, forget, keep_choice, mark,
                              not_the_demands_text)
from dialogs.flow import Reply, Turn
from dialogs.messages import Choice
from dialogs.states import Draft, NewDemandState, changed
from store import MAX_DESCRIPTION


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
    change(turn, description=text, overflow=None)
    await _check_proa(turn, text)


async def _check_proa(turn: Turn, text: str) -> None:
    hint = proa_hint(turn, text)
    if hint and not draft_of(turn).proa_ok:
        turn.update(proa=True)
        turn.say("new.proa", hint=hint, choices=[turn.choice(ids.PROA_GO, "new.proa_go"),
                                                 turn.choice(ids.PROA_STOP, "new.proa_stop")])
        return
    await answered(turn, "description")


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
    turn.say_text(turn.t("new.description", limit=MAX_DESCRIPTION) + current_line(turn, shown),
                  choices=keep_choice(turn, description))


async def answer_description(turn: Turn, reply: Reply) -> None:
    state = turn.state
    if state.long_text and reply.choice == ids.SPLIT_DESCRIPTION:
        first, rest = split_description(state.long_text)
        change(turn, description=first, overflow=rest)
        turn.say("new.description_split_ok", length=len(rest))
        turn.update(long_text=None)
        return await _check_proa(turn, state.long_text)
    if state.long_text and reply.choice == ids.REWRITE_DESCRIPTION:
        turn.update(long_text=None)
        turn.say("new.description_rewrite_ok", limit=MAX_DESCRIPTION)
        return
    if state.proa and reply.choice == ids.PROA_GO:
        return await answered(turn, "description", proa_ok=True)
    if state.proa and reply.choice == ids.PROA_STOP:
        return await discard(turn, "new.proa_stopped")
    if reply.choice == ids.KEEP and state.draft.description:
        return await answered(turn, "description")
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    text = reply.text.strip()
    if not text or not_the_demands_text(turn, text):
        return await turn.ask()
    await take_description(turn, text)


def parts(text: str) -> list[str]:
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


async def propose(turn: Turn, text: str, proposal: Any | None) -> None:
    """Offer a new demand whose description is `text`, classified as `proposal` (None: the
    taxonomy recognised nothing; the requester chooses the classification after accepting)."""
    if await identity.stops(turn):
        return
    draft = Draft(suggested_title=suggest_title(text), free_text=text)
    if proposal is not None:
        draft = changed(draft, type_key=proposal.type.key,
                        category_key=proposal.category.key if proposal.category is not None else None,
                        subject_key=proposal.subject.key if proposal.subject is not None else None)
    await turn.start(NewDemandState(step="propose", draft=draft))


def readings(turn: Turn, text: str) -> list[Any]:
    """The readings of the sentence a close call offers (the best first), or [] when it is none."""
    proposal = turn.taxonomy.propose(text[:5000])
    return list(proposal.close_call()) if proposal is not None else []


def _keys(reading: Any) -> tuple[str | None, str | None, str | None]:
    return tuple(entry.key if entry is not None else None for entry in (reading.type, reading.category, reading.subject))


def _reading_label(turn: Turn, reading: Any) -> str:
    tax = turn.taxonomy
    type_key, category_key, _ = _keys(reading)
    record = {"type_key": type_key, "subject_key": reading.subject.key if reading.subject else None}
    parts = (render.type_name(tax, type_key, turn.t), render.category_name(tax, category_key, turn.t),
             render.subject_text(tax, record))
    return " › ".join(part for part in parts if part)


async def ask_propose(turn: Turn) -> None:
    tax, draft = turn.taxonomy, draft_of(turn)
    if not draft.type_key:
        turn.say("new.offer", choices=[turn.choice(ids.YES, "new.propose_yes"), turn.choice(ids.CANCEL, "new.discard")])
        return
    close = readings(turn, draft.free_text)
    if close and _keys(close[0]) == (draft.type_key, draft.category_key, draft.subject_key):
        # a close call: the top three readings, each one press away (DESIGN.md)
        options = [Choice(id=ids.reading(i), label=_reading_label(turn, r)) for i, r in enumerate(close)]
        turn.say("new.propose_close", choices=[*options, turn.choice(ids.FIX_PROPOSAL, "new.propose_fix"),
                                               turn.choice(ids.CANCEL, "new.discard")])
        return
    turn.say("new.propose", type=render.type_name(tax, draft.type_key, turn.t),
             category=render.category_name(tax, draft.category_key, turn.t) or "—",
             subject=render.subject_text(tax, draft) or "—",
             choices=[turn.choice(ids.YES, "new.propose_yes"), turn.choice(ids.FIX_PROPOSAL, "new.propose_fix"),
                      turn.choice(ids.CANCEL, "new.discard")])


async def answer_propose(turn: Turn, reply: Reply) -> None:
    draft = draft_of(turn)
    index = ids.reading_of(reply.choice)
    if index is not None:
        close = readings(turn, draft.free_text)
        if index >= len(close):
            turn.say("stale")
            return await turn.ask()
        type_key, category_key, subject_key = _keys(close[index])
        change(turn, type_key=type_key, category_key=category_key, subject_key=subject_key)
        return await _accept(turn)
    if reply.choice == ids.YES:
        return await _accept(turn)
    if reply.choice == ids.FIX_PROPOSAL:
        forget(turn, "type", "category", "subject", "module")
        change(turn, type_key=None)
        turn.say("new.propose_fixing")
        return await take_description(turn, draft.free_text)
    if reply.choice == ids.CANCEL:
        return await discard(turn)
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.propose_expected" if draft.type_key else "new.offer_expected")
    await turn.ask()


async def _accept(turn: Turn) -> None:
    """The classification on screen is the requester's: its levels count as answered."""
    draft = draft_of(turn)
    for step, field in (("type", "type_key"), ("category", "category_key"), ("subject", "subject_key")):
        if getattr(draft, field):
            mark(turn, step)
    await take_description(turn, draft.free_text)


async def back_from_propose(turn: Turn) -> None:
    await turn.menu()
