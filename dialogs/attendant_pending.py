"""Whether an attendant's pending action (the text of an answer, a request or a solution; which
action a reply to a card is; taking a demand over) still holds: it belongs to its demand and its
step, so a command, a button, a menu word or a protocol of something else leaves it, and so does
waiting more than pending.PENDING_MINUTES. dialogs/attendant.py asks these before the step
answers; what the requester's pending actions share with these is in dialogs/pending.py."""

from __future__ import annotations

from dialogs import choice_ids as ids
from dialogs import pending
from dialogs.attendant_commands import split_protocol
from dialogs.flow import Turn
from dialogs.states import AttendantState

# Steps whose answer is one of their own buttons (or its number, or "sim"/"não").
_YES_NO_STEPS = ("reassign", "confirm")


def expired(turn: Turn) -> bool:
    return pending.expired(turn, turn.state.started())


def leaves(turn: Turn, text: str, command: str | None, rest: str, choice: str | None,
           replied: str | None) -> bool:
    """Whether the message is about something else than the pending action (its demand, its step):
    a command, a button, a menu word, a protocol typed alone, a reply to another demand's card.
    Plain text, files, the step's own choices and "ajuda" are the step's."""
    state = turn.state
    if choice:
        action, argument = ids.attendant_action_of(choice)
        return not _same_action(state, action, argument)
    if turn.incoming.choice:
        return not _own(state, turn.incoming.choice)
    if command:
        protocol, _ = split_protocol(rest)
        return not _same_action(state, command, protocol or replied)
    stripped = text.strip()
    if pending.typed_for_elsewhere(turn, text):
        return True
    if pending.picks_another_choice(turn, text, lambda choice: _own(state, choice)):
        return True
    if replied is not None and replied != state.protocol and (stripped or turn.incoming.files):
        return True
    protocol, after = split_protocol(stripped)
    return (protocol is not None and not after.strip()) or pending.protocol_alone(stripped)


def _own(state: AttendantState, choice: str) -> bool:
    """One of the step's own choices (pressed, or typed as its number or label)."""
    if state.step == "which":
        return ids.which_action_of(choice) is not None
    return state.step in _YES_NO_STEPS and choice in (ids.YES, ids.NO)


def _same_action(state: AttendantState, action: str, protocol: str | None) -> bool:
    """The command or button that began the pending action, again (it begins it anew or does it)."""
    return state.step in ("text", "confirm") and action == state.action and protocol == state.protocol


def for_another_flow(turn: Turn, text: str) -> bool:
    """A message that left the pending action and is another flow's to answer: another flow's
    button, a menu word or label, a command the attendants' flow does not know."""
    return bool(turn.incoming.choice) or pending.typed_for_elsewhere(turn, text)


def discarded(turn: Turn, late: bool) -> str:
    """The sentence that says which pending action was dropped, and why when it waited too long."""
    state = turn.state
    kind = state.action if state.step in ("text", "confirm") else state.step
    return pending.discarded(turn, f"att.discarded_{kind}", state.protocol, late)
