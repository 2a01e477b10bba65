"""The shared store: people, demands with their lifecycle and timeline, attachments, the outbox
and conversation state, on SQLite or PostgreSQL. ``Store``/``Transaction`` are the only way to
change a demand."""

from .attachments import (MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_EVENT, MAX_ATTACHMENTS_TOTAL_BYTES,
                          NewAttachment)
from .db import is_transient, may_run_again
from .errors import (
    AlreadyAssigned,
    AttachmentNotFound,
    AttachmentRejected,
    DemandNotFound,
    InvalidField,
    InvalidTransition,
    NotAllowed,
    ReopenWindowClosed,
    StoreError,
    SurveyNotAvailable,
    TooLong,
)
from .retrying import StoreUnavailable, run_with_retries
from .protocol import find_protocols, parse_protocol
from .lifecycle import RULES
from .service import Store, Transaction, utc_now
from .validation import MAX_DESCRIPTION, MAX_TEXT, MAX_TITLE
from .views import (
    Actor,
    AttachmentView,
    Chat,
    DemandDraft,
    DemandView,
    EventKind,
    EventView,
    Page,
    Person,
    Status,
)

__all__ = [
    "MAX_ATTACHMENT_BYTES", "MAX_ATTACHMENTS_PER_EVENT", "MAX_ATTACHMENTS_TOTAL_BYTES", "MAX_DESCRIPTION",
    "MAX_TEXT", "MAX_TITLE",
    "RULES", "Actor", "AlreadyAssigned", "AttachmentNotFound", "AttachmentRejected",
    "AttachmentView", "Chat", "DemandDraft", "DemandNotFound", "DemandView", "EventKind",
    "EventView", "InvalidField", "InvalidTransition", "NewAttachment", "NotAllowed", "Page",
    "Person", "ReopenWindowClosed", "Status", "Store", "StoreError", "StoreUnavailable",
    "SurveyNotAvailable", "TooLong", "Transaction", "find_protocols", "is_transient", "may_run_again",
    "parse_protocol", "run_with_retries", "utc_now",
]
