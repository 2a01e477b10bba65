"""Dialogs.handle: one incoming message in one unit of work.

Loads the conversation state once, routes the message (`route`: each flow of ROUTE is asked
whether it takes it, then the current step answers), saves the state once — all inside one store
transaction, so a crash loses nothing half-done. The flows are listed here, explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from dialogs import attendant, follow, identity, menu, new_demand, profile, words
from dialogs import choice_ids as ids
from dialogs.flow import LISTED, Flow, Reply, Turn, menu_choices, typed_choice
from dialogs.messages import Incoming, Outgoing, in_few_messages, outgoing_to_json, with_outbox_ids
from dialogs.states import FlowState, InvalidState, MenuState, NewDemandState
from dialogs.texts import Texts
from store import Actor, StoreUnavailable, run_with_retries
from store.aging import DEFAULT_ATTENTION_AFTER_H
from store.inbox import AlreadyHandled
from store.retrying import DEFAULT_RETRY_S
from taxonomy import default_taxonomy

log = logging.getLogger(__name__)

# The flows, in the order the router asks them whether they take a message (a requester's pending
# comment or reason left for something else is said to be dropped, before anything else happens;
# attendants' commands, cards and rooms; then the first contact and a lost state; then choices
# valid anywhere).
ROUTE: tuple[Flow, ...] = (follow.FLOW, attendant.FLOW, menu.FLOW, new_demand.FLOW, profile.FLOW)
FLOWS: dict[str, Flow] = {flow.name: flow for flow in ROUTE}


class Dialogs:
    def __init__(self, store: Any, taxonomy: Any = None, *, db_retry_s: float = DEFAULT_RETRY_S,
                 attention_after_h: float = DEFAULT_ATTENTION_AFTER_H,
                 verification: identity.Verification | None = None):
        self.store = store
        self.verification = verification or identity.Verification()
        self.taxonomy = taxonomy if taxonomy is not None else default_taxonomy()
        self.db_retry_s = db_retry_s
        self.attention_after_h = attention_after_h

    async def handle(self, incoming: Incoming, *,
                     waiting: Callable[[Outgoing], Awaitable[None]] | None = None) -> list[Outgoing]:
        """The replies to one message, its turn committed. While the database blinks the turn is
        run again (nothing of it was committed), and `waiting`, when the channel gives it, sends
        the person one note before the first pause. `StoreUnavailable` when the database does not
        come back in time: the stored state is left as it was, for the message to be handled
        again later. Only a bug restarts the person at the menu."""
        t = Texts(incoming.locale)

        async def tell_the_person_to_wait() -> None:
            if waiting is None:
                return
            try:
                await waiting(Outgoing(text=t("store.waiting")))
            except Exception:  # the note is a courtesy: the turn goes on without it
                log.exception("could not send the waiting note (%s chat %s)", incoming.channel, incoming.chat_id)

        try:
            # A turn taken from the inbox marks its row done in its own transaction: run again
            # after a COMMIT whose outcome was lost, it finds the row done if it had committed.
            return await run_with_retries(lambda: self._handle(incoming, t), budget_s=self.db_retry_s,
                                          before_first_wait=tell_the_person_to_wait,
                                          idempotent=incoming.receipt is not None)
        except AlreadyHandled:
            # Another process (or our own lost COMMIT) finished this message first: that turn stands.
            log.info("%s chat %s: message already handled", incoming.channel, incoming.chat_id)
            return []
        except StoreUnavailable as error:
            # Never a menu over the draft for an infrastructure error: the state stays as it was.
            log.warning("turn not handled (%s chat %s): %s (%r)", incoming.channel, incoming.chat_id, error,
                        error.__cause__)
            raise
        except Exception:
            log.exception("dialog failed (%s chat %s)", incoming.channel, incoming.chat_id)
        # The failed unit of work was rolled back; restart this person at the menu rather than fail again.
        choices = tuple(menu_choices(t))
        replies = [Outgoing(text=t("error.unexpected"), choices=choices)]
        try:
            async with self.store.transaction() as tx:
                if incoming.receipt is not None:
                    # Done too: the same message would only fail the same way again.
                    await tx.finish_inbox(incoming.receipt.inbox_ids)
                await tx.save_conversation(incoming.channel, incoming.chat_id, incoming.user_id,
                                           {**MenuState().to_json(), "shown": [[c.id, c.label] for c in choices]})
                if incoming.receipt is not None:
                    chat = await tx.ensure_chat(incoming.channel, incoming.chat_id, kind=incoming.chat_kind,
                                                reference=incoming.chat_reference, locale=incoming.locale)
                    replies = await _queue_replies(tx, chat.id, incoming, replies)
        except AlreadyHandled:
            return []
        except Exception:
            log.exception("could not reset the conversation state")
        return replies

    async def _handle(self, incoming: Incoming, t: Texts) -> list[Outgoing]:
        channel, chat_id, user_id = incoming.channel, incoming.chat_id, incoming.user_id
        async with self.store.transaction() as tx:
            if incoming.receipt is not None:
                await tx.finish_inbox(incoming.receipt.inbox_ids)
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
                        shown=shown, t=t, first_contact=stored is None, lost_state=lost,
                        attention_after_h=self.attention_after_h,
                        verification=self.verification)
            await identity.vouched_for(turn)
            await route(turn)
            turn.remember_choices()
            turn.replies = in_few_messages(turn.replies)
            await tx.save_conversation(channel, chat_id, user_id, save_state(turn.state, turn.shown))
            if incoming.receipt is not None:
                return await _queue_replies(tx, chat.id, incoming, turn.replies)
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


async def _queue_replies(tx: Any, chat_id: int, incoming: Incoming, replies: list[Outgoing]) -> list[Outgoing]:
    """The one way out of a turn taken from the inbox: its replies, in its own transaction."""
    receipt = incoming.receipt
    ids = await tx.queue_replies(chat_id, [outgoing_to_json(reply) for reply in replies], receipt.owner, receipt.lease,
                                 incoming.reply_reference)
    return with_outbox_ids(replies, ids)


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
        # [id, label], [id, label, true] for a page turn, [id, label, "listed"] (flow.LISTED).
        if not (isinstance(pair, list) and len(pair) in (2, 3) and isinstance(pair[0], str)
                and isinstance(pair[1], str) and (len(pair) == 2 or pair[2] is True or pair[2] == LISTED)):
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
        choice = typed_choice(turn.shown, text)

    if choice:
        for flow in ROUTE:
            if flow.takes_choice is not None and await flow.takes_choice(turn, choice):
                return
    files = incoming.files if step.takes_files else ()
    await step.answer(turn, Reply(text=text, choice=choice, files=files))


def _shown_ids(turn: Turn) -> list[str]:
    return [entry[0] for entry in turn.shown]


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

