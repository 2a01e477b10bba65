"""Store refusals as people read them: every kind has its sentence in both languages, never the
store's own log description, and an English speaker reads English all through a dialog."""

from __future__ import annotations

import re
from datetime import date

import pytest
from dialog_support import Conversation, as_attendant, open_demand, person_id

from dialogs.refusals import describe
from dialogs.texts import CATALOGUE, Texts
from store import (
    RULES,
    Actor,
    AlreadyAssigned,
    AttachmentNotFound,
    AttachmentRejected,
    DemandNotFound,
    InvalidField,
    InvalidTransition,
    NotAllowed,
    ReopenWindowClosed,
    Status,
    StoreError,
    SurveyNotAvailable,
    TooLong,
    errors,
)

PROTOCOL = "CAGE-08336-T2D3"
ACTIONS = [kind.value for kind in RULES] + [errors.ACTION_BIND_ROOM, errors.ACTION_QUEUE]
TEXT_FIELDS = ["title", "description", "text", "reason", "comment", "name", "cargo", "subject_detail"]
FILE_CODES = [errors.ATTACHMENT_EMPTY, errors.ATTACHMENT_TOO_BIG, errors.ATTACHMENT_EXECUTABLE,
              errors.ATTACHMENT_TYPE_NOT_ALLOWED, errors.ATTACHMENT_CONTENT_MISMATCH]

# One refusal of every code, with every field, action, status and hint it can name.
SAMPLES: list[StoreError] = [
    DemandNotFound(PROTOCOL),
    AttachmentNotFound(),
    NotAllowed(errors.UNKNOWN_PERSON),
    *(NotAllowed(errors.ATTENDANT_ONLY, action) for action in ACTIONS),
    *(NotAllowed(errors.REQUESTER_ONLY, action) for action in ACTIONS),
    AlreadyAssigned(PROTOCOL, 7, "Ana Atendente"),
    InvalidTransition(errors.ALREADY_YOURS, "received", PROTOCOL, Status.EM_ANDAMENTO),
    InvalidTransition(errors.WRONG_STATUS, "received", PROTOCOL, Status.AGUARDANDO, hint=errors.HINT_AWAIT_INFO),
    InvalidTransition(errors.WRONG_STATUS, "cancelled", PROTOCOL, Status.RESOLVIDO, hint=errors.HINT_REOPEN),
    InvalidTransition(errors.WRONG_STATUS, "answered", PROTOCOL, Status.CANCELADO),
    InvalidTransition(errors.NOT_CLOSED, "reopened", PROTOCOL, Status.EM_ANDAMENTO),
    ReopenWindowClosed(PROTOCOL, date(2025, 2, 2), date(2025, 2, 9)),
    SurveyNotAvailable(PROTOCOL, already_answered=True),
    SurveyNotAvailable(PROTOCOL, already_answered=False),
    *(InvalidField(field, errors.REQUIRED) for field in TEXT_FIELDS),
    *(TooLong(field, 2000, 2001) for field in TEXT_FIELDS),
    InvalidField("email", errors.MALFORMED_EMAIL),
    InvalidField("phone", errors.MALFORMED_PHONE),
    InvalidField("rating", errors.RATING_OUT_OF_RANGE, "9"),
    InvalidField("subject_detail", errors.SUBJECT_DETAIL_MISSING),
    InvalidField("chat_id", errors.UNKNOWN_CHAT, "3"),
    *(InvalidField(field, code, "inventado") for field, code in errors.UNKNOWN_CHOICE.items()),
    *(AttachmentRejected(code, "oficio.pdf", limit=20) for code in FILE_CODES),
    AttachmentRejected(errors.TOO_MANY_ATTACHMENTS, "oficio.pdf", limit=10),
    AttachmentRejected(errors.ATTACHMENTS_TOO_BIG_IN_ALL, "oficio.pdf", limit=50),
]

# Words only one of the languages uses (the samples' names, files and keys use neither).
PORTUGUESE = re.compile(r"[ãõçáéíóúâêô]|\b(não|demanda|você|de|do|da|em|para|arquivo|ou)\b", re.IGNORECASE)
ENGLISH = re.compile(r"\b(the|you|not|is|of|and|please|could|only)\b", re.IGNORECASE)

PT, EN = Texts("pt-BR"), Texts("en")


def _kinds(cls: type) -> set[type]:
    return {cls} | {kind for sub in cls.__subclasses__() for kind in _kinds(sub)}


def test_every_kind_and_every_sentence_has_a_sample():
    assert _kinds(StoreError) - {StoreError} <= {type(sample) for sample in SAMPLES}
    sentences = {key.removeprefix("refusal.") for key in CATALOGUE
                 if key.startswith("refusal.") and key.count(".") == 1}
    assert sentences == {sample.code for sample in SAMPLES}
    hints = {key.removeprefix("refusal.hint.") for key in CATALOGUE if key.startswith("refusal.hint.")}
    assert hints == {sample.facts["hint"] for sample in SAMPLES if sample.facts.get("hint")}


@pytest.mark.parametrize("error", SAMPLES, ids=lambda error: f"{type(error).__name__}-{error.code}")
def test_each_refusal_reads_in_one_language(error):
    portuguese, english = describe(PT, error), describe(EN, error)
    assert str(error) not in (portuguese, english)
    assert not PORTUGUESE.search(english), english
    assert not ENGLISH.search(portuguese), portuguese
    assert not PORTUGUESE.search(str(error)), "the log description is English"
    for fact in ("protocol", "filename", "holder_name"):
        if error.facts.get(fact):
            assert error.facts[fact] in portuguese and error.facts[fact] in english


def test_numbers_and_dates_read_as_the_store_counted_them():
    assert describe(PT, TooLong("text", 2000, 2500)).startswith("O texto tem 2500 caracteres e o limite é 2000.")
    assert describe(EN, TooLong("text", 2000, 2500)).startswith("The text has 2500 characters and the limit is 2000.")
    closed = ReopenWindowClosed(PROTOCOL, date(2025, 2, 2), date(2025, 2, 9))
    assert "02/02/2025" in describe(EN, closed) and "09/02/2025" in describe(EN, closed)


# --- through the dialogs, in English ---------------------------------------------------------------

EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 100


@pytest.fixture
async def english(dialogs, sqlite_store):
    """An English-speaking requester whose profile is complete, at the menu."""
    conv = Conversation(dialogs, user="en1", name="Mary Smith", locale="en-US")
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person(conv.channel, conv.user, conv.name)
        await tx.update_profile(person.id, email="mary@sefaz.rs.gov.br", phone="(51) 3214-5200",
                                cargo="Analyst", organ_key="sefaz")
    await conv.say("menu")
    return conv


def assert_english(text: str) -> None:
    assert not PORTUGUESE.search(text), text


async def test_someone_elses_protocol_in_english(english, sqlite_store, dialogs):
    theirs = await open_demand(sqlite_store, Conversation(dialogs, user="pt1", name="Bruno"))
    await english.send(choice=f"dm:show:{theirs}")
    assert f"I could not find demand {theirs} among the ones you can see" in english.text
    assert_english(english.text)


async def test_cancelling_a_solved_demand_in_english(english, sqlite_store):
    protocol = await open_demand(sqlite_store, english)
    await english.send(choice=f"dm:can:{protocol}")
    await as_attendant(sqlite_store, "solve", protocol, "Resolvido.")
    await english.press("yes")
    assert (f"It is not possible to cancel the demand {protocol}: its status is “Solved”. "
            "If you still need something, reopen the demand") in english.text


async def test_a_too_long_comment_in_english(english, sqlite_store):
    protocol = await open_demand(sqlite_store, english)
    await english.send(choice=f"dm:com:{protocol}")
    await english.say("x" * 2500)
    assert "The text has 2500 characters and the limit is 2000. Please shorten the text." in english.text


async def test_a_reopen_after_seven_days_in_english(english, sqlite_store, clock):
    protocol = await open_demand(sqlite_store, english)
    await as_attendant(sqlite_store, "solve", protocol, "Resolvido.")
    clock.advance(days=8)
    await english.send(choice=f"dm:reo:{protocol}")  # refused before the reason is asked (issue 15, item 8)
    assert "could only be reopened until" in english.text and f"quoting protocol {protocol}" in english.text
    await english.say("I still need it.")
    assert "reopened (status" not in english.text
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(await person_id(sqlite_store, english)), protocol)
    assert view.status.name == "RESOLVIDO"


async def test_an_executable_attachment_in_english(english, sqlite_store):
    protocol = await open_demand(sqlite_store, english)
    await english.send(choice=f"dm:com:{protocol}")
    await english.attach("virus.exe", EXECUTABLE)
    assert "The file “virus.exe” is an executable program and cannot be attached." in english.text
