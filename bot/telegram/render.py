"""How an `Outgoing` looks on Telegram: HTML text in pieces that fit, and inline keyboards.

Nothing here talks to the network, so the rules are easy to test on their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Telegram counts message length in UTF-16 code units after entity parsing, so markup does not count.
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = 100  # Telegram's limit per keyboard; the dialogs page long lists well below it
# Callback data of the button that shows a choice already made; dialog ids never start with "tg:".
CHOSEN_DATA = "tg:chosen"

_PROTOCOL = re.compile(r"\bCAGE-\d{5,}-[A-Z]\d[A-Z]\d\b")
_NAV_LABELS = ("◀", "▶")
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


def is_nav(label: str) -> bool:
    return label.startswith(_NAV_LABELS) or label.endswith(_NAV_LABELS)


def check_callback_data(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def keyboard(choices: Sequence) -> InlineKeyboardMarkup | None:
    """Buttons for `choices` (objects with .id and .label). The dialogs page long lists with
    navigation choices ("◀ Anteriores", "Mais ▶"): those share the last row."""
    if not choices:
        return None
    if len(choices) > MAX_BUTTONS:
        raise ValueError(f"{len(choices)} choices: Telegram shows at most {MAX_BUTTONS} buttons")
    plain = [c for c in choices if not is_nav(c.label)]
    nav = [c for c in choices if is_nav(c.label)]
    # Two per row reads well when every label is short; long labels need the whole width.
    two_per_row = all(len(c.label) <= _SHORT_LABEL for c in plain)
    rows = _rows([_button(c.label, c.id) for c in plain], two_per_row)
    if nav:
        rows.append([_button(c.label, c.id) for c in nav])
    return InlineKeyboardMarkup(rows)


def _rows(buttons: list[InlineKeyboardButton], two_per_row: bool) -> list[list[InlineKeyboardButton]]:
    if two_per_row:
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return [[b] for b in buttons]


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=check_callback_data(data))


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
