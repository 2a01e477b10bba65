"""Every choice id the dialogs offer, built and read here and nowhere else.

A choice id travels to a channel and comes back in `Incoming.choice`, maybe days later (an old
message, a push in the outbox), so the strings are a contract: short ascii (Telegram's callback
data holds 64 bytes: "atd:recv:CAGE-08336-T2D3" is 24), and never renamed.

Two families are valid from any step, whatever was shown last: "menu:<item>" (and the bare
"menu"/"help") and a demand's actions "dm:<action>:<protocol>". The attendants' "atd:<action>:
<argument>" are theirs from any step too. Every other id answers only the question that offered it.
"""

from __future__ import annotations

# --- answers shared by many questions -------------------------------------------------------------
MENU = "menu"
HELP = "help"
YES, NO = "yes", "no"
KEEP = "keep"
SKIP = "skip"
DONE = "done"
SEND = "send"
CANCEL = "cancel"
# Page turns of a long list, and the full list again after a close call.
PREV_PAGE, NEXT_PAGE, FULL_LIST = "pg:prev", "pg:next", "pg:list"

# --- the new demand's own answers ---------------------------------------------------------------------
SUGGESTED_TITLE = "title:suggested"
SPLIT_DESCRIPTION, REWRITE_DESCRIPTION = "desc:split", "desc:rewrite"
PROA_GO, PROA_STOP = "proa:go", "proa:stop"
FIX_PROPOSAL = "prop:fix"
_READING = "prop:"  # one of the readings of a close call: "prop:0", "prop:1", "prop:2"
CLEAR_FILES = "att:clear"
# A draft kept when the person left it: continue it, or start over.
RESUME_DRAFT, RESTART_DRAFT = "draft:resume", "draft:restart"
# An open demand of the requester's looks like the one being sent: comment on it, or open anyway.
SIMILAR_COMMENT, SIMILAR_OPEN = "sim:comment", "sim:open"
# Held files (a draft's, a comment's): which one to remove, then that one ("rmf:<held id>").
REMOVE_FILE = "rmf:ask"
# --- following a demand -----------------------------------------------------------------------------------
SEND_COMMENT_FILES = "com:send"

_MENU, _DEMAND, _ATTENDANT = "menu:", "dm:", "atd:"
_EDIT, _PROFILE, _RATING, _WHICH = "edit:", "pf:", "r:", "atw:"
_REMOVE_FILE = "rmf:"


def _after(choice: str | None, prefix: str) -> str | None:
    return choice[len(prefix):] if choice and choice.startswith(prefix) else None


def _action_and_argument(choice: str | None, prefix: str) -> tuple[str, str] | None:
    rest = _after(choice, prefix)
    if rest is None:
        return None
    action, _, argument = rest.partition(":")
    return action, argument


# --- menu items: "menu:new" ----------------------------------------------------------------------------

def menu_item(item: str) -> str:
    return f"{_MENU}{item}"


def menu_item_of(choice: str | None) -> str | None:
    return _after(choice, _MENU)


# --- a demand's actions, for its requester: "dm:tl:CAGE-08336-T2D3" ---------------------------------

def demand_action(action: str, protocol: str) -> str:
    return f"{_DEMAND}{action}:{protocol}"


def demand_action_of(choice: str | None) -> tuple[str, str] | None:
    """(action, protocol) of a "dm:" id; the protocol is "" when missing."""
    return _action_and_argument(choice, _DEMAND)


def is_global(choice: str) -> bool:
    """Valid from any step, whatever was shown last."""
    return choice in (MENU, HELP) or choice.startswith((_MENU, _DEMAND))


# --- the attendants' actions: "atd:recv:CAGE-…", "atd:queue:2" --------------------------------------

def attendant_action(action: str, argument: str | int) -> str:
    return f"{_ATTENDANT}{action}:{argument}"


def attendant_action_of(choice: str | None) -> tuple[str, str] | None:
    """(action, argument) of an "atd:" id; the argument is "" when missing."""
    return _action_and_argument(choice, _ATTENDANT)


def which_action(action: str) -> str:
    """The answer to "which action is this reply to the card?": "atw:ans"."""
    return f"{_WHICH}{action}"


def which_action_of(choice: str | None) -> str | None:
    return _after(choice, _WHICH)


# --- an entry of a list: "type:servicos", "org:sefaz" -------------------------------------------------

def option(prefix: str, key: str) -> str:
    return f"{prefix}:{key}"


def option_of(choice: str | None, prefix: str) -> str | None:
    """The entry key of an option of the list `prefix`; None for any other id."""
    return _after(choice, f"{prefix}:")


# --- one reading of a sentence's close call: "prop:1" (the readings are made again from the sentence) -

def reading(index: int) -> str:
    return f"{_READING}{index}"


def reading_of(choice: str | None) -> int | None:
    rest = _after(choice, _READING)
    return int(rest) if rest is not None and rest.isdigit() else None


# --- editing one field of a summary or of the profile: "edit:title", "pf:email" -----------------------

def edit_field(short: str) -> str:
    return f"{_EDIT}{short}"


def edit_field_of(choice: str | None) -> str | None:
    return _after(choice, _EDIT)


def profile_field(field: str) -> str:
    return f"{_PROFILE}{field}"


def profile_field_of(choice: str | None) -> str | None:
    return _after(choice, _PROFILE)


# --- proving who one is (dialogs/identity.py) ------------------------------------------------------------
SIGN_IN = "idn:link"
NEW_CODE = "idn:code"
# "Meus dados": where pushes go, one channel turned on or off ("push:telegram").
PUSHES = "pf:pushes"
_PUSH = "push:"


def push_toggle(channel: str) -> str:
    return f"{_PUSH}{channel}"


def push_toggle_of(choice: str | None) -> str | None:
    return _after(choice, _PUSH)


# --- the satisfaction survey: "r:5" -----------------------------------------------------------------------

def rating(value: int) -> str:
    return f"{_RATING}{value}"


def rating_of(choice: str | None) -> str | None:
    return _after(choice, _RATING)


# --- a held file to remove: "rmf:12" -------------------------------------------------------------------

def remove_file(held_id: int) -> str:
    return f"{_REMOVE_FILE}{held_id}"


def remove_file_of(choice: str | None) -> int | None:
    rest = _after(choice, _REMOVE_FILE)
    return int(rest) if rest is not None and rest.isdigit() else None
