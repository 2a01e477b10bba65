"""What a channel hands to the dialogs and what it gets back: plain data, no channel library."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingFile:
    """A file the channel has already downloaded."""

    filename: str
    data: bytes
    content_type: str | None = None


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


@dataclass(frozen=True)
class Choice:
    """A button: `id` travels back in `Incoming.choice` (short ascii), `label` is what people see."""

    id: str
    label: str
    # A page turn of a long list ("Mais ▶"): channels keep page turns together, apart from the
    # options, and leave the list open when one is pressed.
    turns_page: bool = False


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Outgoing:
    text: str
    choices: tuple[Choice, ...] = ()
    card: dict | None = None
    files: tuple[OutgoingFile, ...] = field(default=())
    # The protocol of the demand this message shows, if it shows one: a reply to the message
    # then acts on that demand.
    demand: str | None = None
