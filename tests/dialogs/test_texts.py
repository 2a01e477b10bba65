"""The catalogue: every key the dialogs use exists in both languages, with the same fields."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from dialogs import profile, words
from dialogs.handler import FLOWS
from dialogs.new_demand import EDITS
from dialogs.texts import CATALOGUE, Texts
from store import EventKind, Status

SOURCES = [path for path in sorted((Path(__file__).resolve().parents[2] / "dialogs").glob("*.py"))
           if path.name != "texts.py"]
KEY = r'"([a-z_]+(?:\.[a-z_0-9]+)*)"[,)]'
# say("key"...), t("key"...), menu("key"), and choice(id, "key"...)
LITERAL_KEY = re.compile(rf"(?:\bsay\(|\bt\(|\.menu\(|\bchoice\([^,()]+, ){KEY}")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys() -> set[str]:
    keys = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text())}
    keys |= {step.help for flow in FLOWS.values() for step in flow.steps.values()}
    keys |= {f"status.{status.name}" for status in Status} | {f"event.{kind.value}" for kind in EventKind}
    keys |= {f"rating.{n}" for n in range(1, 6)} | {f"new.edit_{short}" for short in EDITS}
    for field in profile.FIELDS:
        keys |= {f"profile.ask_{field}", f"profile.edit_{field}", f"field.{field}"}
    return keys


def test_every_used_key_is_in_the_catalogue():
    missing = sorted(key for key in used_keys() if key not in CATALOGUE)
    assert not missing


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_say_the_same_fields(key):
    pt, en = CATALOGUE[key]
    assert pt.strip() and en.strip()
    assert fields(pt) == fields(en)


def test_numbers_are_written_as_each_language_does():
    assert "2.000" in Texts("pt-BR")("new.description", limit=2000)
    assert "2,000" in Texts("en-US")("new.description", limit=2000)


@pytest.mark.parametrize("value", range(1, 6))
def test_every_rating_label_shown_is_understood_when_typed(value):
    """The survey's labels ("5 ★★★★★ Ótimo"), their words and their stars give their rating back."""
    for label in CATALOGUE[f"rating.{value}"]:
        number, stars, words_only = label.split(" ", 2)
        typings = (label, label.lower(), words_only, words_only.upper(), stars, f"{number} estrelas", f"nota {number}")
        for typed in typings:
            assert words.rating(typed) == value, typed
