"""A store refusal as the sentence the person reads, in their language.

The store raises typed refusals; this module is where each kind becomes a sentence of the
catalogue (``dialogs/texts.py``), so every channel shows the same words for the same refusal.
"""

from __future__ import annotations

from dialogs.texts import Texts
from store import StoreError


def describe(t: Texts, error: StoreError) -> str:
    return str(error)
