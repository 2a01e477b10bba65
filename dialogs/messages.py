"""What a channel hands to the dialogs and what it gets back: plain data, no channel library."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dialogs.render import MAX_TEXT


@dataclass(frozen=True)
class IncomingFile:
    """A file the channel has already downloaded."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Receipt:
    """Where a message taken from the inbox came from: its inbox rows (an album has several), which
    its turn marks done, and who took it, who then sends the replies queued in the outbox."""

    inbox_ids: tuple[int, ...]
    owner: str
    lease: float = 60.0
    attempt: int = 1  # how many times the message has been taken (2 and on: after a failure)


@dataclass(frozen=True)
class Incoming:
    channel: str
    chat_id: str
    user_id: str
    user_name: str = ""
    text: str = ""
    choice: str | None = None
    files: tuple[IncomingFile, ...] = ()
    locale: str = "pt-BR"
    chat_kind: str = "private"
    chat_reference: dict | None = None
    reply_to: str | None = None
    # Where in the chat the replies go when that is not the chat itself (a thread of a Teams
    # channel): kept with each reply queued, so whoever sends it sends it there.
    reply_reference: dict | None = None
    receipt: Receipt | None = None
    # The account's id in a directory that vouches for it (Teams: the AAD object id), and the
    # e-mail that directory gives for it (Teams: the roster's), vouched for alike.
    directory_id: str | None = None
    directory_email: str | None = None


@dataclass(frozen=True)
class Choice:
    """A button: `id` travels back in `Incoming.choice` (short ascii), `label` is what people see."""

    id: str
    label: str
    # A page turn of a long list ("Mais ▶"): channels keep page turns together, apart from the
    # options, and leave the list open when one is pressed.
    turns_page: bool = False


@dataclass(frozen=True)
class Listing:
    """The whole of a long list that a message shows one page of. A channel with a searchable list
    (Teams' filtered ChoiceSet) shows every option in it, under `text` (the question without its
    page number), instead of the page's options and its turns; a channel of buttons pages. The
    options' ids are the ones the page's buttons send, so either way the same answer comes back."""

    text: str
    options: tuple[Choice, ...]


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    data: bytes
    content_type: str | None = None
    sha256: str | None = None  # a stored attachment's: the outbox keeps this, not the content


@dataclass(frozen=True)
class Outgoing:
    text: str
    choices: tuple[Choice, ...] = ()
    card: dict | None = None
    files: tuple[OutgoingFile, ...] = field(default=())
    # The protocol of the demand this message shows, if it shows one: a reply to the message
    # then acts on that demand.
    demand: str | None = None
    # Set on a reply queued in the outbox (a turn taken from the inbox): the row to mark sent.
    outbox_id: int | None = None
    # Delivered without a sound where the channel can (a push to a requester at night).
    silent: bool = False
    listing: Listing | None = None


# Between a text alone and the reply it opens (dialogs read and tests split on it).
PARAGRAPH_BREAK = "\n\n"


def _is_text_alone(reply: Outgoing) -> bool:
    return not (reply.choices or reply.card or reply.files or reply.demand or reply.listing)


def _takes_a_lead(reply: Outgoing) -> bool:
    # A card may be shown instead of the text (Teams), and a message that shows a demand is
    # edited as the demand changes: a line put before either would be lost.
    return reply.card is None and reply.demand is None


def _opened(lead: str, text: str) -> str:
    return lead + PARAGRAPH_BREAK + text if text.strip() else lead


def in_few_messages(replies: list[Outgoing]) -> list[Outgoing]:
    """A turn's replies in as few messages as they read well: a text alone ("✔ Execução da
    Despesa", a greeting, a note that a pending answer was discarded) opens the reply after it,
    a paragraph of its own, instead of being a message apart. Every message is a bubble in the
    chat and a call to the channel, made one after another: a turn of two messages was the slowest
    a person waited for (benchmarks/bench_replies.py)."""
    joined: list[Outgoing] = []
    for reply in replies:
        lead = joined[-1] if joined else None
        if (lead is None or not _is_text_alone(lead) or not _takes_a_lead(reply) or lead.silent != reply.silent
                or len(lead.text) + len(PARAGRAPH_BREAK) + len(reply.text) > MAX_TEXT):
            joined.append(reply)
            continue
        listing = reply.listing and replace(reply.listing, text=_opened(lead.text, reply.listing.text))
        joined[-1] = replace(reply, text=_opened(lead.text, reply.text), listing=listing)
    return joined


def outgoing_to_json(message: Outgoing) -> dict:
    """A reply as the outbox keeps it. Its files are stored attachments, kept by their hash: the
    content stays in the attachments store."""
    if any(file.sha256 is None for file in message.files):
        raise ValueError("a reply's files must be stored attachments (OutgoingFile.sha256)")
    return {
        "text": message.text,
        "choices": [[choice.id, choice.label, choice.turns_page] for choice in message.choices],
        "card": message.card,
        "files": [{"filename": file.filename, "content_type": file.content_type, "sha256": file.sha256}
                  for file in message.files],
        "demand": message.demand,
        "listing": None if message.listing is None else {
            "text": message.listing.text,
            "options": [[choice.id, choice.label] for choice in message.listing.options]},
    }


def outgoing_from_json(stored: dict, content: Callable[[str], bytes], outbox_id: int | None = None) -> Outgoing:
    """The reply again; `content(sha256)` reads a stored file."""
    files = tuple(OutgoingFile(filename=file["filename"], content_type=file.get("content_type"),
                               sha256=file["sha256"], data=content(file["sha256"]))
                  for file in stored.get("files", ()))
    listing = stored.get("listing")  # rows queued before lists were kept whole have none
    if listing is not None:
        listing = Listing(text=listing["text"], options=tuple(Choice(id_, label) for id_, label in listing["options"]))
    return Outgoing(text=stored["text"], choices=tuple(Choice(id_, label, bool(page)) for id_, label, page in stored["choices"]),
                    card=stored.get("card"), files=files, demand=stored.get("demand"), outbox_id=outbox_id,
                    listing=listing)


def with_outbox_ids(replies: list[Outgoing], ids: list[int]) -> list[Outgoing]:
    return [replace(reply, outbox_id=outbox_id) for reply, outbox_id in zip(replies, ids)]
