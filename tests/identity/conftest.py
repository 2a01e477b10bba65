"""Fixtures of the identity tests: a local SMTP server and the dialogs requiring verified
identities by e-mail code over a fresh SQLite store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The dialogs' own transcript driver (tests/dialogs/dialog_support.py), shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogs"))

from fakes.smtp import LocalSMTP  # noqa: E402  (tests/ is on sys.path: tests/conftest.py)

from dialogs import Dialogs  # noqa: E402
from dialogs.identity import Verification  # noqa: E402
from identity_support import DOMAINS  # noqa: E402
from taxonomy import default_taxonomy  # noqa: E402



@pytest.fixture
def smtp():
    with LocalSMTP() as server:
        yield server


@pytest.fixture
def email_dialogs(sqlite_store):
    return Dialogs(sqlite_store, default_taxonomy(),
                   verification=Verification(email_domains=DOMAINS, required=True))
