"""A person in one chat, whatever the channel: they say, press and attach; the test reads what
the bot answered as that person sees it.

    await chat.say("nova demanda")
    await chat.press_label("Serviços")
    assert "Protocolo" in chat.text and "Enviar" in chat.labels

`ChatDriver` keeps the answer to the latest action (`replies`) and reads it: its `text`, the
`choices` it offers (`choice_ids`, `labels`), and presses one of them by id or by label. A
channel's driver adds only what differs: how the person's message reaches the bot and how the
bot's replies come back (each action ends in `_heard(replies)`), how one reply reads (`text_of`,
`options_of`) and how a pressed option is sent (`_choose`).

The drivers: `Conversation` (tests/dialogs, `Dialogs.handle` called directly), `TelegramChat`
(tests/fakes/telegram_chat.py, the real Application through the fake Bot API server; `Person`
in tests/attendants adds the transcript's chat names) and `TeamsUser` (tests/fakes/connector.py,
activities posted to our Teams endpoint)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Option:
    """A choice as the person meets it: the label they read and the id pressing it sends, on
    the reply that shows it (`payload`: what the channel posts back, where more than the id)."""

    id: str
    label: str
    reply: Any = field(default=None, compare=False, repr=False)
    payload: Any = field(default=None, compare=False, repr=False)


class ChatDriver:
    # The bot's answer to the latest action; every action replaces it with a new list.
    replies: list = []

    # ------------------------------------------------------------------ what a channel says

    def text_of(self, reply: Any) -> str:
        """What the person reads in one reply."""
        raise NotImplementedError

    def options_of(self, reply: Any) -> list[Option]:
        """What the person can press in one reply, in the order shown."""
        raise NotImplementedError

    async def _choose(self, option: Option) -> list:
        """Press `option`; the replies to it."""
        raise NotImplementedError

    async def say(self, text: str) -> list:
        raise NotImplementedError

    # ------------------------------------------------------------------ reading the answer

    def _heard(self, replies: list) -> list:
        self.replies = replies
        return replies

    def said(self, replies: Iterable[Any]) -> str:
        """The text of `replies`, one reply a line."""
        return "\n".join(self.text_of(reply) for reply in replies)

    @property
    def text(self) -> str:
        return self.said(self.replies)

    @property
    def choices(self) -> list[Option]:
        """The options of the latest reply that offers any."""
        for reply in reversed(self.replies):
            if options := self.options_of(reply):
                return options
        return []

    @property
    def choice_ids(self) -> list[str]:
        return [option.id for option in self.choices]

    @property
    def labels(self) -> list[str]:
        return [option.label for option in self.choices]

    def option(self, label: str, among: Iterable[Any]) -> Option:
        """The option labelled exactly `label` on the latest of `among` that shows one."""
        among = list(among)
        for reply in reversed(among):
            for option in self.options_of(reply):
                if option.label == label:
                    return option
        offered = [option.label for reply in among for option in self.options_of(reply)]
        raise AssertionError(f"no option {label!r}; offered: {offered}")

    # ------------------------------------------------------------------ answering it

    async def press(self, choice: str) -> list:
        """Press the option whose id is `choice`, which the latest answer must offer."""
        assert choice in self.choice_ids, f"{choice!r} not offered; offered: {self.choice_ids}"
        return await self._choose(next(option for option in self.choices if option.id == choice))

    async def press_label(self, fragment: str) -> list:
        """Press the option whose label contains `fragment` (as a person reading the buttons would)."""
        matches = [option for option in self.choices if fragment.lower() in option.label.lower()]
        assert matches, f"no choice labelled like {fragment!r}; offered: {self.labels}"
        return await self._choose(matches[0])
