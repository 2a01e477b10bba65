"""Typed refusals of the store: what was refused and why, as a code with the facts its sentence
needs, never the sentence itself.

``error.code`` names the refusal and ``error.facts`` holds what the sentence says (a protocol, a
status, a limit, a date); dialogs/refusals.py turns them into the sentence of the person's
language (dialogs/texts.py, keys "refusal.<code>"). ``str(error)`` is a short English
description for logs, never shown to anyone.

A refusal may carry a ``hint``: the code of what the person can do instead (wait for the
information, reopen, add the rest as a comment), which is the domain's to decide.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .views import Status

# Why an action is not allowed (NotAllowed.code).
UNKNOWN_PERSON = "unknown_person"
ATTENDANT_ONLY = "attendant_only"
REQUESTER_ONLY = "requester_only"

# Actions besides the lifecycle events (whose codes are the EventKind values).
ACTION_BIND_ROOM = "bind_room"
ACTION_QUEUE = "queue"

# Why an event may not happen in the demand's status (InvalidTransition.code).
WRONG_STATUS = "wrong_status"
ALREADY_YOURS = "already_yours"
NOT_CLOSED = "not_closed"

# What the person can do instead (the "hint" fact).
HINT_AWAIT_INFO = "await_info"
HINT_REOPEN = "reopen"
HINT_ADD_AS_COMMENT = "add_as_comment"
HINT_SHORTEN = "shorten"

# What is wrong with a field (InvalidField.code).
REQUIRED = "required"
TOO_LONG = "too_long"
MALFORMED_EMAIL = "malformed_email"
MALFORMED_PHONE = "malformed_phone"
RATING_OUT_OF_RANGE = "rating_out_of_range"
SUBJECT_DETAIL_MISSING = "subject_detail_missing"
UNKNOWN_CHAT = "unknown_chat"
UNKNOWN_CHOICE = {  # Anexo I key fields -> the code of a key it does not know
    "organ_key": "unknown_organ",
    "type_key": "unknown_type",
    "category_key": "unknown_category",
    "subject_key": "unknown_subject",
}

# Why an attachment is refused (AttachmentRejected.code).
ATTACHMENT_EMPTY = "attachment_empty"
ATTACHMENT_TOO_BIG = "attachment_too_big"
TOO_MANY_ATTACHMENTS = "too_many_attachments"
ATTACHMENTS_TOO_BIG_IN_ALL = "attachments_too_big_in_all"
ATTACHMENT_EXECUTABLE = "attachment_executable"
ATTACHMENT_TYPE_NOT_ALLOWED = "attachment_type_not_allowed"
ATTACHMENT_CONTENT_MISMATCH = "attachment_content_mismatch"


class StoreError(Exception):
    """A refusal: ``code`` says which, ``facts`` what its sentence needs."""

    summary = "refused: {code}"  # the log description, formatted with code and facts

    def __init__(self, code: str, **facts: Any):
        super().__init__(code)
        self.code = code
        self.facts = facts

    def __str__(self) -> str:
        return self.summary.format(code=self.code, **self.facts)


class DemandNotFound(StoreError):
    """Also raised for a demand the actor may not see, so both look the same."""

    summary = "demand {protocol} not found among those the actor may see"

    def __init__(self, protocol: str):
        super().__init__("demand_not_found", protocol=protocol)


class AttachmentNotFound(DemandNotFound):
    summary = "attachment not found among those the actor may see"

    def __init__(self):
        StoreError.__init__(self, "attachment_not_found")


class NotAllowed(StoreError):
    """The actor may not do this at all (``code``: UNKNOWN_PERSON, ATTENDANT_ONLY, REQUESTER_ONLY)."""

    summary = "not allowed: {code} (action: {action})"

    def __init__(self, code: str, action: str | None = None):
        super().__init__(code, action=action)


class AlreadyAssigned(NotAllowed):
    """Receiving a demand someone else holds; the dialog asks and retries with reassign=True."""

    summary = "demand {protocol} is held by person {holder_id}"

    def __init__(self, protocol: str, holder_id: int, holder_name: str):
        StoreError.__init__(self, "already_assigned", protocol=protocol, holder_id=holder_id,
                            holder_name=holder_name)
        self.holder_id = holder_id
        self.holder_name = holder_name


class InvalidTransition(StoreError):
    """The event does not fit the demand's status (``code``: WRONG_STATUS, ALREADY_YOURS, NOT_CLOSED)."""

    summary = "cannot record {action} on demand {protocol} in status {status.name} ({code})"

    def __init__(self, code: str, action: str, protocol: str, status: Status, *,
                 hint: str | None = None):
        super().__init__(code, action=action, protocol=protocol, status=status, hint=hint)


class ReopenWindowClosed(InvalidTransition):
    summary = "demand {protocol} closed on {closed_on} could be reopened until {last_day}"

    def __init__(self, protocol: str, closed_on: date, last_day: date):
        StoreError.__init__(self, "reopen_window_closed", protocol=protocol, closed_on=closed_on,
                            last_day=last_day)


class SurveyNotAvailable(StoreError):
    summary = "no survey to answer on demand {protocol} ({code})"

    def __init__(self, protocol: str, already_answered: bool):
        super().__init__("survey_answered" if already_answered else "survey_not_yet",
                         protocol=protocol, already_answered=already_answered)


class InvalidField(StoreError):
    """What a person typed does not pass (``code``: REQUIRED, MALFORMED_EMAIL, ...)."""

    summary = "invalid {field} ({code})"

    def __init__(self, field: str, code: str, value: str | None = None, **facts: Any):
        super().__init__(code, field=field, value=value, **facts)
        self.field = field


class TooLong(InvalidField):
    summary = "{field} has {length} characters, over the limit of {limit}"

    def __init__(self, field: str, limit: int, length: int):
        # The portal's advice for a long description (guide 2.2): send the rest as a comment.
        hint = HINT_ADD_AS_COMMENT if field == "description" else HINT_SHORTEN
        super().__init__(field, TOO_LONG, limit=limit, length=length, hint=hint)
        self.limit = limit
        self.length = length


class AttachmentRejected(StoreError):
    """A file refused (``code``: ATTACHMENT_EMPTY, ATTACHMENT_TOO_BIG, ...); ``limit`` where one applies."""

    summary = "attachment {filename!r} rejected ({code})"

    def __init__(self, code: str, filename: str | None = None, *, limit: int | None = None):
        super().__init__(code, filename=filename, limit=limit)
        self.filename = filename
