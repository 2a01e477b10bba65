"""Rows to views: what leaves the store is a frozen value (store/views.py), never an ORM row, so a
caller may keep it after its transaction ended."""

from __future__ import annotations

from .models import AttachmentRow, ChatRow, DemandRow, EventRow, PersonRow
from taxonomy.references import Reference

from .views import AttachmentView, Chat, DemandView, EventKind, EventView, Person, Status


def person_view(row: PersonRow) -> Person:
    return Person(id=row.id, name=row.name, email=row.email, phone=row.phone, cargo=row.cargo,
                  organ_key=row.organ_key, is_attendant=row.is_attendant,
                  silent_at_night=row.silent_at_night)


def chat_view(row: ChatRow) -> Chat:
    return Chat(id=row.id, channel=row.channel, chat_id=row.chat_id, kind=row.kind,
                person_id=row.person_id, reference=row.reference, locale=row.locale,
                is_attendant_room=row.is_attendant_room)


def attachment_view(row: AttachmentRow) -> AttachmentView:
    return AttachmentView(id=row.id, event_id=row.event_id, filename=row.filename,
                          content_type=row.content_type, size=row.size, sha256=row.sha256,
                          created_at=row.created_at)


def demand_view(row: DemandRow) -> DemandView:
    return DemandView(
        id=row.id, protocol=row.protocol, title=row.title, organ_key=row.organ_key,
        type_key=row.type_key, category_key=row.category_key, subject_key=row.subject_key,
        subject_detail=row.subject_detail, description=row.description,
        status=Status[row.status], requester_id=row.requester.id,
        requester_name=row.requester.name,
        assignee_id=row.assignee.id if row.assignee else None,
        assignee_name=row.assignee.name if row.assignee else None,
        created_at=row.created_at, updated_at=row.updated_at, closed_at=row.closed_at,
        attachments=tuple(attachment_view(a) for a in row.attachments),
        survey_pending=row.survey_pending,
        references=tuple(Reference(r.kind, r.value) for r in row.references),
        possible_duplicate_of=row.possible_duplicate_of)


def event_view(row: EventRow) -> EventView:
    return EventView(
        id=row.id, kind=EventKind(row.kind), author_id=row.author_id, author_name=row.author.name,
        text=row.text, created_at=row.created_at,
        attachments=tuple(attachment_view(a) for a in row.attachments),
        visibility=row.visibility, rating=(row.data or {}).get("rating"))
