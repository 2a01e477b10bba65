"""The channel contract (bot.contract): what every channel may call on the dialogs side, and the
one mapping from a channel's language tag to the catalogue's locale."""

from __future__ import annotations

import pytest

from bot.contract import Conversation, locale_of
from bot.flood import FloodGuard
from dialogs import Dialogs
from taxonomy import default_taxonomy


def test_the_dialogs_and_the_flood_guard_in_front_of_them_keep_the_contract(sqlite_store):
    dialogs = Dialogs(sqlite_store, default_taxonomy())
    assert isinstance(dialogs, Conversation)
    assert isinstance(FloodGuard(dialogs), Conversation)


@pytest.mark.parametrize(("tag", "locale"), [
    ("en", "en"), ("en-US", "en"), ("EN-gb", "en"),
    ("pt-BR", "pt-BR"), ("pt", "pt-BR"), ("es", "pt-BR"), ("", "pt-BR"), (None, "pt-BR"),
])
def test_one_locale_for_every_channel(tag, locale):
    assert locale_of(tag) == locale


def test_a_demand_cards_actions_stay_after_a_press_and_other_questions_do_not(sqlite_store):
    dialogs = Dialogs(sqlite_store, default_taxonomy())
    assert dialogs.keeps_choices("atd:recv:CAGE-00001-B3N4")
    assert dialogs.keeps_choices("atd:queue:2")
    for answered_once in ("menu:new", "dm:cancel:CAGE-00001-B3N4", "type:servicos", "pg:next", "yes"):
        assert not dialogs.keeps_choices(answered_once)
