"""Database tables (SQLAlchemy 2 declarative). Alembic migrations must agree with this file:
tests/store/test_migrations.py fails when they drift apart.

Relationships are ``lazy="raise_on_sql"`` because the store is async: a forgotten eager load
must fail loudly in tests instead of doing hidden queries.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Sequence,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use the store clock")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    cargo: Mapped[str | None] = mapped_column(String(120))
    organ_key: Mapped[str | None] = mapped_column(String(40))
    # Everyone may open demands (requester); attendants are granted by an operator.
    is_attendant: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pushes between 20:00 and 8:00 go out without a sound unless the person turned that off.
    silent_at_night: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelAccountRow(Base):
    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[PersonRow] = relationship(lazy="raise_on_sql")


class ChatRow(Base):
    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))  # "private" | "group"
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    # Whatever the channel needs to write to the chat later (Teams: a conversation reference).
    reference: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(20))
    is_attendant_room: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a send found the chat unreachable (blocked, kicked, not found); None once it writes to
    # the bot again. Its outbox rows are skipped meanwhile (store/outbox.py).
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Demand numbers on PostgreSQL (migration 0003): taking one locks nothing, so creations on several
# instances do not queue behind each other's commit. SQLite, one writer at a time, numbers them
# with the "protocol" counter row.
DEMAND_NUMBERS = Sequence("demand_numbers", metadata=Base.metadata)


class CounterRow(Base):
    """Named counters; on SQLite "protocol" numbers the demands (incremented by an upsert)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class DemandRow(Base):
    __tablename__ = "demands"
    __table_args__ = (
        Index("ix_demands_requester_status_created", "requester_id", "status", "created_at"),
        Index("ix_demands_status_created", "status", "created_at"),
        Index("ix_demands_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    protocol: Mapped[str] = mapped_column(String(24), unique=True)
    title: Mapped[str] = mapped_column(String(150))
    organ_key: Mapped[str] = mapped_column(String(40))
    type_key: Mapped[str] = mapped_column(String(40))
    category_key: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str | None] = mapped_column(String(40))
    subject_detail: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # Status member name
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    survey_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The requester's open demand this one may repeat: they were shown it and opened this anyway.
    possible_duplicate_of: Mapped[str | None] = mapped_column(String(24))

    requester: Mapped[PersonRow] = relationship(foreign_keys=[requester_id], lazy="raise_on_sql")
    assignee: Mapped[PersonRow | None] = relationship(foreign_keys=[assignee_id], lazy="raise_on_sql")
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="demand", lazy="raise_on_sql", order_by="AttachmentRow.id")
    references: Mapped[list[DemandReferenceRow]] = relationship(
        lazy="raise_on_sql", order_by="DemandReferenceRow.id", viewonly=True)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_demand_created", "demand_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # EventKind value
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str | None] = mapped_column(Text)
    # Details some kinds carry: {"rating": 4} for a survey, the previous assignee of a handover.
    data: Mapped[dict | None] = mapped_column(JSON)
    visibility: Mapped[str] = mapped_column(String(10), default="public")  # "public" | "internal"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    demand: Mapped[DemandRow] = relationship(lazy="raise_on_sql")
    author: Mapped[PersonRow] = relationship(lazy="raise_on_sql")
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="event", lazy="raise_on_sql", order_by="AttachmentRow.id")


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    demand: Mapped[DemandRow] = relationship(back_populates="attachments", lazy="raise_on_sql")
    event: Mapped[EventRow] = relationship(back_populates="attachments", lazy="raise_on_sql")


class DemandReferenceRow(Base):
    """A document number a demand cites (taxonomy/references.py), once per demand, with the event
    whose text cited it first (the creation for the title and description)."""

    __tablename__ = "demand_references"
    __table_args__ = (
        UniqueConstraint("demand_id", "kind", "value"),
        Index("ix_demand_references_value_kind", "value", "kind"),  # /buscar (the duplicate check uses the unique key)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One message to deliver to one chat: a timeline event (`event_id`), or one reply of a turn
    (`message`, the reply as dialogs.messages serializes it). The notifier claims, sends, marks;
    a turn's replies are born claimed by the process that took the turn, which sends them at once."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "chat_id"),
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(12))  # "requester" | "attendants" | "reply"
    message: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|sent|failed|skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxRow(Base):
    """One update or activity as a channel received it, written before it is acknowledged and
    marked done in the transaction of the turn that handled it (store/inbox.py)."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "chat_key", "update_key"),
        Index("ix_inbox_status_chat", "status", "channel", "chat_key", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_key: Mapped[str] = mapped_column(String(300))  # the channel's chat id: turns of a chat in order
    update_key: Mapped[str] = mapped_column(String(200))  # Telegram's update_id, the activity's id
    group_key: Mapped[str | None] = mapped_column(String(100))  # an album's parts share it
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|done
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConversationRow(Base):
    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyAnswerRow(Base):
    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    # The solution being rated: unique, so a solution is rated once even under a race.
    solved_event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CardMessageRow(Base):
    """Which demand a message the bot sent shows, so a reply to that message names the demand;
    `live` when the message is the demand's card in that chat, edited as the demand changes."""

    __tablename__ = "card_messages"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    protocol: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Prompts, file lists and replied pushes also name a demand, but are never turned into a card.
    live: Mapped[bool] = mapped_column(Boolean, default=False)


class PendingAttachmentRow(Base):
    """A file a person sent for something not yet sent (a draft, a comment, an attendant's
    answer): the content is in the attachment store by its SHA-256, the conversation state keeps
    only this row's id. Checked when it is attached to an event, like any attachment."""

    __tablename__ = "pending_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(120))  # what the channel claims
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DigestClaimRow(Base):
    """A room's daily digest of one day, claimed by the process that queued it: (room, day) is
    unique, so several notifiers send it once."""

    __tablename__ = "digest_claims"
    __table_args__ = (UniqueConstraint("chat_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # the local working day it is the digest of
    claimed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttentionMarkRow(Base):
    """A demand announced to the rooms as waiting too long: once per wait (a CAGE action starts
    another), whichever process saw it first."""

    __tablename__ = "attention_marks"
    __table_args__ = (UniqueConstraint("demand_id", "waiting_since"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"))
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
class VerifiedIdentityRow(Base):
    """Something a person proved to be theirs: an OpenID subject, an e-mail address (a code typed
    back), a Teams directory object id (vouched for by Microsoft). One value belongs to one
    person: proving it from another channel joins that channel's account to them (store/identity.py)."""

    __tablename__ = "verified_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "oidc" | "email" | "aad"
    value: Mapped[str] = mapped_column(String(300))  # "issuer subject" for oidc, lower-case e-mail
    how: Mapped[str] = mapped_column(String(120))  # "oidc <issuer>", "e-mail code", "teams"
    # What the provider said besides the subject (cpf, name, email claims).
    details: Mapped[dict | None] = mapped_column(JSON)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignInLinkRow(Base):
    """A one-time sign-in link given to a chat: the token is kept hashed; `state`, `nonce` and the
    PKCE verifier of the provider round trip it starts; `opened_at` and `done_at` make it single use."""

    __tablename__ = "signin_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    channel_user_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailCodeRow(Base):
    """A 6-digit code e-mailed to prove an address: kept hashed (with its own salt), tried at most
    MAX_TRIES times, then locked; the rows also count the resends per person and per address."""

    __tablename__ = "email_codes"
    __table_args__ = (Index("ix_email_codes_address_created", "address", "created_at"),
                      Index("ix_email_codes_person_created", "person_id", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254))
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # typed right, or locked


class PushPreferenceRow(Base):
    """Where a person wants pushes: per channel on or off (absent: the channel of origin is on,
    the others off; e-mail follows ECAGE_SMTP_URL)."""

    __tablename__ = "push_preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttendantGrantRow(Base):
    """An operator's grant of the attendant role to an identity (`admin grant-attendant --email`
    or `--subject`), given before anyone proved it: it makes an attendant only of the person who
    verifies that identity."""

    __tablename__ = "attendant_grants"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(300))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
