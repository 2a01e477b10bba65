"""Dialogs.handle: one incoming message in one unit of work.

Loads the conversation state once, routes the message (`route`: each flow of ROUTE is asked
whether it takes it, then the current step answers), saves the state once — all inside one store
transaction, so a crash loses nothing half-done. The flows are listed here, explicitly.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from dialogs import attendant, follow, menu, new_demand, profile, words
from dialogs import choice_ids as ids
from dialogs.flow import Flow, Reply, Turn, menu_choices, numbered
from dialogs.messages import Incoming, Outgoing
from dialogs.states import FlowState, InvalidState, MenuState, NewDemandState
from dialogs.texts import Texts
from store import Actor, connection_lost
from taxonomy import default_taxonomy

log = logging.getLogger(__name__)

# The flows, in the order the router asks them whether they take a message (attendants' commands,
# cards and rooms first; then the first contact and a lost state; then choices valid anywhere).
ROUTE: tuple[Flow, ...] = (attendant.FLOW, menu.FLOW, follow.FLOW, new_demand.FLOW, profile.FLOW)
FLOWS: dict[str, Flow] = {flow.name: flow for flow in ROUTE}


class Dialogs:
    def __init__(self, store: Any, taxonomy: Any = None):
        self.store = store
        self.taxonomy = taxonomy if taxonomy is not None else default_taxonomy()

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        t = Texts(incoming.locale)
        try:
            try:
                return await self._handle(incoming, t)
            except Exception as error:
                if not connection_lost(error):
                    raise
                # The database restarted since the connection was last used; nothing was done.
                log.warning("database connection lost, running the turn again (%s chat %s)",
                            incoming.channel, incoming.chat_id)
                return await self._handle(incoming, t)
        except Exception:
            log.exception("dialog failed (%s chat %s)", incoming.channel, incoming.chat_id)
        # The failed unit of work was rolled back; restart this person at the menu rather than fail again.
        choices = tuple(menu_choices(t))
        try:
            async with self.store.transaction() as tx:
                await tx.save_conversation(incoming.channel, incoming.chat_id, incoming.user_id,
                                           {**MenuState().to_json(), "shown": [[c.id, c.label] for c in choices]})
        except Exception:
            log.exception("could not reset the conversation state")
        return [Outgoing(text=t("error.unexpected"), choices=choices)]

    async def _handle(self, incoming: Incoming, t: Texts) -> list[Outgoing]:
        channel, chat_id, user_id = incoming.channel, incoming.chat_id, incoming.user_id
        async with self.store.transaction() as tx:
            display_name = words.clean(incoming.user_name).strip()[:200] or user_id
            person, chat, stored = await tx.open_turn(
                channel, chat_id, user_id, display_name, kind=incoming.chat_kind,
                reference=incoming.chat_reference, locale=incoming.locale)
            state, shown, lost = MenuState(), (), False
            if stored is not None:
                try:
                    state, shown = load_state(stored, self.taxonomy)
                except InvalidState as error:
                    log.warning("invalid conversation state reset (%s): %.300r", error, stored)
                    lost = True
            turn = Turn(tx=tx, incoming=incoming, taxonomy=self.taxonomy, person=person,
                        actor=Actor(person_id=person.id, chat_id=chat.id), flows=FLOWS, state=state,
                        shown=shown, t=t, first_contact=stored is None, lost_state=lost)
            await route(turn)
            turn.remember_choices()
            await tx.save_conversation(channel, chat_id, user_id, save_state(turn.state, turn.shown))
        return turn.replies

    def keeps_choices(self, choice: str) -> bool:
        """Channels ask this when a button is pressed: a demand card's actions stay on the card,
        for every attendant; any other question's buttons are answered once."""
        return ids.attendant_action_of(choice) is not None

    async def remember_sent(self, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
        """Channels call this for each message they sent: a demand's card remembers its demand, so
        a reply to it (Incoming.reply_to) acts on that demand."""
        if outgoing.demand:
            async with self.store.transaction() as tx:
                await attendant.remember_card(tx, channel, chat_id, message_id, outgoing)


# --- the stored state --------------------------------------------------------------------------------

def load_state(stored: Any, taxonomy: Any = None) -> tuple[FlowState, tuple[tuple, ...]]:
    """The state and the choices shown, from the JSON the store keeps; `InvalidState` when it
    cannot be continued (with `taxonomy`, also a draft naming an entry no longer in Anexo I)."""
    if not isinstance(stored, dict):
        raise InvalidState(f"not an object: {stored!r}")
    flow = FLOWS.get(stored.get("flow"))  # type: ignore[arg-type]
    if flow is None or stored.get("step") not in flow.steps:
        raise InvalidState(f"no step {stored.get('flow')!r}.{stored.get('step')!r}")
    shown = stored.get("shown", [])
    if not isinstance(shown, list):
        raise InvalidState(f"shown: {shown!r}")
    pairs = []
    for pair in shown:
        # [id, label], or [id, label, true] for a page turn (which takes no number).
        if not (isinstance(pair, list) and len(pair) in (2, 3) and isinstance(pair[0], str)
                and isinstance(pair[1], str) and (len(pair) == 2 or pair[2] is True)):
            raise InvalidState(f"shown: {pair!r}")
        pairs.append(tuple(pair))
    return flow.state.from_json(stored, taxonomy), tuple(pairs)


def save_state(state: FlowState, shown: tuple[tuple, ...]) -> dict[str, Any]:
    return {**state.to_json(), "shown": [list(entry) for entry in shown]}


# --- routing ----------------------------------------------------------------------------------------

async def route(turn: Turn) -> None:
    """Ask each flow, in ROUTE's order, whether it takes the message; else the current step answers."""
    for flow in ROUTE:
        if flow.takes is not None and await flow.takes(turn):
            return
    incoming = turn.incoming
    text = words.clean(incoming.text)
    step = turn.step

    if incoming.files and not step.takes_files:
        await _files_at_wrong_step(turn)
        if not text.strip() and not incoming.choice:
            return await turn.ask()

    if incoming.choice:
        choice = incoming.choice
        if not ids.is_global(choice) and choice not in _shown_ids(turn):
            turn.say("stale")
            return await turn.ask()
    else:
        word = words.global_word(text)
        if word == "greeting" and not isinstance(turn.state, MenuState):
            word = None
        if word:
            return await _global_word(turn, word)
        choice = _choice_in_text(turn, text)

    if choice:
        for flow in ROUTE:
            if flow.takes_choice is not None and await flow.takes_choice(turn, choice):
                return
    files = incoming.files if step.takes_files else ()
    await step.answer(turn, Reply(text=text, choice=choice, files=files))


def _shown_ids(turn: Turn) -> list[str]:
    return [entry[0] for entry in turn.shown]


def _choice_in_text(turn: Turn, text: str) -> str | None:
    """Choices answer to their number, their label, and sim/não: "2", "Pular", "sim".

    Only the choices that are not page turns have numbers (flow.numbered): a number beyond them is
    not a choice, and goes on as text to the step."""
    shown = turn.shown
    typed = words.bare(text)
    if not typed:
        return None
    # "00001" is a protocol's number, not the first choice: choices are numbered 1..99.
    options = numbered(shown)
    if re.fullmatch(r"[1-9]\d?", typed) and int(typed) <= len(options):
        return options[int(typed) - 1][0]
    typed_words = words.plain(text)
    for choice_id, label, *_ in shown:
        if typed_words and words.plain(label) == typed_words:
            return choice_id
    answer = {True: ids.YES, False: ids.NO}.get(words.yes_or_no(text))
    if answer is not None and answer in (entry[0] for entry in shown):
        return answer
    return None


async def _global_word(turn: Turn, word: str) -> None:
    if word in ("start", "greeting"):
        return await menu.welcome(turn)
    if word == "menu":
        return await turn.menu()
    if word == "help":
        turn.say(turn.step.help)
        return await turn.ask()
    if word == "back":
        back = turn.step.back
        if back is None:
            return await turn.menu()
        return await back(turn)
    await turn.flow.cancel(turn)


async def _files_at_wrong_step(turn: Turn) -> None:
    if isinstance(turn.state, NewDemandState) and turn.state.step != "propose":
        await new_demand.keep_files(turn, turn.incoming.files)
    else:
        turn.say("files.where")

