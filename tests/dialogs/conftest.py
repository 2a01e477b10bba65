"""Fixtures of the dialog tests: dialogs over a fresh SQLite store, a person at the menu."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, complete_profile  # tests/dialogs is on sys.path, like store_support

from dialogs import Dialogs
from taxonomy import default_taxonomy


@pytest.fixture
def taxonomy():
    return default_taxonomy()


@pytest.fixture
def dialogs(sqlite_store, taxonomy):
    return Dialogs(sqlite_store, taxonomy)


@pytest.fixture
async def conv(dialogs):
    return Conversation(dialogs)


@pytest.fixture
async def ready(conv):
    """A requester with a complete profile, at the menu."""
    await complete_profile(conv)
    return conv
