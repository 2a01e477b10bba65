"""Whether an attendant's pending action (the text of an answer, a request or a solution; which
action a reply to a card is; taking a demand over) still holds: it belongs to its demand and its
step, so a command, a button, a menu word or a protocol of something else leaves it, and so does
waiting more than PENDING_MINUTES. dialogs/attendant.py asks these before the step answers."""

from __future__ import annotations

from datetime import timedelta

from dialogs import choice_ids as ids
from dialogs import words
from dialogs.attendant_commands import split_protocol
from dialogs.flow import Turn, menu_choices
from dialogs.states import AttendantState

# After this long the next message is read as if nothing were pending.
PENDING_MINUTES = 30
# What leaves a pending action for something else, typed: these global words, a menu item's label
# and any "/command" ("cancelar" and "ajuda" are the step's own: it cancels, it helps).
LEAVING_WORDS = {"start", "menu", "back"}


def expired(turn: Turn) -> bool:
    started = turn.state.started()
    return started is not None and turn.tx.now() - started > timedelta(minutes=PENDING_MINUTES)


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
        own = ids.which_action_of(turn.incoming.choice) if state.step == "which" else (
            turn.incoming.choice if state.step == "reassign" and turn.incoming.choice in (ids.YES, ids.NO) else None)
        return own is None
    if command:
        protocol, _ = split_protocol(rest)
        return not _same_action(state, command, protocol or replied)
    stripped = text.strip()
    if _typed_for_elsewhere(turn, text):
        return True
    if replied is not None and replied != state.protocol and (stripped or turn.incoming.files):
        return True
    protocol, after = split_protocol(stripped)
    return protocol is not None and not after.strip()


def _menu_label(turn: Turn, text: str) -> bool:
    """A menu item typed by its label ("Nova demanda"): the menu's business, not an answer's text."""
    typed = words.plain(text)
    return bool(typed) and any(words.plain(choice.label) == typed for choice in menu_choices(turn.t))


def _same_action(state: AttendantState, action: str, protocol: str | None) -> bool:
    """The command or button that began the pending action, again (it begins it anew or does it)."""
    return state.step == "text" and action == state.action and protocol == state.protocol


def for_another_flow(turn: Turn, text: str) -> bool:
    """A message that left the pending action and is another flow's to answer: another flow's
    button, a menu word or label, a command the attendants' flow does not know."""
    return bool(turn.incoming.choice) or _typed_for_elsewhere(turn, text)


def _typed_for_elsewhere(turn: Turn, text: str) -> bool:
    """A "/command", a leaving word or a menu item's label: never the text of an answer."""
    return text.strip().startswith("/") or words.global_word(text) in LEAVING_WORDS or _menu_label(turn, text)


def discarded(turn: Turn, late: bool) -> str:
    """The sentence that says which pending action was dropped, and why when it waited too long."""
    state = turn.state
    kind = state.action if state.step == "text" else state.step
    text = turn.t(f"att.discarded_{kind}", protocol=state.protocol)
    if late:
        text += " " + turn.t("att.discarded_late", minutes=PENDING_MINUTES)
    return text
