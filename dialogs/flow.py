"""The machinery every dialog shares: one turn of a conversation, a step, a flow.

A flow (new demand, follow, profile, attendant, menu) is a state type (dialogs/states.py) and a
table of its steps, at the end of its module; dialogs/handler.py lists the flows. Each step knows
how to ask its question (`ask`) and how to take an answer (`answer`). The state is loaded once
at the start of a turn and saved once at its end; in between only `Turn`'s methods replace it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from dialogs import choice_ids, refusals, words
from dialogs.messages import Choice, Incoming, IncomingFile, Listing, Outgoing
from dialogs.states import FlowState, MenuState, changed
from dialogs.texts import Texts, in_every_language
from store.aging import DEFAULT_ATTENTION_AFTER_H

if TYPE_CHECKING:
    from store import StoreError
    from taxonomy import Taxonomy


@dataclass
class Reply:
    """What the person answered: a choice id (pressed, or recognised in the text), text, files."""

    text: str = ""
    choice: str | None = None
    files: tuple[IncomingFile, ...] = ()


AskFn = Callable[["Turn"], Awaitable[None]]
AnswerFn = Callable[["Turn", Reply], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    ask: AskFn
    answer: AnswerFn
    # Where "voltar" leads; None returns to the menu.
    back: AskFn | None = None
    help: str = "help.general"
    takes_files: bool = False


async def _cancelled(turn: "Turn") -> None:
    await turn.menu("cancelled")


@dataclass(frozen=True)
class Flow:
    name: str
    state: type[FlowState]
    steps: Mapping[str, Step]
    returns_to: str  # the flow a person is in once this one ends
    # What "cancelar" does in this flow.
    cancel: AskFn = _cancelled
    # Asked by the router, in its order, before the current step: whether the flow takes the
    # message (an attendant's command, a pressed choice that is the flow's from any step).
    takes: Callable[["Turn"], Awaitable[bool]] | None = None
    # Whether the flow answers this choice id from any step (typed as its number, or pressed).
    takes_choice: Callable[["Turn", str], Awaitable[bool]] | None = None
    # Called when the person goes from this flow to another one (a menu word, a command, a
    # protocol...): what is worth keeping goes to the state's `kept`, which every flow carries.
    leave: AskFn | None = None


@dataclass
class Turn:
    """One incoming message being handled inside one store transaction."""

    tx: Any
    incoming: Incoming
    taxonomy: "Taxonomy"
    person: Any
    actor: Any
    flows: Mapping[str, Flow]
    state: FlowState = field(default_factory=MenuState)
    # The choices shown last, (id, label), (id, label, True) for a page turn, which takes no
    # number, or (id, label, LISTED): what "2" or a label typed refers to, and the ids that may
    # answer the question.
    shown: tuple[tuple, ...] = ()
    t: Texts = field(default_factory=Texts)
    first_contact: bool = False  # nothing was stored for this conversation
    lost_state: bool = False  # what was stored cannot be continued (dialogs/states.py)
    # Working hours a demand may wait for CAGE before /fila flags it (ECAGE_ATTENTION_AFTER_H).
    attention_after_h: float = DEFAULT_ATTENTION_AFTER_H
    replies: list[Outgoing] = field(default_factory=list)
    # How people prove who they are (dialogs.identity.Verification).
    verification: Any = None

    # --- replying -------------------------------------------------------------------------------

    def say(self, key: str, *, choices: tuple[Choice, ...] | list[Choice] = (), card: dict | None = None,
            **fields: Any) -> None:
        self.say_text(self.t(key, **fields), choices=choices, card=card)

    def say_text(self, text: str, *, choices: tuple[Choice, ...] | list[Choice] = (),
                 card: dict | None = None, demand: str | None = None, listing: Listing | None = None) -> None:
        """`demand`: the protocol the message shows, so that a reply to it acts on that demand;
        `listing`: the whole list `choices` is a page of (dialogs/choosing.py)."""
        self.replies.append(Outgoing(text=text, choices=tuple(choices), card=card, demand=demand, listing=listing))

    def refuse(self, error: "StoreError", *, choices: tuple[Choice, ...] | list[Choice] = ()) -> None:
        """Tell the person why the store refused, in their language."""
        self.say_text(refusals.describe(self.t, error), choices=choices)

    def choice(self, id: str, key: str, *, turns_page: bool = False, **fields: Any) -> Choice:
        return Choice(id=id, label=self.t(key, **fields), turns_page=turns_page)

    # --- where the conversation stands: the only ways to change it ------------------------------

    @property
    def flow(self) -> Flow:
        return self.flows[self.state.FLOW]

    @property
    def step(self) -> Step:
        return self.flow.steps[self.state.step]

    def update(self, **changes: Any) -> None:
        """Change fields of the current state, staying at the same step."""
        self.state = changed(self.state, **changes)

    def move_to(self, step: str, **changes: Any) -> None:
        """Move to another step of the current flow without asking its question (the caller
        says what comes instead)."""
        self.state = self.state.at(step, **changes)

    async def goto(self, step: str, **changes: Any) -> None:
        """Move to another step of the current flow and ask its question."""
        self.move_to(step, **changes)
        await self.ask()

    async def ask(self) -> None:
        await self.step.ask(self)

    async def start(self, state: FlowState, *, ask: bool = True) -> None:
        """Begin a flow with a fresh state (the previous flow's is dropped, but for what it keeps)
        and ask its question, unless the caller says what to instead."""
        await self._enter(state)
        if ask:
            await self.ask()

    async def menu(self, key: str | None = "menu.question", *, demand: str | None = None, **fields: Any) -> None:
        """Back to the menu, ending any flow; says `key` with the menu's choices unless it is None.

        `demand` is the demand just shown, which a sentence typed next may be about."""
        await self._enter(MenuState(demand=demand))
        if key:
            self.say(key, choices=menu_choices(self.t), **fields)

    async def _enter(self, state: FlowState) -> None:
        if state.FLOW != self.state.FLOW and self.flow.leave is not None:
            await self.flow.leave(self)
        kept = self.state.kept
        self.state = state if state.kept is not None or kept is None else changed(state, kept=kept)

    def remember_choices(self) -> None:
        """At the end of the turn: the last list of choices shown is what "2" or a label typed
        next refers to."""
        self.shown = shown_entries(self.replies)


# The mark of an option of a long list beyond the page shown (`Outgoing.listing`): it answers when
# pressed (a channel may have shown the whole list), but takes no number, and typing its label
# goes to the step's fuzzy match, which says what it took, as for any entry not shown as a button.
LISTED = "listed"


def shown_entries(messages: Any) -> tuple[tuple, ...]:
    """The choices of the last of `messages` that offers some, as the state keeps them (`Turn.shown`):
    what a number or a label typed next refers to. A push delivered offers its own (dialogs/events.py).

    A page of a long list offers the whole list too (a channel may have shown all of it, in one
    searchable list): the options beyond the page come after it, marked LISTED."""
    for message in reversed(messages):
        if message.choices:
            shown = tuple((c.id, c.label, True) if c.turns_page else (c.id, c.label) for c in message.choices)
            on_page = {c.id for c in message.choices}
            beyond = message.listing.options if message.listing is not None else ()
            return shown + tuple((c.id, c.label, LISTED) for c in beyond if c.id not in on_page)
    return ()


def typed_choice(shown: tuple[tuple, ...], text: str) -> str | None:
    """The choice of `shown` that `text` picks by its number, its label (in either language), or
    sim/não: "2", "Pular", "skip", "sim".

    Only the choices that are not page turns have numbers (`numbered`): a number beyond them is
    not a choice, and goes on as text to the step."""
    typed = words.bare(text)
    if not typed:
        return None
    # "00001" is a protocol's number, not the first choice: choices are numbered 1..99.
    options = numbered(shown)
    if re.fullmatch(r"[1-9]\d?", typed) and int(typed) <= len(options):
        return options[int(typed) - 1][0]
    typed_words = words.plain(text)
    # A label in either language: a bilingual servant types "enviar" on an English summary.
    for choice_id, label, *mark in shown:
        if typed_words and mark != [LISTED] and any(words.plain(same) == typed_words
                                                     for same in in_every_language(label)):
            return choice_id
    answer = {True: choice_ids.YES, False: choice_ids.NO}.get(words.yes_or_no(text))
    if answer is not None and answer in (entry[0] for entry in shown):
        return answer
    return None


def numbered(choices: Any) -> list[Any]:
    """The choices a typed number picks, in order: "1" is the first one. Page turns ("◀ Anteriores",
    "Próximos ▶") come last and take no number (nor do the options LISTED beyond the page), so an
    option keeps its number on every page and after "Manter" is offered. `choices` are `Choice`s or `Turn.shown` entries."""
    return [c for c in choices if not (c.turns_page if isinstance(c, Choice) else len(c) == 3 and c[2])]


def menu_choices(t: Texts) -> list[Choice]:
    items = ("new", "open", "all", "lookup", "profile", "help")
    return [Choice(id=choice_ids.menu_item(item), label=t(f"menu.{item}")) for item in items]

