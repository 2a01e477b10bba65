"""Dialogs.handle: one incoming message in one unit of work.

Loads the conversation state, reads global words and choices, dispatches to the current step,
saves the state — all inside one store transaction, so a crash loses nothing half-done.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from dialogs import attendant, follow, menu, new_demand, profile, words
from dialogs import choice_ids as ids
from dialogs.flow import MENU, STEPS, Reply, Turn, menu_choices, menu_state
from dialogs.messages import Incoming, Outgoing
from dialogs.texts import Texts
from store import Actor, connection_lost
from taxonomy import default_taxonomy

log = logging.getLogger(__name__)

FOLLOW_STEPS_NEEDING_DEMAND = {"comment", "cancel", "reopen", "rating", "rating_comment"}
NEW_STEPS_NEEDING_TYPE = {"category", "subject", "module", "propose"}


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
                                           {**menu_state(), "shown": [[c.id, c.label] for c in choices]})
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
            turn = Turn(tx=tx, incoming=incoming, taxonomy=self.taxonomy, person=person,
                        actor=Actor(person_id=person.id, chat_id=chat.id), state=menu_state(), t=t)
            await route(turn, stored)
            _remember_choices(turn)
            await tx.save_conversation(channel, chat_id, user_id, turn.state)
        return turn.replies

    async def remember_sent(self, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
        """Channels call this for each message they sent: a demand's card remembers its demand, so
        a reply to it (Incoming.reply_to) acts on that demand."""
        if (outgoing.card or {}).get("protocol"):
            async with self.store.transaction() as tx:
                await attendant.remember_card(tx, channel, chat_id, message_id, outgoing)


# --- routing ----------------------------------------------------------------------------------------

async def route(turn: Turn, stored: Any) -> None:
    incoming = turn.incoming
    # Attendants' commands, cards and rooms come first; in a group chat nothing else is answered.
    if await attendant.intercept(turn, stored):
        return
    text = words.clean(incoming.text)
    if stored is None and not incoming.choice:
        word = words.global_word(text)
        if incoming.files and not text.strip():
            turn.say("files.where")
            return await menu.welcome(turn, "", is_greeting=True)
        return await menu.welcome(turn, text, is_greeting=word is not None or not text.strip())
    if stored is not None and not valid_state(stored, turn.taxonomy):
        log.warning("invalid conversation state reset: %r", stored)
        turn.say("state.reset")
        return await turn.menu()
    if stored is not None:
        turn.state = dict(stored)
    step = STEPS[turn.step_name]

    if incoming.files and not step.takes_files:
        _files_at_wrong_step(turn)
        if not text.strip() and not incoming.choice:
            return await turn.ask()

    if incoming.choice:
        choice = incoming.choice
        if not ids.is_global(choice) and choice not in _shown_ids(turn):
            turn.say("stale")
            return await turn.ask()
    else:
        word = words.global_word(text)
        if word == "greeting" and turn.state.get("flow") != MENU:
            word = None
        if word:
            return await _global_word(turn, word)
        choice = _choice_in_text(turn, text)

    if ids.attendant_action_of(choice):
        return await attendant.on_choice(turn, choice)
    if choice and ids.is_global(choice):
        return await _global_choice(turn, choice)
    files = incoming.files if step.takes_files else ()
    await step.answer(turn, Reply(text=text, choice=choice, files=files))


def _shown_ids(turn: Turn) -> list[str]:
    return [pair[0] for pair in turn.state.get("shown", [])]


def _choice_in_text(turn: Turn, text: str) -> str | None:
    """Choices answer to their number, their label, and sim/não: "2", "Pular", "sim"."""
    shown = turn.state.get("shown", [])
    typed = words.bare(text)
    if not typed:
        return None
    # "00001" is a protocol's number, not the first choice: choices are numbered 1..99.
    if re.fullmatch(r"[1-9]\d?", typed) and int(typed) <= len(shown):
        return shown[int(typed) - 1][0]
    typed_words = words.plain(text)
    for choice_id, label in shown:
        if typed_words and words.plain(label) == typed_words:
            return choice_id
    answer = {True: ids.YES, False: ids.NO}.get(words.yes_or_no(text))
    if answer is not None and answer in (pair[0] for pair in shown):
        return answer
    return None


async def _global_word(turn: Turn, word: str) -> None:
    flow = turn.state.get("flow")
    if word in ("start", "greeting"):
        name = getattr(turn.person, "name", "") or turn.incoming.user_name
        turn.say("welcome", name=name)
        if not profile.complete(turn.person):
            turn.say("profile.first")
            return await profile.start_first_access(turn)
        return await turn.menu()
    if word == "menu":
        return await turn.menu()
    if word == "help":
        turn.say(STEPS[turn.step_name].help)
        return await turn.ask()
    if word == "back":
        back = STEPS[turn.step_name].back
        if back is None:
            return await turn.menu()
        return await back(turn)
    # cancel
    if flow == "new":
        return await turn.menu("new.cancelled")
    if flow == "profile" and turn.state.get("first"):
        return await turn.menu("profile.cancelled")
    if flow == MENU:
        return await turn.menu("nothing_to_cancel")
    await turn.menu("cancelled")


async def _global_choice(turn: Turn, choice: str) -> None:
    if choice == ids.MENU:
        return await turn.menu()
    if choice == ids.HELP:
        turn.say(STEPS[turn.step_name].help)
        return await turn.ask()
    item = ids.menu_item_of(choice)
    if item is not None:
        return await menu.open_item(turn, item)
    action, protocol = ids.demand_action_of(choice) or ("", "")
    if action in follow.ACTIONS and protocol:
        return await follow.act(turn, action, protocol)
    turn.say("stale")
    await turn.ask()


def _files_at_wrong_step(turn: Turn) -> None:
    names = ", ".join(file.filename for file in turn.incoming.files)
    if turn.state.get("flow") == "new" and turn.state.get("step") != "propose":
        refused = new_demand.keep_files(turn, turn.incoming.files)
        turn.say("files.kept_for_demand", names=names)
        if refused:
            turn.say("files.too_many", names=", ".join(refused), count=new_demand.MAX_DRAFT_FILES)
    else:
        turn.say("files.where")


def _remember_choices(turn: Turn) -> None:
    """The last list of choices shown is what "2" or a label typed next refers to."""
    for reply in reversed(turn.replies):
        if reply.choices:
            turn.state["shown"] = [[c.id, c.label] for c in reply.choices]
            return
    turn.state["shown"] = []


# --- state validation ---------------------------------------------------------------------------------

def valid_state(state: Any, taxonomy: Any = None) -> bool:
    """Whether a stored state can be continued (an old deploy's or corrupt one is not).

    With `taxonomy`, a draft naming an entry that is no longer in Anexo I is not either."""
    if not isinstance(state, dict):
        return False
    flow, step = state.get("flow"), state.get("step")
    if not isinstance(flow, str) or not isinstance(step, str) or f"{flow}.{step}" not in STEPS:
        return False
    if not isinstance(state.get("pending", {}), dict) or not isinstance(state.get("page", 0), int):
        return False
    shown = state.get("shown", [])
    if not isinstance(shown, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in shown):
        return False
    if state.get("demand") is not None and not isinstance(state.get("demand"), str):
        return False
    if flow == "follow" and step in FOLLOW_STEPS_NEEDING_DEMAND and not isinstance(state.get("demand"), str):
        return False
    if flow == "follow" and step == "rating_comment" and state.get("rating") not in (1, 2, 3, 4, 5):
        return False
    if flow == attendant.FLOW and not attendant.valid_pending(step, state.get("pending")):
        return False
    if flow == "new":
        draft = state.get("draft")
        if not isinstance(draft, dict) or not isinstance(draft.get("done", []), list):
            return False
        if step in NEW_STEPS_NEEDING_TYPE and not isinstance(draft.get("type_key"), str):
            return False
        if step == "subject" and not isinstance(draft.get("category_key"), str):
            return False
        if step == "summary" and not all(isinstance(draft.get(k), str) for k in (
                "title", "organ_key", "type_key", "category_key", "description")):
            return False
        if taxonomy is not None and not _draft_entries_exist(draft, taxonomy):
            return False
    return True


def _draft_entries_exist(draft: dict, taxonomy: Any) -> bool:
    lookups = (("type_key", taxonomy.type_entry), ("category_key", taxonomy.category),
               ("subject_key", taxonomy.subject), ("organ_key", taxonomy.organ))
    try:
        for field, lookup in lookups:
            if draft.get(field) is not None:
                lookup(draft[field])
    except (KeyError, TypeError):
        return False
    return True
