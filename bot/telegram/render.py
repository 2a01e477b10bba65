"""How an `Outgoing` looks on Telegram: HTML text in pieces that fit, and inline keyboards.

Nothing here talks to the network, so the rules are easy to test on their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs import Choice

# Telegram counts message length in UTF-16 code units after entity parsing, so markup does not count.
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = 100  # Telegram's limit per keyboard; the dialogs page long lists well below it
# Our own callback data starts with "tg:", which no dialog id does.
# The button that shows a choice already made:
CHOSEN_DATA = "tg:chosen"
# Put before a page turn's id: a press then tells the channel what it pressed without a label
# being read. It costs a page turn's id 8 of its 64 bytes; the dialogs' page turns are short.
PAGE_TURN_MARK = "tg:page:"

_PROTOCOL = re.compile(r"\bCAGE-\d{5,}-[A-Z]\d[A-Z]\d\b")
_SHORT_LABEL = 18


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Escape user-provided text and put protocols in <code> so they copy with a tap."""
    escaped = html.escape(text, quote=False)
    return _PROTOCOL.sub(lambda m: f"<code>{m.group(0)}</code>", escaped)


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split plain text into pieces of at most `limit` UTF-16 units, preferring paragraph, line
    and word boundaries so no word (and no protocol) is cut in half."""
    pieces: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        window = _prefix_within(rest, limit)
        cut = _best_cut(window)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def _prefix_within(text: str, limit: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += utf16_length(char)
        if used > limit:
            return text[:index]
    return text


def _best_cut(window: str) -> int:
    # Only accept a boundary in the second half, otherwise a long line would yield tiny pieces.
    for separator in ("\n\n", "\n", " "):
        position = window.rfind(separator)
        if position > len(window) // 2:
            return position + len(separator)
    return len(window)


def check_callback_data(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """Buttons for `choices`. The dialogs page long lists with page turns ("◀ Anteriores",
    "Mais ▶", `Choice.turns_page`): those share the last row."""
    if not choices:
        return None
    if len(choices) > MAX_BUTTONS:
        raise ValueError(f"{len(choices)} choices: Telegram shows at most {MAX_BUTTONS} buttons")
    plain = [c for c in choices if not c.turns_page]
    page_turns = [c for c in choices if c.turns_page]
    # Two per row reads well when every label is short; long labels need the whole width.
    two_per_row = all(len(c.label) <= _SHORT_LABEL for c in plain)
    rows = _rows([_button(c) for c in plain], two_per_row)
    if page_turns:
        rows.append([_button(c) for c in page_turns])
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class Press:
    """What a button's callback data says: the dialogs' choice id, and whether it turns a page."""

    choice: str
    turns_page: bool = False


def press_of(data: str) -> Press:
    if data.startswith(PAGE_TURN_MARK):
        return Press(choice=data[len(PAGE_TURN_MARK):], turns_page=True)
    return Press(choice=data)


def _rows(buttons: list[InlineKeyboardButton], two_per_row: bool) -> list[list[InlineKeyboardButton]]:
    if two_per_row:
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return [[b] for b in buttons]


def _button(choice: Choice) -> InlineKeyboardButton:
    data = PAGE_TURN_MARK + choice.id if choice.turns_page else choice.id
    return InlineKeyboardButton(choice.label, callback_data=check_callback_data(data))


def chosen_keyboard(label: str) -> InlineKeyboardMarkup:
    """What a keyboard becomes once used: a single inert button that shows the choice."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"✔ {label}", callback_data=CHOSEN_DATA)]])


def label_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
