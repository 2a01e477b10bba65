"""What the store hands out and takes in: plain immutable values, never ORM objects, so callers
can keep them after the transaction ended."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from taxonomy.references import Reference


class Status(enum.Enum):
    EM_ANDAMENTO = "Em Andamento"
    AGUARDANDO = "Aguardando Informações"
    RESOLVIDO = "Resolvido"
    CANCELADO = "Cancelado"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.EM_ANDAMENTO, Status.AGUARDANDO})
CLOSED_STATUSES = frozenset({Status.RESOLVIDO, Status.CANCELADO})


class EventKind(str, enum.Enum):
    CREATED = "created"
    RECEIVED = "received"
    ANSWERED = "answered"
    INFO_REQUESTED = "info_requested"
    INFO_SENT = "info_sent"
    COMMENT = "comment"
    SOLVED = "solved"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    SURVEY_ANSWERED = "survey_answered"


@dataclass(frozen=True)
class Actor:
    person_id: int
    is_attendant: bool = False
    chat_id: int | None = None  # database id of the chat the action came from


@dataclass(frozen=True)
class DemandDraft:
    title: str
    organ_key: str
    type_key: str
    category_key: str
    subject_key: str | None
    subject_detail: str | None
    description: str
    possible_duplicate_of: str | None = None  # the open demand the requester was shown and passed over


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str | None
    phone: str | None
    cargo: str | None
    organ_key: str | None
    is_attendant: bool
    silent_at_night: bool = True  # pushes in quiet hours without a sound (store/workdays.py)

    @property
    def profile_complete(self) -> bool:
        return all((self.name, self.email, self.phone, self.cargo, self.organ_key))


@dataclass(frozen=True)
class Chat:
    id: int
    channel: str
    chat_id: str
    kind: str
    person_id: int | None
    reference: dict | None
    locale: str | None
    is_attendant_room: bool


@dataclass(frozen=True)
class AttachmentView:
    id: int
    event_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


@dataclass(frozen=True)
class DemandView:
    id: int
    protocol: str
    title: str
    organ_key: str
    type_key: str
    category_key: str
    subject_key: str | None
    subject_detail: str | None
    description: str
    status: Status
    requester_id: int
    requester_name: str
    assignee_id: int | None
    assignee_name: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    attachments: tuple[AttachmentView, ...]
    survey_pending: bool
    references: tuple[Reference, ...] = ()  # the document numbers it cites, first cited first
    possible_duplicate_of: str | None = None


@dataclass(frozen=True)
class EventView:
    id: int
    kind: EventKind
    author_id: int
    author_name: str
    text: str | None
    created_at: datetime
    attachments: tuple[AttachmentView, ...]
    visibility: str = "public"
    rating: int | None = None  # survey_answered only


@dataclass(frozen=True)
class Page:
    items: tuple[DemandView, ...]
    page: int
    page_size: int
    total: int
    pages: int
