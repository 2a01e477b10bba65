"""A real local SMTP server (aiosmtpd) for tests, keeping what it received.

    with LocalSMTP(refuse={"gone@x.br"}) as smtp:   # smtp.url -> smtp://127.0.0.1:<port>?...
        ...
        smtp.messages  # email.message.EmailMessage, in arrival order
"""

from __future__ import annotations

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from fakes.ports import free_port


class _Handler:
    def __init__(self, refuse: set[str]):
        self.refuse = refuse
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"


class LocalSMTP:
    def __init__(self, refuse: set[str] = frozenset(), sender: str = "naoresponda@cage.rs.gov.br"):
        self.handler = _Handler({address.lower() for address in refuse})
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}?from={sender}&starttls=0"
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self) -> LocalSMTP:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
