"""What every pending action shares. A pending action is something begun that waits for the
person's next message: an attendant's answer, information request or solution text, which action
a reply to a card is, taking a demand over (dialogs/attendant_pending.py); a requester's comment,
reopen reason or survey comment (dialogs/follow_pending.py). It belongs to its demand and its step:

- waiting more than PENDING_MINUTES drops it (`expired`);
- what is typed for somewhere else leaves it, saying so (`discarded`): a "/command", a leaving
  word, a menu item's label, a protocol typed alone (`typed_for_elsewhere`, `protocol_alone`);
- text that only looks like content (a request about a demand, "linha do tempo CAGE-…") is never
  stored silently: the step asks whether it is content (`looks_like_a_request`, `confirm_choices`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Callable

from dialogs import choice_ids as ids
from dialogs import words
from dialogs.flow import Turn, menu_choices, typed_choice
from dialogs.messages import Choice
from store import find_protocols, parse_protocol

# After this long the next message is read as if nothing were pending.
PENDING_MINUTES = 30
# Global words that leave a pending action ("cancelar" and "ajuda" are every step's own: it
# cancels, it helps; "voltar" is the step's own where the step has somewhere to go back to).
LEAVING_WORDS = frozenset({"start", "menu", "back"})
# A protocol's sequence number typed alone: five digits or more, or with leading zeros ("00002").
_PROTOCOL_NUMBER = re.compile(r"\d{5,9}|0\d{1,8}")
_SMALL_NUMBER = re.compile(r"[1-9]\d{0,3}")
# A protocol's words once punctuation is gone ("cage 08336 t2d3"); its check code is letter, digit, letter, digit.
_PROTOCOL_PART = re.compile(r"cage|\d+|[a-z]\d[a-z]\d")


def started_now(turn: Turn) -> str:
    """The time a pending action begins, as states keep it (ISO 8601, UTC)."""
    return turn.tx.now().isoformat()


def expired(turn: Turn, started: datetime | None) -> bool:
    """Whether the action begun at `started` waited too long (None: a state saved before the time
    was kept, which never expires)."""
    return started is not None and turn.tx.now() - started > timedelta(minutes=PENDING_MINUTES)


def typed_for_elsewhere(turn: Turn, text: str, leaving: frozenset[str] = LEAVING_WORDS) -> bool:
    """A "/command", a leaving word or a menu item's label: never a pending action's text. The
    other global words ("ajuda", also the menu's last label) are the step's own."""
    word = words.global_word(text)
    if word is not None:
        return word in leaving
    return text.strip().startswith("/") or _menu_label(turn, text)


def _menu_label(turn: Turn, text: str) -> bool:
    """A menu item typed by its label ("Nova demanda"): the menu's business."""
    typed = words.plain(text)
    return bool(typed) and any(words.plain(choice.label) == typed for choice in menu_choices(turn.t))


def picks_another_choice(turn: Turn, text: str, is_own: Callable[[str], bool]) -> bool:
    """A number or a label typed that picks a choice on screen that is not the step's own: one
    that a push delivered meanwhile offered (dialogs/events.py)."""
    picked = typed_choice(turn.shown, text)
    return picked is not None and not is_own(picked)


def protocol_alone(text: str) -> bool:
    """A protocol typed alone, loosely or as its bare number ("00002"): a demand asked for."""
    return bool(parse_protocol(text)) or bool(_PROTOCOL_NUMBER.fullmatch(words.bare(text)))


def is_a_request_alone(text: str) -> bool:
    """A message that is only a request to the bot, never anyone's content: a command or a menu
    phrase alone, a number alone (an option picked from a list no longer on screen), a word that
    works at any step or a greeting, a yes or a no, a "pular" or "enviar"."""
    return bool(words.looks_like_command(text) or _SMALL_NUMBER.fullmatch(words.bare(text))
                or words.global_word(text) is not None or words.yes_or_no(text) is not None
                or words.is_done(text))


def asks_about_a_demand(text: str) -> bool:
    """A demand asked for rather than written about: its protocol or bare number with nothing but
    words that ask around it ("CAGE-…", "status da CAGE-…", "linha do tempo 00002", "reabrir CAGE-…")."""
    if not (find_protocols(text) or _protocol_numbers(text)):
        return False
    rest = " ".join(token for token in words.plain(text).split() if not _PROTOCOL_PART.fullmatch(token))
    return words.only_asks(rest)


def looks_like_a_request(text: str, protocol: str) -> bool:
    """Text that reads as a request to the bot rather than content for `protocol`: a menu phrase
    alone ("minhas demandas"), a greeting, a yes or a no, a "pular" or "enviar", or a number alone
    (an option picked from a list no longer on screen), a sentence naming another demand, or a demand named with a
    request word ("linha do tempo CAGE-…", "status da 00002")."""
    if is_a_request_alone(text):
        return True
    named = find_protocols(text)
    if any(other != protocol for other in named):
        return True
    asks = words.intents(text)
    return bool(asks) and bool(named or _protocol_numbers(text))


def _protocol_numbers(text: str) -> list[str]:
    """The bare numbers of `text` that may be a protocol's sequence number ("status da 00002")."""
    return [number for number in words.bare_numbers(text) if _PROTOCOL_NUMBER.fullmatch(number)]


def confirm_choices(turn: Turn) -> list[Choice]:
    return [turn.choice(ids.YES, "pending.record"), turn.choice(ids.NO, "pending.not_content")]


def confirmed(reply_choice: str | None) -> bool | None:
    """The answer to "record it as content?": True, False, or None when it was neither."""
    return {ids.YES: True, ids.NO: False}.get(reply_choice or "")


def discarded(turn: Turn, key: str, protocol: str, late: bool, **fields: Any) -> str:
    """The sentence that says which pending action was dropped, and why when it waited too long."""
    text = turn.t(key, protocol=protocol, **fields)
    if late:
        text += " " + turn.t("pending.late", minutes=PENDING_MINUTES)
    return text
