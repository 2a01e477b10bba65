"""The machinery every dialog shares: one turn of a conversation and the table of steps.

A conversation is a state dict {"flow", "step", "draft", "page", "pending", ...} stored by the store.
Each step knows how to ask its question (`ask`) and how to take an answer (`answer`); the handler
finds the current step in STEPS, so adding a dialog means registering its steps, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from dialogs import choice_ids, refusals
from dialogs.messages import Choice, Incoming, IncomingFile, Outgoing
from dialogs.texts import Texts

if TYPE_CHECKING:
    from store import StoreError
    from taxonomy import Taxonomy

MENU = choice_ids.MENU


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
    back: Callable[["Turn"], Awaitable[None]] | None = None
    help: str = "help.general"
    takes_files: bool = False


STEPS: dict[str, Step] = {}


def register(name: str, step: Step) -> None:
    assert name not in STEPS, name
    STEPS[name] = step


def menu_state() -> dict[str, Any]:
    return {"flow": MENU, "step": MENU}


@dataclass
class Turn:
    """One incoming message being handled inside one store transaction."""

    tx: Any
    incoming: Incoming
    taxonomy: "Taxonomy"
    person: Any
    actor: Any
    state: dict[str, Any]
    t: Texts
    replies: list[Outgoing] = field(default_factory=list)

    # --- replying -------------------------------------------------------------------------------

    def say(self, key: str, *, choices: tuple[Choice, ...] | list[Choice] = (), card: dict | None = None,
            **fields: Any) -> None:
        self.say_text(self.t(key, **fields), choices=choices, card=card)

    def say_text(self, text: str, *, choices: tuple[Choice, ...] | list[Choice] = (),
                 card: dict | None = None) -> None:
        self.replies.append(Outgoing(text=text, choices=tuple(choices), card=card))

    def refuse(self, error: "StoreError", *, choices: tuple[Choice, ...] | list[Choice] = ()) -> None:
        """Tell the person why the store refused, in their language."""
        self.say_text(refusals.describe(self.t, error), choices=choices)

    def choice(self, id: str, key: str, *, turns_page: bool = False, **fields: Any) -> Choice:
        return Choice(id=id, label=self.t(key, **fields), turns_page=turns_page)

    # --- moving around --------------------------------------------------------------------------

    @property
    def step_name(self) -> str:
        return f"{self.state.get('flow')}.{self.state.get('step')}"

    @property
    def draft(self) -> dict[str, Any]:
        return self.state.setdefault("draft", {})

    @property
    def pending(self) -> dict[str, Any]:
        return self.state.setdefault("pending", {})

    async def goto(self, flow: str, step: str, **pending: Any) -> None:
        """Enter a step and ask its question; `pending` is the question's scratch space, fresh each time."""
        self.state["flow"], self.state["step"] = flow, step
        self.state["pending"] = dict(pending)
        self.state["page"] = 0
        await self.ask()

    async def ask(self) -> None:
        await STEPS[self.step_name].ask(self)

    async def start(self, flow: str, step: str, **state: Any) -> None:
        """Begin a new flow with a fresh state (previous flow's draft is dropped)."""
        self.state.clear()
        self.state.update(state)
        await self.goto(flow, step)

    async def menu(self, key: str | None = "menu.question", **fields: Any) -> None:
        """Back to the menu, ending any flow; says `key` with the menu's choices unless it is None."""
        self.state.clear()
        self.state.update(menu_state())
        if key:
            self.say(key, choices=menu_choices(self.t), **fields)


def menu_choices(t: Texts) -> list[Choice]:
    items = ("new", "open", "all", "lookup", "profile", "help")
    return [Choice(id=choice_ids.menu_item(item), label=t(f"menu.{item}")) for item in items]
