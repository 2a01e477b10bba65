"""Following demands: status, timeline, lists, comment/attach, cancel, reopen, survey.

A demand on screen offers its actions as choices "dm:<action>:<protocol>"; these ids work from any
step (also from an old message), so a notification can carry them too.

A comment, a reopen reason and a survey comment are pending actions (dialogs/follow_pending.py):
what is typed for elsewhere leaves them, saying so, and a text that looks like a request about a
demand is recorded only once the requester says it is that content ("confirm").
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs import follow_pending, held_files, identity, pending, render, words
from dialogs.attendant_card import references_note
from dialogs.events import demand_actions, requester_card
from dialogs.flow import Flow, Reply, Step, Turn
from dialogs.messages import Choice
from dialogs.states import MENU, FollowState
from store import DemandNotFound, EventKind, ReopenWindowClosed, StoreError, SurveyNotAvailable
from store.lifecycle import Situation, refusal

LIST_PAGE_SIZE = 5
ACTIONS = ("show", "tl", "com", "can", "reo", "srv")


def action_choices(turn: Turn, view: Any) -> list[Choice]:
    return demand_actions(turn.t, view)


async def _fetch(turn: Turn, protocol: str) -> Any | None:
    """The demand, or None after saying it was not found (also someone else's: same answer)."""
    try:
        return await turn.tx.get_demand(turn.actor, protocol)
    except DemandNotFound as error:
        await turn.menu(None)
        turn.refuse(error, choices=[turn.choice(ids.menu_item("open"), "menu.open"),
                                    turn.choice(ids.MENU, "menu.back")])
        return None


async def show(turn: Turn, protocol: str) -> None:
    view = await _fetch(turn, protocol)
    if view is None:
        return
    latest = await turn.tx.timeline(turn.actor, protocol)
    await turn.menu(None, demand=protocol)
    turn.replies.append(requester_card(view, latest, turn.t, taxonomy=turn.taxonomy))


async def show_timeline(turn: Turn, protocol: str) -> None:
    view = await _fetch(turn, protocol)
    if view is None:
        return
    events = await turn.tx.timeline(turn.actor, protocol)
    await turn.menu(None, demand=protocol)
    # The numbers the demand cites, as attendants see them: the requester can check what CAGE read.
    parts = render.timeline(turn.t, protocol, events, note=references_note(turn.t, view))
    for index, (text, card) in enumerate(parts):
        last = index == len(parts) - 1
        turn.say_text(text, card=card, choices=action_choices(turn, view) if last else (),
                      demand=view.protocol if card else None)


async def act(turn: Turn, action: str, protocol: str) -> None:
    """Start what a "dm:" choice (or a sentence naming a protocol) asks for."""
    if await identity.stops(turn):
        return
    if action == "show":
        return await show(turn, protocol)
    if action == "tl":
        return await show_timeline(turn, protocol)
    view = await _fetch(turn, protocol)
    if view is None:
        return
    if action == "com":
        if not view.status.is_open:
            return await _about(turn, "follow.comment_closed", view)
        return await turn.start(FollowState(step="comment", demand=protocol, started_at=pending.started_now(turn)))
    if action == "can":
        if not view.status.is_open:
            return await _about(turn, "follow.cancel_closed", view)
        return await turn.start(FollowState(step="cancel", demand=protocol))
    if action == "reo":
        if view.status.is_open:
            return await _about(turn, "follow.reopen_open", view)
        too_late = _reopen_window_closed(turn, view)
        if too_late:  # before asking the reason: the next message is not taken for one
            await turn.menu(None, demand=protocol)
            return refuse_reopen(turn, too_late)
        return await turn.start(FollowState(step="reopen", demand=protocol, started_at=pending.started_now(turn)))
    if action == "srv":
        if not view.survey_pending:
            return await _about(turn, "follow.survey_unavailable", view)
        return await turn.start(FollowState(step="rating", demand=protocol))
    await show(turn, protocol)


async def _about(turn: Turn, key: str, view: Any, **fields: Any) -> None:
    """Say `key` about a demand and offer its actions; the demand stays "on screen" at the menu."""
    await turn.menu(None, demand=view.protocol)
    turn.say(key, protocol=view.protocol, status=render.status_name(turn.t, view.status),
             choices=action_choices(turn, view), **fields)


async def back_to_demand(turn: Turn) -> None:
    await show(turn, turn.state.demand)


# --- comment / attach ------------------------------------------------------------------------------

async def ask_comment(turn: Turn) -> None:
    files = turn.state.files
    if files:
        turn.say("follow.comment_files", listing=held_files.listing(files),
                 choices=[turn.choice(ids.SEND_COMMENT_FILES, "follow.comment_send_files"),
                          *held_files.remove_choice(turn)])
    else:
        turn.say("follow.comment", protocol=turn.state.demand)


async def answer_comment(turn: Turn, reply: Reply) -> None:
    if await held_files.removal(turn, reply, turn.state.files, lambda held: turn.update(files=held)):
        return
    # Each refused file is said on its own; the text goes with the files kept.
    turn.update(files=(await held_files.keep(turn, reply.files, turn.state.files))[0])
    text = reply.text.strip()
    if reply.choice and reply.choice != ids.SEND_COMMENT_FILES:
        turn.say("stale")
        return await turn.ask()
    if not text and reply.choice != ids.SEND_COMMENT_FILES:
        return await turn.ask()
    if text and pending.looks_like_a_request(text, turn.state.demand):
        return await ask_whether_content(turn, text)
    await record_comment(turn, text)


async def record_comment(turn: Turn, text: str) -> None:
    protocol = turn.state.demand
    held = turn.state.files
    try:
        view = await turn.tx.comment(turn.actor, protocol, text, attachments=await held_files.take(turn, held))
    except StoreError as error:
        # The files stay held for the comment asked again (they passed their checks on arrival).
        turn.refuse(error)
        return await turn.ask()
    await held_files.drop(turn, held)
    await _about(turn, "follow.comment_ok", view)


# --- cancel -----------------------------------------------------------------------------------------

async def ask_cancel(turn: Turn) -> None:
    turn.say("follow.cancel_confirm", protocol=turn.state.demand,
             choices=[turn.choice(ids.YES, "yes"), turn.choice(ids.NO, "no")])


async def answer_cancel(turn: Turn, reply: Reply) -> None:
    protocol = turn.state.demand
    if reply.choice == ids.NO:
        turn.say("follow.cancel_kept", protocol=protocol)
        return await show(turn, protocol)
    if reply.choice != ids.YES:
        turn.say("yes_no_expected")
        return await turn.ask()
    try:
        view = await turn.tx.cancel(turn.actor, protocol)
    except StoreError as error:
        turn.refuse(error)
        return await show(turn, protocol)
    await _about(turn, "follow.cancel_ok", view)


# --- reopen -----------------------------------------------------------------------------------------

async def ask_reopen(turn: Turn) -> None:
    turn.say("follow.reopen_reason", protocol=turn.state.demand)


def _reopen_window_closed(turn: Turn, view: Any) -> ReopenWindowClosed | None:
    """The store's refusal when the closed demand's reopen window has passed (the lifecycle's pure
    check over what was read), so that it is said before the reason is asked for."""
    if view.closed_at is None:
        return None
    error = refusal(EventKind.REOPENED, Situation(protocol=view.protocol, status=view.status, by_attendant=False,
                                                  by_requester=True, closed_at=view.closed_at, now=turn.tx.now()))
    return error if isinstance(error, ReopenWindowClosed) else None


def refuse_reopen(turn: Turn, error: ReopenWindowClosed) -> None:
    """Too late to reopen: says what to do instead (open a new demand)."""
    turn.refuse(error, choices=[turn.choice(ids.menu_item("new"), "menu.new"), turn.choice(ids.MENU, "menu.back")])


async def answer_reopen(turn: Turn, reply: Reply) -> None:
    reason = reply.text.strip()
    if reply.choice or not reason:
        return await turn.ask()
    if pending.looks_like_a_request(reason, turn.state.demand):
        return await ask_whether_content(turn, reason)
    await record_reopen(turn, reason)


async def record_reopen(turn: Turn, reason: str) -> None:
    protocol = turn.state.demand
    try:
        view = await turn.tx.reopen(turn.actor, protocol, reason)
    except ReopenWindowClosed as error:  # the window closed while the reason was being written
        await turn.menu(None, demand=protocol)
        return refuse_reopen(turn, error)
    except StoreError as error:
        turn.refuse(error)
        return await turn.ask()
    await _about(turn, "follow.reopen_ok", view)


# --- survey -----------------------------------------------------------------------------------------

async def ask_rating(turn: Turn) -> None:
    turn.say("follow.rating", protocol=turn.state.demand,
             choices=[Choice(id=ids.rating(n), label=turn.t(f"rating.{n}")) for n in range(1, 6)])


async def answer_rating(turn: Turn, reply: Reply) -> None:
    chosen = ids.rating_of(reply.choice)
    rating = int(chosen) if chosen in ("1", "2", "3", "4", "5") else None
    if not reply.choice:  # typed: "5", "ótimo", "5 estrelas", "★★★★", "nota 4", a label shown
        rating = words.rating(reply.text)
    if rating is None:
        turn.say("follow.rating_expected")
        return await turn.ask()
    await turn.goto("rating_comment", rating=rating, started_at=pending.started_now(turn))


async def ask_rating_comment(turn: Turn) -> None:
    turn.say("follow.rating_comment", choices=[turn.choice(ids.SKIP, "skip")])


async def answer_rating_comment(turn: Turn, reply: Reply) -> None:
    if reply.choice and reply.choice != ids.SKIP:
        turn.say("stale")
        return await turn.ask()
    comment = None if reply.choice == ids.SKIP else reply.text.strip() or None
    if comment and pending.looks_like_a_request(comment, turn.state.demand):
        return await ask_whether_content(turn, comment)
    await record_rating(turn, comment)


async def record_rating(turn: Turn, comment: str | None) -> None:
    protocol, rating = turn.state.demand, turn.state.rating
    try:
        view = await turn.tx.answer_survey(turn.actor, protocol, rating, comment)
    except SurveyNotAvailable as error:
        turn.refuse(error)
        return await show(turn, protocol)
    except StoreError as error:  # a comment too long: write it again
        turn.refuse(error)
        return await turn.ask()
    await _about(turn, "follow.rating_ok", view, rating=rating)


async def back_to_rating(turn: Turn) -> None:
    await turn.goto("rating")


# --- a text that looked like a request: is it the content after all? ---------------------------------

async def ask_whether_content(turn: Turn, text: str) -> None:
    """Never store silently what reads as a request ("linha do tempo CAGE-…"): ask first."""
    state = turn.state
    await turn.goto("confirm", confirming=state.step, text=text, files=state.files,
                    started_at=pending.started_now(turn))


async def ask_confirm(turn: Turn) -> None:
    state = turn.state
    turn.say(f"follow.confirm_{state.confirming}", protocol=state.demand, text=state.text,
             choices=pending.confirm_choices(turn))


async def answer_confirm(turn: Turn, reply: Reply) -> None:
    """Yes records the text as the content; no drops it and does what it asked; a new text is the
    pending step's answer instead."""
    state = turn.state
    answer = pending.confirmed(reply.choice)
    if answer is False:
        from dialogs import menu  # the menu hands its demand actions to this module

        await follow_pending.discard(turn)
        return await menu.understand(turn, state.text)
    if answer is None and (reply.choice or not reply.text.strip()):
        turn.say("yes_no_expected")
        return await turn.ask()
    turn.move_to(state.confirming, confirming=None, text=None, files=state.files)
    if answer is None:
        return await turn.step.answer(turn, reply)
    await RECORDS[state.confirming](turn, state.text)


async def back_from_confirm(turn: Turn) -> None:
    state = turn.state
    await turn.goto(state.confirming, confirming=None, text=None, files=state.files)


# --- lists --------------------------------------------------------------------------------------------

async def start_list(turn: Turn, open_only: bool) -> None:
    if await identity.stops(turn):
        return
    await turn.start(FollowState(step="list", open_only=open_only))


async def ask_list(turn: Turn) -> None:
    open_only = turn.state.open_only
    number = max(turn.state.page, 0) + 1
    page = await turn.tx.list_demands(turn.actor, open_only, page=number, page_size=LIST_PAGE_SIZE)
    if page.items == () and number > 1:  # the list shrank since the last page was shown
        page = await turn.tx.list_demands(turn.actor, open_only, page=1, page_size=LIST_PAGE_SIZE)
    turn.update(page=page.page - 1)
    text, card = render.demand_list(turn.t, page, open_only)
    choices = [Choice(id=ids.demand_action("show", item.protocol), label=render.list_label(item))
               for item in page.items]
    if page.page > 1:
        choices.append(turn.choice(ids.PREV_PAGE, "choose.prev", turns_page=True))
    if page.page < page.pages:
        choices.append(turn.choice(ids.NEXT_PAGE, "choose.next", turns_page=True))
    if not page.items:
        choices.append(turn.choice(ids.menu_item("new"), "menu.new"))
    if open_only:
        choices.append(turn.choice(ids.menu_item("all"), "menu.all"))
    choices.append(turn.choice(ids.MENU, "menu.back"))
    turn.say_text(text, choices=choices, card=card)


async def answer_list(turn: Turn, reply: Reply) -> None:
    if reply.choice in (ids.PREV_PAGE, ids.NEXT_PAGE):
        turn.update(page=turn.state.page + (1 if reply.choice == ids.NEXT_PAGE else -1))
        return await turn.ask()
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    from dialogs.menu import understand  # the menu reads anything typed over a list

    await understand(turn, reply.text)


# --- looking up a protocol ---------------------------------------------------------------------------

async def ask_lookup(turn: Turn) -> None:
    turn.say("follow.lookup")


async def answer_lookup(turn: Turn, reply: Reply) -> None:
    from dialogs.menu import protocol_in

    protocol = await protocol_in(turn, reply.text) if not reply.choice else None
    if protocol is None:
        turn.say("follow.lookup_invalid")
        return
    then = turn.state.then
    await act(turn, then if then in ACTIONS else "show", protocol)


# --- what the router asks this flow ----------------------------------------------------------------

async def takes_choice(turn: Turn, choice: str) -> bool:
    """A demand's "dm:" actions answer from any step (and from a push, days later)."""
    action, protocol = ids.demand_action_of(choice) or ("", "")
    if not action:
        return False
    if action in ACTIONS and protocol:
        await act(turn, action, protocol)
    else:
        turn.say("stale")
        await turn.ask()
    return True


STEPS = {
    "comment": Step(ask=ask_comment, answer=answer_comment, back=back_to_demand, help="help.follow.comment",
                    takes_files=True),
    "cancel": Step(ask=ask_cancel, answer=answer_cancel, back=back_to_demand, help="help.follow.cancel"),
    "reopen": Step(ask=ask_reopen, answer=answer_reopen, back=back_to_demand, help="help.follow.reopen"),
    "rating": Step(ask=ask_rating, answer=answer_rating, back=back_to_demand, help="help.follow.rating"),
    "rating_comment": Step(ask=ask_rating_comment, answer=answer_rating_comment, back=back_to_rating,
                           help="help.follow.rating"),
    "confirm": Step(ask=ask_confirm, answer=answer_confirm, back=back_from_confirm, help="help.follow.confirm"),
    "list": Step(ask=ask_list, answer=answer_list, help="help.follow.list"),
    "lookup": Step(ask=ask_lookup, answer=answer_lookup, help="help.follow.lookup"),
}
# Every action ends at the menu with the demand "on screen" (MenuState.demand).
# What a "confirm" answered yes records, for each pending step.
RECORDS = {"comment": record_comment, "reopen": record_reopen, "rating_comment": record_rating}
FLOW = Flow(name=FollowState.FLOW, state=FollowState, steps=STEPS, returns_to=MENU, takes=follow_pending.takes,
            takes_choice=takes_choice)
