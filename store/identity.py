"""Verified identities: what a person proved (an OpenID subject, an e-mail address, a Teams
directory id), the one-time sign-in links and e-mail codes that prove them, the operator's grants
of the attendant role to an identity, and where a person wants pushes.

One identity value belongs to one person. Proving a value another person already holds joins
the prover to that person (their accounts, chats and demands move over): the only way two
channel accounts become one person, so nobody is joined to anyone by what they merely typed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from . import db, recording
from .mappers import person_view
from .models import (AttendantGrantRow, ChannelAccountRow, ChatRow, DemandRow, EmailCodeRow, OutboxRow,
                     PendingAttachmentRow, PersonRow, PushPreferenceRow, SignInLinkRow, VerifiedIdentityRow)
from .people import PeopleAndChats
from .views import Person

OIDC, EMAIL, AAD = "oidc", "email", "aad"
KINDS = (OIDC, EMAIL, AAD)


def normal_form(kind: str, value: str) -> str:
    """An identity's value as it is stored and compared: an e-mail in any case is one address."""
    return value.strip().lower() if kind == EMAIL else value.strip()


LINK_TTL = timedelta(minutes=10)
CODE_TTL = timedelta(minutes=10)
CODE_TRIES = 5
# Resends, per person and per address alike.
RESEND_GAP = timedelta(minutes=1)
RESENDS_PER_HOUR = 5


@dataclass(frozen=True)
class Identity:
    kind: str
    value: str
    how: str
    verified_at: datetime


@dataclass(frozen=True)
class SignInLink:
    id: int
    person_id: int
    chat_id: int
    channel: str
    channel_user_id: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class CodeCheck:
    """What a typed code did: `verified` (the address), `wrong` (tries left), `locked`, or
    `none` (no code waiting, or it expired)."""

    outcome: str
    address: str | None = None
    tries_left: int = 0


class CodeRefused(Exception):
    """A code asked again too soon: `reason` is "minute" or "hour"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def oidc_value(issuer: str, subject: str) -> str:
    """A subject is unique only within its issuer."""
    return f"{issuer.rstrip('/')} {subject}"


class Identities(PeopleAndChats):
    # --- what a person proved -------------------------------------------------------------------

    async def identities(self, person_id: int) -> list[Identity]:
        rows = await self.session.scalars(select(VerifiedIdentityRow).where(
            VerifiedIdentityRow.person_id == person_id).order_by(VerifiedIdentityRow.id))
        return [Identity(row.kind, row.value, row.how, row.verified_at) for row in rows]

    async def is_verified(self, person_id: int) -> bool:
        return await self.session.scalar(select(VerifiedIdentityRow.id).where(
            VerifiedIdentityRow.person_id == person_id).limit(1)) is not None

    async def verify_identity(self, person_id: int, kind: str, value: str, how: str,
                              details: dict | None = None) -> Person:
        """Record that `person_id` proved `value`; the person it now belongs to (another one when
        that person had proved it first: `person_id` is joined to them). An attendant grant
        waiting for this identity applies now."""
        if kind not in KINDS:
            raise ValueError(f"identity kind {kind!r}")
        value = normal_form(kind, value)
        now = self.now()
        # Insert unless the value is someone's: two people proving it at once (on PostgreSQL) do
        # not both find it free; the second waits on the unique key, then reads the first's row.
        inserted = await self.session.execute(
            db.insert_for(self.store.dialect, VerifiedIdentityRow.__table__).on_conflict_do_nothing()
            .values(person_id=person_id, kind=kind, value=value, how=how, details=details, verified_at=now))
        if inserted.rowcount:
            owner = person_id
        else:
            row = await self.session.scalar(select(VerifiedIdentityRow).where(
                VerifiedIdentityRow.kind == kind, VerifiedIdentityRow.value == value).with_for_update())
            owner = row.person_id
            row.how, row.verified_at, row.details = how, now, details or row.details
            if owner != person_id:
                await self._join(person_id, owner)
        await self.session.flush()
        person = await self._person_row(owner)
        if await self.session.scalar(select(AttendantGrantRow.id).where(
                AttendantGrantRow.kind == kind, AttendantGrantRow.value == value)) is not None:
            person.is_attendant = True
            person.updated_at = now
            await self.session.flush()
        return person_view(person)

    async def _join(self, joining: int, into: int) -> None:
        """Everything of `joining` becomes `into`'s: both proved the same identity. Pushes keep
        going where they went (the channel of origin); a channel the join brings stays quiet
        until the person turns it on in "Meus dados"."""
        known = set(await self.session.scalars(select(ChannelAccountRow.channel).where(
            ChannelAccountRow.person_id == into)))
        chosen = set(await self.session.scalars(select(PushPreferenceRow.channel).where(
            PushPreferenceRow.person_id == into)))
        brought = set(await self.session.scalars(select(ChannelAccountRow.channel).where(
            ChannelAccountRow.person_id == joining))) - known - chosen
        for model, column in ((ChannelAccountRow, ChannelAccountRow.person_id), (ChatRow, ChatRow.person_id),
                              (DemandRow, DemandRow.requester_id),
                              (PendingAttachmentRow, PendingAttachmentRow.person_id),
                              (VerifiedIdentityRow, VerifiedIdentityRow.person_id),
                              (EmailCodeRow, EmailCodeRow.person_id)):
            await self.session.execute(update(model).where(column == joining).values({column.key: into})
                                       .execution_options(synchronize_session=False))
        await self.session.execute(delete(PushPreferenceRow).where(PushPreferenceRow.person_id == joining))
        for channel in sorted(brought):
            await self.set_push_preference(into, channel, False)

    async def people_by_identity(self, kind: str, value: str) -> list[Person]:
        value = normal_form(kind, value)
        rows = await self.session.scalars(select(PersonRow).join(
            VerifiedIdentityRow, VerifiedIdentityRow.person_id == PersonRow.id).where(
            VerifiedIdentityRow.kind == kind, VerifiedIdentityRow.value == value))
        return [person_view(row) for row in rows]

    # --- the operator's grants ------------------------------------------------------------------

    async def grant_by_identity(self, kind: str, value: str, grant: bool) -> tuple[bool, list[Person]]:
        """Grant (or revoke) the role to whoever proves `value`: whether a grant was there
        before, and the people it applies to now."""
        value = normal_form(kind, value)
        existed = await self.session.scalar(select(AttendantGrantRow.id).where(
            AttendantGrantRow.kind == kind, AttendantGrantRow.value == value)) is not None
        if grant and not existed:
            self.session.add(AttendantGrantRow(kind=kind, value=value, granted_at=self.now()))
        elif not grant:
            await self.session.execute(delete(AttendantGrantRow).where(
                AttendantGrantRow.kind == kind, AttendantGrantRow.value == value))
        await self.session.flush()
        people = await self.people_by_identity(kind, value)
        return existed, [await self.set_attendant(person.id, grant) for person in people]

    async def waiting_grants(self) -> list[tuple[str, str]]:
        """Grants nobody has proved yet."""
        proved = select(VerifiedIdentityRow.id).where(VerifiedIdentityRow.kind == AttendantGrantRow.kind,
                                                      VerifiedIdentityRow.value == AttendantGrantRow.value)
        rows = await self.session.execute(select(AttendantGrantRow.kind, AttendantGrantRow.value)
                                          .where(~proved.exists()).order_by(AttendantGrantRow.id))
        return [tuple(row) for row in rows]

    # --- one-time sign-in links -----------------------------------------------------------------

    async def create_signin_link(self, person_id: int, chat_id: int, channel: str, channel_user_id: str) -> str:
        """A new link's token (kept only hashed): valid LINK_TTL, once."""
        token, now = secrets.token_urlsafe(32), self.now()
        self.session.add(SignInLinkRow(
            token_hash=token_hash(token), person_id=person_id, chat_id=chat_id, channel=channel,
            channel_user_id=str(channel_user_id), state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32), code_verifier=secrets.token_urlsafe(64),
            created_at=now, expires_at=now + LINK_TTL))
        await self.session.flush()
        return token

    async def open_signin_link(self, token: str) -> SignInLink | None:
        """The link, marked opened; None when unknown, expired or opened before."""
        row = await self.session.scalar(select(SignInLinkRow).where(
            SignInLinkRow.token_hash == token_hash(token)).with_for_update())
        if row is None or row.opened_at is not None or row.expires_at <= self.now():
            return None
        row.opened_at = self.now()
        await self.session.flush()
        return _link(row)

    async def finish_signin(self, state: str) -> SignInLink | None:
        """The opened link whose round trip `state` names, marked done; None when unknown,
        expired, never opened or already done (a replayed callback)."""
        row = await self.session.scalar(select(SignInLinkRow).where(
            SignInLinkRow.state == state).with_for_update())
        if row is None or row.opened_at is None or row.done_at is not None or row.expires_at <= self.now():
            return None
        row.done_at = self.now()
        await self.session.flush()
        return _link(row)

    # --- e-mail codes ---------------------------------------------------------------------------

    async def issue_email_code(self, person_id: int, address: str) -> str:
        """A new 6-digit code for `address` (the earlier ones stop counting); CodeRefused when
        asked within a minute of the last one, or a sixth time in an hour, for this person or
        for this address."""
        address, now = address.strip().lower(), self.now()
        for column, key in ((EmailCodeRow.person_id, person_id), (EmailCodeRow.address, address)):
            recent = (await self.session.execute(
                select(func.count(), func.max(EmailCodeRow.created_at))
                .where(column == key, EmailCodeRow.created_at > now - timedelta(hours=1)))).one()
            if recent[1] is not None and recent[1] > now - RESEND_GAP:
                raise CodeRefused("minute")
            if recent[0] >= RESENDS_PER_HOUR:
                raise CodeRefused("hour")
        await self._close_codes(person_id, now)
        code, salt = f"{secrets.randbelow(10 ** 6):06d}", secrets.token_hex(16)
        self.session.add(EmailCodeRow(person_id=person_id, address=address, salt=salt,
                                      code_hash=_code_hash(salt, code), attempts=0, created_at=now,
                                      expires_at=now + CODE_TTL))
        await self.session.flush()
        return code

    async def _close_codes(self, person_id: int, now: datetime) -> None:
        await self.session.execute(update(EmailCodeRow).where(
            EmailCodeRow.person_id == person_id, EmailCodeRow.done_at.is_(None)).values(done_at=now))

    async def waiting_code_address(self, person_id: int) -> str | None:
        row = await self._waiting_code(person_id)
        return row.address if row else None

    async def _waiting_code(self, person_id: int) -> EmailCodeRow | None:
        return await self.session.scalar(select(EmailCodeRow).where(
            EmailCodeRow.person_id == person_id, EmailCodeRow.done_at.is_(None),
            EmailCodeRow.expires_at > self.now()).order_by(EmailCodeRow.id.desc()).limit(1).with_for_update())

    async def check_email_code(self, person_id: int, code: str) -> CodeCheck:
        """A typed code: right, the address is this person's verified e-mail."""
        row = await self._waiting_code(person_id)
        if row is None:
            return CodeCheck("none")
        now = self.now()
        if hmac.compare_digest(row.code_hash, _code_hash(row.salt, code.strip())):
            row.done_at = now
            await self.session.flush()
            await self.verify_identity(person_id, EMAIL, row.address, "e-mail code")
            return CodeCheck("verified", row.address)
        row.attempts += 1
        if row.attempts >= CODE_TRIES:
            row.done_at = now
        await self.session.flush()
        left = CODE_TRIES - row.attempts
        return CodeCheck("wrong" if left else "locked", row.address, left)

    # --- telling the person ----------------------------------------------------------------------

    async def queue_message(self, chat_db_id: int, message: dict) -> None:
        """One message (dialogs.messages' JSON) for the notifier to send to a chat, after commit."""
        now = self.now()
        self.session.add(OutboxRow(event_id=None, chat_id=chat_db_id, audience="reply", message=message,
                                   status="pending", attempts=0, next_attempt_at=now, created_at=now))
        await self.session.flush()
        await recording.notify(self.session, "reply")

    async def queue_email(self, address: str, message: dict) -> None:
        from .outbox import EMAIL_CHANNEL  # the outbox module needs this one's Transaction

        chat = await self.ensure_chat(EMAIL_CHANNEL, address.strip().lower(), kind="email")
        await self.queue_message(chat.id, message)

    # --- where pushes go ------------------------------------------------------------------------

    async def account_channels(self, person_id: int) -> list[str]:
        return sorted(set(await self.session.scalars(select(ChannelAccountRow.channel).where(
            ChannelAccountRow.person_id == person_id))))

    async def push_preferences(self, person_id: int) -> dict[str, bool]:
        rows = await self.session.execute(select(PushPreferenceRow.channel, PushPreferenceRow.enabled)
                                          .where(PushPreferenceRow.person_id == person_id))
        return {channel: enabled for channel, enabled in rows}

    async def set_push_preference(self, person_id: int, channel: str, enabled: bool) -> None:
        row = await self.session.get(PushPreferenceRow, (person_id, channel))
        if row is None:
            self.session.add(PushPreferenceRow(person_id=person_id, channel=channel, enabled=enabled,
                                               updated_at=self.now()))
        else:
            row.enabled, row.updated_at = enabled, self.now()
        await self.session.flush()


def _link(row: SignInLinkRow) -> SignInLink:
    return SignInLink(id=row.id, person_id=row.person_id, chat_id=row.chat_id, channel=row.channel,
                      channel_user_id=row.channel_user_id, state=row.state, nonce=row.nonce,
                      code_verifier=row.code_verifier)
