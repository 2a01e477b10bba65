"""E-mail, as the portal sends it: the requester hears about information requested, information
sent and solutions at their profile address. ``ECAGE_SMTP_URL`` says where to send:

    smtp://user:pass@host:587?from=naoresponda@cage.rs.gov.br&starttls=1
    smtps://user:pass@host:465?from=...          (TLS from the first byte)

``starttls``: 1 requires STARTTLS, 0 never uses it; absent: used when the server offers it.

Every message says it was written by a program (``Auto-Submitted: auto-generated``, RFC 3834), so
vacation auto-replies and ticket systems do not answer it, and carries its own ``Date`` and
``Message-ID`` rather than leaving them to whichever relay would add them (many do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from dialogs import Outgoing
from store import Chat

from .senders import PermanentSendError, TransientSendError

DEFAULT_FROM = "naoresponda@cage.rs.gov.br"
SEND_TIMEOUT = 30


@dataclass(frozen=True)
class SmtpSettings:
    hostname: str
    port: int
    username: str | None
    password: str | None
    sender: str
    use_tls: bool
    start_tls: bool | None

    @property
    def connection(self) -> dict:
        """How to reach the server, as aiosmtplib takes it (sending, and `python -m bot check`)."""
        return {"hostname": self.hostname, "port": self.port, "use_tls": self.use_tls,
                "start_tls": self.start_tls, "timeout": SEND_TIMEOUT}

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or self.hostname


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("ECAGE_SMTP_URL must look like smtp://user:pass@host:port?from=address")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_tls = parts.scheme == "smtps"
    starttls = query.get("starttls")
    return SmtpSettings(
        hostname=parts.hostname,
        port=parts.port or (465 if use_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from") or DEFAULT_FROM,
        use_tls=use_tls,
        start_tls=None if starttls is None or use_tls else starttls not in ("0", "false", "no"),
    )


class EmailSender:
    channel = "email"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def min_interval(self, chat: Chat) -> float:
        return 0.0

    async def send(self, chat: Chat, outgoing: Outgoing, skip: int = 0) -> None:
        # One e-mail is one part: nothing to skip.
        settings = self.settings
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = chat.chat_id
        message["Subject"] = (outgoing.card or {}).get("subject", "e-CAGE")
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=settings.domain)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(outgoing.text)
        try:
            await aiosmtplib.send(message, username=settings.username, password=settings.password,
                                  **settings.connection)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise PermanentSendError(f"smtp: recipient refused: {exc}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentSendError(f"smtp: {exc.code} {exc.message}") from exc
            raise TransientSendError(f"smtp: {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TransientSendError(f"smtp: {exc}") from exc
