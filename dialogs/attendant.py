"""Attendants at work: the queue, demand cards and the actions on a demand, from the attendants'
room (a group chat bound with /vincular) or from a private chat with the bot.

Every action is reachable three ways: a button on a card ("atd:<action>:<protocol>", valid from
any step and any old message, pressed by any attendant), a command ("/responder PROTOCOLO texto"),
and in a group a reply to the bot's card of a demand (the reply is the text; the bot asks which
action when the first word does not say it). Only attendants (a role the store keeps) may act; in
a group nobody else is answered but with a short refusal. In a private chat an attendant's
messages that are not attendant commands go on to the requester dialogs: attendants may open
demands too.

A pending action (the text of an answer, a request or a solution; which action a reply is; taking
a demand over) belongs to its demand and its step: a command, a button, a menu word or a protocol
of something else discards it, saying so, before doing what it asks; so does waiting more than
PENDING_MINUTES (dialogs/attendant_pending.py). Plain text that follows it is its text, unless it
reads as a request ("linha do tempo CAGE-…"): then the attendant is asked whether to record it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs import choice_ids as ids
from dialogs import attendant_pending, held_files, pending, render, words
from dialogs.attendant_card import age, aging_fields, card_choices, demand_card, references_note  # noqa: F401 (age: read as attendant.age)
from dialogs.attendant_commands import (COMMANDS, HELP_WORDS, REPLY_WORDS, command_name, parse_command,
                                        search_request, split_protocol)
from dialogs.attendant_search import list_line, search
from dialogs.flow import Flow, Reply, Step, Turn
from dialogs.messages import Choice, IncomingFile, Outgoing, OutgoingFile
from dialogs.states import MENU, AttendantState, HeldFile, MenuState
from store import AlreadyAssigned, NewAttachment, StoreError
from store.aging import Aging, aging_of
from store.attendance import protocol_for_message, remember_message

QUEUE_PAGE_SIZE = 8
# Actions that need a text (and may carry files): the store method each one calls.
WRITTEN = {"ans": "answer", "req": "request_info", "sol": "solve"}


async def _say_card(turn: Turn, view: Any, headline: str | None = None) -> None:
    aging = (await aging_of(turn.tx, [view]))[view.id]
    turn.replies.append(demand_card(view, turn.taxonomy, turn.t, headline,
                                    aging=aging_fields(turn.t, view, aging, turn.tx.now())))


# --- entry from the handler ------------------------------------------------------------------------------

def is_group(turn: Turn) -> bool:
    return turn.incoming.chat_kind != "private"


async def replied_protocol(turn: Turn) -> str | None:
    reply_to = turn.incoming.reply_to
    if not reply_to:
        return None
    return await protocol_for_message(turn.tx, turn.incoming.channel, turn.incoming.chat_id, reply_to)


async def takes(turn: Turn) -> bool:
    """Whether the message is attendants' business (then it is handled); asked first of all flows."""
    incoming = turn.incoming
    text = words.clean(incoming.text)
    command, rest = parse_command(text)
    choice = incoming.choice if ids.attendant_action_of(incoming.choice) else None
    if not choice and ids.demand_action_of(incoming.choice):
        choice = await _as_attendant_choice(turn, incoming.choice)
    if not turn.person.is_attendant:
        if is_group(turn) or command or choice:
            turn.say("att.refused_group" if is_group(turn) else "att.refused")
            return True
        return False
    # The state stays as loaded: a quick /fila in the middle of one's own new demand keeps the draft.
    in_step = isinstance(turn.state, AttendantState)
    if in_step and attendant_pending.expired(turn):
        await discard(turn, late=True)
        in_step = False
    protocol = await replied_protocol(turn)
    if in_step and attendant_pending.leaves(turn, text, command, rest, choice, protocol):
        await discard(turn)
        in_step = False
        if not choice and not command and attendant_pending.for_another_flow(turn, text):
            return False  # another flow's button, a menu word, a command: the router does it
    if choice:
        await on_choice(turn, choice)
        return True
    if command:
        await run_command(turn, command, rest, protocol)
        return True
    if in_step:
        return False  # the step answers, as any step does
    # "buscar 2025NE…" written at the menu or in the room; in the middle of one's own demand it is text.
    asked = search_request(text) if is_group(turn) or isinstance(turn.state, MenuState) else None
    if asked is not None:
        await search(turn, asked)
        return True
    if protocol and (text.strip() or incoming.files):
        await on_reply(turn, protocol, text, incoming.files)
        return True
    if is_group(turn):
        if words.bare(text.split("@")[0]) in HELP_WORDS:
            turn.say("att.help")
        return True  # attendants talking among themselves: not for the bot
    return False


async def discard(turn: Turn, late: bool = False) -> None:
    """Leave the pending action, saying which one was dropped (and why, when it waited too long)."""
    text = attendant_pending.discarded(turn, late)
    await _end(turn)
    turn.say_text(text)


async def _as_attendant_choice(turn: Turn, choice: str) -> str | None:
    """A push's "dm:" button ("Abrir demanda") pressed in the room, or by an attendant about
    someone else's demand, opens the attendant's card rather than the requester's view."""
    action, protocol = ids.demand_action_of(choice)
    if not is_group(turn):
        if not turn.person.is_attendant or not protocol:
            return None
        try:
            view = await turn.tx.get_demand(turn.actor, protocol)
        except StoreError:
            return None
        if view.requester_id == turn.person.id:
            return None
    return ids.attendant_action("tl" if action == "tl" else "card", protocol)


async def _end(turn: Turn, key: str | None = None, **fields: Any) -> None:
    """Leave the attendant step, if in one (a requester flow it interrupted goes on)."""
    if isinstance(turn.state, AttendantState):
        await held_files.drop(turn, turn.state.files)
        await turn.menu(None)
    if key:
        turn.say(key, **fields)


# --- buttons and commands ----------------------------------------------------------------------------------

async def takes_choice(turn: Turn, choice: str) -> bool:
    """An "atd:" choice typed as its number (pressed, the router's first question took it)."""
    if ids.attendant_action_of(choice) is None:
        return False
    await on_choice(turn, choice)
    return True


async def on_choice(turn: Turn, choice: str) -> None:
    action, argument = ids.attendant_action_of(choice)
    if action in ("queue", "mine"):
        page = int(argument) if argument.isdigit() else 1
        return await show_list(turn, action, page)
    if not argument:
        turn.say("stale")
        return
    await act(turn, action, argument, "", ())


async def run_command(turn: Turn, command: str, rest: str, replied: str | None) -> None:
    if command == "help":
        return turn.say("att.help")
    if command in ("queue", "mine"):
        return await show_list(turn, command, 1)
    if command in ("bind", "unbind"):
        return await bind(turn, command == "bind")
    if command == "search":
        return await search(turn, rest)
    protocol, text = split_protocol(rest)
    if protocol is None:
        protocol, text = replied, rest
    if protocol is None:
        return turn.say("att.need_protocol", command=command_name(command))
    await act(turn, command, protocol, text, turn.incoming.files)


async def act(turn: Turn, action: str, protocol: str, text: str, files: tuple[IncomingFile, ...]) -> None:
    """One action on one demand; a written one without text asks for it first."""
    if action in WRITTEN:
        if not text.strip():
            return await turn.start(AttendantState(step="text", action=action, protocol=protocol,
                                                   files=await _hold(turn, files), started_at=pending.started_now(turn)))
        attachments = [NewAttachment(filename=f.filename, data=f.data, content_type=f.content_type) for f in files]
        return await perform(turn, action, protocol, text, attachments)
    if action in ("recv", "take"):
        return await receive(turn, protocol, reassign=action == "take")
    if action == "card":
        view = await _fetch(turn, protocol)
        if view is not None:
            await _say_card(turn, view)
        return
    if action == "tl":
        return await show_timeline(turn, protocol)
    if action == "files":
        return await send_files(turn, protocol)
    turn.say("stale")


async def _fetch(turn: Turn, protocol: str) -> Any | None:
    try:
        return await turn.tx.get_demand(turn.actor, protocol)
    except StoreError as error:
        turn.refuse(error)
        return None


async def perform(turn: Turn, action: str, protocol: str, text: str, attachments: list[NewAttachment]) -> None:
    method = getattr(turn.tx, WRITTEN[action])
    try:
        view = await method(turn.actor, protocol, text.strip(), attachments=attachments)
    except StoreError as error:
        await _end(turn)
        turn.refuse(error)
        return
    await _end(turn)
    await _say_card(turn, view, turn.t(f"att.done_{action}", protocol=view.protocol, name=turn.person.name))


async def receive(turn: Turn, protocol: str, reassign: bool) -> None:
    try:
        view = await turn.tx.receive(turn.actor, protocol, reassign=reassign)
    except AlreadyAssigned as error:
        await turn.start(AttendantState(step="reassign", protocol=protocol, started_at=pending.started_now(turn)), ask=False)
        turn.refuse(error, choices=[turn.choice(ids.YES, "att.take_over"), turn.choice(ids.NO, "att.keep_holder")])
        return
    except StoreError as error:
        await _end(turn)
        turn.refuse(error)
        return
    await _end(turn)
    await _say_card(turn, view, turn.t("att.done_recv", protocol=view.protocol, name=turn.person.name))


async def show_list(turn: Turn, which: str, page: int) -> None:
    try:
        if which == "queue":
            result = await turn.tx.queue(turn.actor, page=page, page_size=QUEUE_PAGE_SIZE)
        else:
            result = await turn.tx.assigned_to(turn.actor, page=page, page_size=QUEUE_PAGE_SIZE)
    except StoreError as error:
        turn.refuse(error)
        return
    if not result.items:
        turn.say("att.queue_empty" if which == "queue" else "att.mine_empty")
        return
    now = turn.tx.now()
    aging = await aging_of(turn.tx, result.items)
    title = turn.t("att.queue_title" if which == "queue" else "att.mine_title")
    lines = [turn.t("att.list_header", title=title, total=result.total, page=result.page, pages=result.pages)]
    # Numbered from 1 on every page: the numbers typed pick these lines (page turns take none).
    lines += [list_line(turn, index, item, now) + _overdue(turn, aging[item.id], now)
              for index, item in enumerate(result.items, start=1)]
    choices = [Choice(id=ids.attendant_action("card", item.protocol), label=render.list_label(item))
               for item in result.items]
    if result.page > 1:
        choices.append(turn.choice(ids.attendant_action(which, result.page - 1), "choose.prev", turns_page=True))
    if result.page < result.pages:
        choices.append(turn.choice(ids.attendant_action(which, result.page + 1), "choose.next", turns_page=True))
    turn.say_text("\n".join(lines), choices=choices)


def _overdue(turn: Turn, aging: Aging, now: datetime) -> str:
    """The flag of a demand that has waited for CAGE longer than ECAGE_ATTENTION_AFTER_H."""
    if not aging.needs_attention(now, turn.attention_after_h):
        return ""
    return " · " + turn.t("att.overdue", hours=int(aging.working_hours_waited(now)))


async def show_timeline(turn: Turn, protocol: str) -> None:
    view = await _fetch(turn, protocol)
    if view is None:
        return
    events = await turn.tx.timeline(turn.actor, protocol)
    parts = render.timeline(turn.t, view.protocol, events, note=references_note(turn.t, view))
    for index, (text, card) in enumerate(parts):
        last = index == len(parts) - 1
        turn.say_text(text, card=card, choices=card_choices(turn.t, view) if last else (),
                      demand=view.protocol if card else None)


async def send_files(turn: Turn, protocol: str) -> None:
    view = await _fetch(turn, protocol)
    if view is None:
        return
    if not view.attachments:
        turn.say("att.no_files", protocol=view.protocol)
        return
    files = []
    for item in view.attachments:
        data = await turn.tx.attachment_content(turn.actor, item.id)
        files.append(OutgoingFile(filename=item.filename, data=data, content_type=item.content_type,
                                  sha256=item.sha256))
    turn.replies.append(Outgoing(text=turn.t("att.files_of", protocol=view.protocol, count=len(files)),
                                 files=tuple(files), card={"kind": "files", "protocol": view.protocol},
                                 demand=view.protocol))


async def bind(turn: Turn, on: bool) -> None:
    if not is_group(turn):
        turn.say("att.bind_private")
        return
    try:
        if on:
            await turn.tx.bind_room(turn.actor, turn.actor.chat_id)
        else:
            await turn.tx.unbind_room(turn.actor, turn.actor.chat_id)
    except StoreError as error:
        turn.refuse(error)
        return
    turn.say("att.bound" if on else "att.unbound")


async def on_reply(turn: Turn, protocol: str, text: str, files: tuple[IncomingFile, ...]) -> None:
    """A reply to a demand's card: the first word may name the action; otherwise ask which."""
    first, _, rest = text.strip().partition(" ")
    action = REPLY_WORDS.get(words.bare(first))
    if action == "recv":
        return await receive(turn, protocol, reassign=False)
    if action is not None and (rest.strip() or files):
        # "Responder: ..." names the action; "Solicito o número ..." is already the message.
        body = rest.strip() if words.bare(first) in COMMANDS else text.strip()
        return await act(turn, action, protocol, body, files)
    await turn.start(AttendantState(step="which", protocol=protocol, text=text.strip(),
                                    files=await _hold(turn, files), started_at=pending.started_now(turn)))


async def _hold(turn: Turn, files: tuple[IncomingFile, ...], held: tuple[HeldFile, ...] = ()) -> tuple[HeldFile, ...]:
    """Hold files until the action waiting for its text or its kind is done; says why any is refused."""
    return (await held_files.keep(turn, files, held))[0]


# --- steps: the text of an action, which action a reply is, taking over a demand ------------------------

async def ask_text(turn: Turn) -> None:
    state = turn.state
    text = turn.t(f"att.ask_{state.action}", protocol=state.protocol)
    if state.files:
        text += "\n" + turn.t("att.files_held", names=held_files.names(state.files))
    if is_group(turn):
        # Bots in groups often see only replies to their own messages (Telegram's privacy mode).
        text += "\n" + turn.t("att.reply_here")
    # The question names its demand: a reply to it finds the demand even if this step was left.
    turn.say_text(text, card={"kind": "attendant_prompt", "protocol": state.protocol}, demand=state.protocol)


async def _add_files(turn: Turn, reply: Reply) -> AttendantState:
    turn.update(files=await _hold(turn, reply.files, turn.state.files))
    return turn.state


async def answer_text(turn: Turn, reply: Reply) -> None:
    state = await _add_files(turn, reply)
    if reply.choice or not reply.text.strip():
        return await turn.ask()
    if pending.looks_like_a_request(reply.text, state.protocol):
        return await turn.goto("confirm", text=reply.text.strip(), started_at=pending.started_now(turn))
    await perform(turn, state.action, state.protocol, reply.text, await held_files.take(turn, state.files))


async def ask_confirm(turn: Turn) -> None:
    state = turn.state
    turn.say(f"att.confirm_{state.action}", protocol=state.protocol, text=state.text,
             choices=pending.confirm_choices(turn))


async def answer_confirm(turn: Turn, reply: Reply) -> None:
    """Yes records the text; no drops it (and, in a private chat, does what it asked); a new text
    is the action's text instead."""
    state = turn.state
    answer = pending.confirmed(reply.choice)
    if answer is False:
        await discard(turn)
        if not is_group(turn):
            from dialogs import menu  # the requester dialogs read what an attendant types privately

            await menu.understand(turn, state.text)
        return
    if answer is None and (reply.choice or not reply.text.strip()):
        turn.say("yes_no_expected")
        return await turn.ask()
    turn.move_to("text", text="")
    if answer is None:
        return await answer_text(turn, reply)
    await perform(turn, state.action, state.protocol, state.text, await held_files.take(turn, state.files))


async def ask_which(turn: Turn) -> None:
    protocol = turn.state.protocol
    turn.say("att.which", protocol=protocol, choices=[
        turn.choice(ids.which_action("ans"), "att.answer"), turn.choice(ids.which_action("req"), "att.request"),
        turn.choice(ids.which_action("sol"), "att.solve"), turn.choice(ids.which_action("drop"), "att.drop")])


async def answer_which(turn: Turn, reply: Reply) -> None:
    state = await _add_files(turn, reply)
    action = ids.which_action_of(reply.choice) or REPLY_WORDS.get(words.bare(reply.text))
    if action == "drop":
        return await _end(turn, "att.dropped")
    if action not in WRITTEN:
        return await turn.ask()
    if not state.text:
        return await turn.goto("text", action=action)
    await perform(turn, action, state.protocol, state.text, await held_files.take(turn, state.files))


async def ask_reassign(turn: Turn) -> None:
    turn.say("att.reassign", protocol=turn.state.protocol,
             choices=[turn.choice(ids.YES, "att.take_over"), turn.choice(ids.NO, "att.keep_holder")])


async def answer_reassign(turn: Turn, reply: Reply) -> None:
    answer = reply.choice or {True: ids.YES, False: ids.NO}.get(words.yes_or_no(reply.text))
    if answer == ids.YES:
        return await receive(turn, turn.state.protocol, reassign=True)
    if answer == ids.NO:
        return await _end(turn, "att.kept", protocol=turn.state.protocol)
    turn.say("yes_no_expected")
    await turn.ask()


async def cancel(turn: Turn) -> None:
    await _end(turn, "att.cancelled")


STEPS = {
    "text": Step(ask=ask_text, answer=answer_text, help="att.help_text", takes_files=True),
    "which": Step(ask=ask_which, answer=answer_which, help="att.help_which", takes_files=True),
    "reassign": Step(ask=ask_reassign, answer=answer_reassign, help="att.help"),
    "confirm": Step(ask=ask_confirm, answer=answer_confirm, help="att.help_confirm"),
}
# An action done (or dropped) ends at the menu; "voltar" and "menu" too.
FLOW = Flow(name=AttendantState.FLOW, state=AttendantState, steps=STEPS, returns_to=MENU, cancel=cancel,
            takes=takes, takes_choice=takes_choice)


# --- for the channels ---------------------------------------------------------------------------------------

async def remember_card(tx: Any, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
    """Record which demand a sent message shows, when it shows one."""
    if outgoing.demand:
        await remember_message(tx, channel, chat_id, message_id, outgoing.demand)
