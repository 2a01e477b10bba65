"""Whether a requester's pending action still holds: a comment, a reopen reason or a survey
comment being written (or the question whether a text that looked like a request is that content
after all) belongs to its demand and its step. A command, a menu word or label, a protocol typed
alone or a button of something else leaves it, saying so, and then does what it asks; so does
waiting more than pending.PENDING_MINUTES. Asked before every other flow (dialogs/handler.py
ROUTE), so that nothing typed for elsewhere leaves the step waiting behind it. What the
attendant's pending actions share with these is in dialogs/pending.py."""

from __future__ import annotations

from dialogs import choice_ids as ids
from dialogs import held_files, pending, words
from dialogs.flow import Turn
from dialogs.states import FollowState

# "voltar" is these steps' own: back to the demand, or to the rating.
LEAVING_WORDS = pending.LEAVING_WORDS - {"back"}
DISCARDED = {"comment": "follow.discarded_comment", "reopen": "follow.discarded_reopen",
             "rating_comment": "follow.rating_dropped"}


def pending_step(state: object) -> str | None:
    """The pending step the conversation is at ("confirm": the step it asks about), or None."""
    if not isinstance(state, FollowState):
        return None
    if state.step == "confirm":
        return state.confirming
    return state.step if state.step in FollowState.PENDING_STEPS else None


def _own_choices(state: FollowState) -> set[str]:
    own = {ids.HELP}
    if state.step == "comment":
        own |= {ids.SEND_COMMENT_FILES, ids.demand_action("com", state.demand or "")}
    elif state.step == "rating_comment":
        own.add(ids.SKIP)
    elif state.step == "confirm":
        own |= {ids.YES, ids.NO}
    return own


def leaves(turn: Turn, text: str) -> bool:
    """A button that is not the step's, a "/command", "menu", a menu item's label or a menu phrase
    alone ("minhas demandas", "linha do tempo": the demand on screen's), a protocol alone."""
    choice = turn.incoming.choice
    if choice:
        return choice not in _own_choices(turn.state)
    return (pending.typed_for_elsewhere(turn, text, LEAVING_WORDS) or words.looks_like_command(text)
            or pending.protocol_alone(text) or pending.picks_another_choice(turn, text, _own_choices(turn.state).__contains__))


async def discard(turn: Turn, late: bool = False) -> None:
    """Leave the pending step for the menu (its demand still "on screen"), saying what was dropped."""
    state = turn.state
    text = pending.discarded(turn, DISCARDED[pending_step(state)], state.demand, late)
    await held_files.drop(turn, state.files)
    await turn.menu(None, demand=state.demand)
    turn.say_text(text)


async def takes(turn: Turn) -> bool:
    """Never takes the message itself: a pending step left or waited out is said to be dropped,
    and the message goes on through the router as if nothing had been pending."""
    if pending_step(turn.state) is None:
        return False
    late = pending.expired(turn, turn.state.started())
    if late or leaves(turn, words.clean(turn.incoming.text)):
        await discard(turn, late)
    return False
