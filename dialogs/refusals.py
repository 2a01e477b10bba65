"""A store refusal as the sentence the person reads, in their language.

The store raises typed refusals with a code and the facts the sentence needs
(store/errors.py); here the code picks the catalogue's sentence ("refusal.<code>" in
dialogs/texts.py) and each fact is worded for it: a field or an action by its catalogue words,
a status by its name, a date as dd/mm/aaaa. A refusal that says what to do instead (its
``hint``) gets that sentence too. So every channel shows the same words for the same refusal.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from typing import Any

from dialogs.texts import CATALOGUE, Texts
from store import StoreError

# How a fact reads in a sentence, by the fact's name; any other fact reads as it is (numbers
# without thousands separators, as "2000 caracteres" always read).
WORDING: dict[str, Callable[[Texts, Any], str]] = {
    "field": lambda t, field: t(f"refusal.field.{field}"),
    "action": lambda t, action: t(f"refusal.action.{action}"),
    "status": lambda t, status: t(f"status.{status.name}"),
    "closed_on": lambda t, day: _date(day),
    "last_day": lambda t, day: _date(day),
}


def describe(t: Texts, error: StoreError) -> str:
    key = f"refusal.{error.code}"
    said = {name for _, name, _, _ in string.Formatter().parse(CATALOGUE[key][0]) if name}
    facts = {name: WORDING[name](t, error.facts[name]) if name in WORDING else str(error.facts[name])
             for name in said}
    sentence = t(key, **facts)
    hint = error.facts.get("hint")
    return f"{sentence} {t(f'refusal.hint.{hint}')}" if hint else sentence


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
