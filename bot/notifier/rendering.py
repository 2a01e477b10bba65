"""What a delivery says and what it changes: a row rendered for its chat (a turn's reply as it was
queued, or the event as that chat should hear it), a push's options made current in the chat it
reached, and which events change what a room's card shows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from dialogs import Outgoing, OutgoingFile
from dialogs.events import REQUESTER, offer_choices, render_email, render_push, shown_entries
from dialogs.messages import outgoing_from_json
from store import Chat, EventKind, Store, outbox
from store.outbox import Delivery
from store.workdays import is_quiet_hour
from taxonomy.references import default_references

log = logging.getLogger(__name__)


def render(delivery: Delivery, content: Callable[[str], bytes] | None = None,
           now: datetime | None = None) -> list[Outgoing]:
    """What to send for a row: a turn's reply as it was queued (`content` reads its stored files),
    or the event as this chat should hear it (silent, when sent `now`, in the requester's quiet
    hours), with the event's files after its text where `gets_files` (without `content`, the
    shell's pushes, they are named only)."""
    if delivery.message is not None:
        return [outgoing_from_json(delivery.message, content or _no_content)]
    if delivery.chat.channel == outbox.EMAIL_CHANNEL:
        subject, body = render_email(delivery.event, delivery.demand, delivery.chat.locale)
        return [Outgoing(text=body, card={"kind": "email", "subject": subject})]
    messages = render_push(delivery.event, delivery.demand, delivery.audience, delivery.chat.locale)
    if content is not None and gets_files(delivery):
        *before, last = messages
        messages = [*before, replace(last, files=event_files(delivery, content))]
    if now is not None and is_quiet_for(delivery, now):
        messages = [replace(message, silent=True) for message in messages]
    return messages


def gets_files(delivery: Delivery) -> bool:
    """The files of an event go, as files, to the private chats of the people who did not attach
    them (a requester hears an attendant's answer with its documents). Rooms have the card's
    "Anexos" button instead, and their few messages a minute go to cards."""
    event = delivery.event
    return (bool(event.attachments) and delivery.chat.kind == "private"
            and delivery.chat.person_id != event.author_id)


def event_files(delivery: Delivery, content: Callable[[str], bytes]) -> tuple[OutgoingFile, ...]:
    files = []
    for item in delivery.event.attachments:
        try:
            data = content(item.sha256)
        except OSError as error:  # the push names it; the rest still goes
            log.error("outbox %s: attachment %s (%s) unreadable: %s", delivery.id, item.filename, item.sha256, error)
            continue
        files.append(OutgoingFile(filename=item.filename, data=data, content_type=item.content_type,
                                  sha256=item.sha256))
    return tuple(files)


def is_quiet_for(delivery: Delivery, now: datetime) -> bool:
    """A push to a requester at night, unless they asked for sound in "Meus dados"."""
    return (delivery.audience == REQUESTER and delivery.requester is not None
            and delivery.requester.silent_at_night and is_quiet_hour(now))


async def make_choices_current(store: Store, offers: list[tuple[Delivery, list[Outgoing]]]) -> list[None]:
    """Pushes' options become what a number or a label typed next picks in the private chats they
    reached (their buttons answer anyway; typing them needs this), all in one transaction. A
    courtesy, like a card's edit: a failure is logged, never retried, and never holds a delivery
    back."""
    wanted = [(delivery, messages) for delivery, messages in offers
              if delivery.chat.kind == "private" and shown_entries(messages)]  # rooms, e-mail: buttons or none
    if wanted:
        try:
            async with store.transaction() as tx:
                for delivery, messages in wanted:
                    await offer_choices(tx, delivery.chat.channel, delivery.chat.chat_id, messages)
        except Exception:
            log.exception("outbox %s: could not make the pushes' options current",
                          ", ".join(str(delivery.id) for delivery, _ in wanted))
    return [None] * len(offers)


# Events that change what a card shows (its status, its attendant; attachments change its count;
# a text citing a document number may add to its "Documentos citados"). Rooms allow a bot few
# messages a minute, edits included: the others leave the card alone.
CARD_EVENTS = frozenset({EventKind.RECEIVED, EventKind.INFO_REQUESTED, EventKind.INFO_SENT,
                         EventKind.SOLVED, EventKind.CANCELLED, EventKind.REOPENED})


def _no_content(sha256: str) -> bytes:
    raise LookupError(f"no content store to read {sha256} from")


def is_room_card(delivery: Delivery, message: Outgoing) -> bool:
    return delivery.event is not None and delivery.chat.is_attendant_room and (message.card or {}).get("kind") == "attendant_card"


def is_requester_card(chat: Chat, message: Outgoing) -> bool:
    """A demand shown to a person in their private chat, kept current like a room's card."""
    return chat.kind == "private" and bool(message.demand) and (message.card or {}).get("kind") == "demand"


def changes_card(event) -> bool:
    return (event.kind in CARD_EVENTS or bool(event.attachments)
            or bool(event.text and default_references().extract(event.text)))


def card_state(demand) -> tuple:
    """What a card shows that events change."""
    return demand.status, demand.assignee_id, len(demand.attachments), len(demand.references)
