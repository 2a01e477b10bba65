"""The terminal channel: talk to the bot from a shell.

    python -m bot shell --user ID [--name NAME] [--locale pt-BR|en]

On a terminal it prompts; otherwise it reads one message per line from standard input (a
script), printing "> line" and then the replies, and exits at the end of the input.
Choices are printed as numbered lines; answering with a number, or a label, picks that choice of
the last list shown — a push's too, as in every channel: the dialogs read the number (a protocol's
"00002" is a protocol, never option 2). Page turns ("◀ Anteriores") are printed last, without a
number: type their label. "/anexo PATH" sends a local file.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from pathlib import Path
from typing import Awaitable, Callable, Iterable, TextIO

from bot.contract import Conversation
from dialogs import Choice, Incoming, IncomingFile, Outgoing
from dialogs.texts import Texts
from store import StoreUnavailable

CHANNEL = "shell"
ATTACH_COMMAND = "/anexo"
PROMPT = "você> "


class Shell:
    def __init__(self, dialogs: Conversation, user: str, name: str = "", locale: str = "pt-BR",
                 out: TextIO | None = None):
        self.dialogs = dialogs
        self.user, self.name, self.locale = user, name or user, locale
        self.out = out or sys.stdout
        # The options of the last list shown (the dialogs read a number typed against the same list).
        self.last_choices: list[Choice] = []
        # Called after every turn; the notifier will use it to print the pushes meant for this user.
        self.after_turn: Callable[[], Awaitable[None]] | None = None

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def to_incoming(self, line: str) -> Incoming | None:
        """The message a typed line stands for; None (after saying why) when it cannot be sent."""
        text, files = line.strip(), ()
        if text.split(maxsplit=1)[0].lower() == ATTACH_COMMAND:
            path = Path(text[len(ATTACH_COMMAND):].strip()).expanduser()
            if not path.is_file():
                self.print(f"(arquivo não encontrado: {path})")
                return None
            files = (IncomingFile(filename=path.name, data=path.read_bytes(),
                                  content_type=mimetypes.guess_type(path.name)[0]),)
            text = ""
        return Incoming(channel=CHANNEL, chat_id=self.user, user_id=self.user, user_name=self.name,
                        text=text, files=files, locale=self.locale)

    def show(self, replies: list[Outgoing]) -> None:
        self.last_choices = []
        for reply in replies:
            self.print(reply.text)
            for file in reply.files:
                self.print(f"[arquivo: {file.filename}]")
            # Page turns take no number (as in the dialogs): typing their label turns the page.
            options = [choice for choice in reply.choices if not choice.turns_page]
            for number, choice in enumerate(options, start=1):
                self.print(f"  {number}. {choice.label}")
            for choice in reply.choices:
                if choice.turns_page:
                    self.print(f"  {choice.label}")
            if reply.choices:
                self.last_choices = options
        self.print()

    async def send(self, line: str) -> None:
        incoming = self.to_incoming(line)
        if incoming is not None:
            try:
                self.show(await self.dialogs.handle(incoming, waiting=self._print_note))
            except StoreUnavailable:
                # The shell keeps no inbox to try again from: the person is told to send it again
                # (and the pushes wait in the outbox for the next turn).
                self.print(Texts(self.locale)("store.unavailable"))
                self.print()
                return
        if self.after_turn is not None:
            await self.after_turn()

    async def _print_note(self, note: Outgoing) -> None:
        self.print(note.text)

    async def run_script(self, lines: Iterable[str]) -> None:
        for line in lines:
            if line.strip():
                self.print(f"> {line.rstrip()}")
                await self.send(line)

    async def run_interactive(self) -> None:
        self.print("e-CAGE Chat — terminal. Escreva “oi” para começar, “menu” ou “ajuda” a qualquer momento; "
                   "Ctrl-D sai.")
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, input, PROMPT)
            except (EOFError, KeyboardInterrupt):
                self.print()
                return
            if line.strip():
                await self.send(line)


async def run(dialogs: Conversation, user: str, name: str = "", locale: str = "pt-BR", stdin: TextIO | None = None,
              after_turn: Callable[[Shell], Awaitable[None]] | None = None) -> int:
    """Talk until the input ends. `after_turn(shell)` runs after every message (the notifier's hook)."""
    stdin = stdin or sys.stdin
    shell = Shell(dialogs, user=user, name=name, locale=locale)
    if after_turn is not None:
        shell.after_turn = lambda: after_turn(shell)
    if stdin.isatty():
        await shell.run_interactive()
    else:
        await shell.run_script(stdin)
    return 0
