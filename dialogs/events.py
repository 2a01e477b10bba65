"""Timeline pushes: how one event of a demand is told to one chat, or e-mailed to the requester.

The notifier (bot/notifier) calls these with what it claimed from the outbox. The audience says
whose side the chat is on: "requester" (the requester's own chats: what CAGE did, and
confirmations of what they did themselves from another chat) or "attendants" (the attendants'
rooms and the assignee's private chat: what the requester did). Choices are "dm:" ids, which
the dialogs accept from any step, so a push can be answered with one tap days later. A new
demand reaches the rooms as the attendants' card of the demand instead (its "atd:" buttons act
on it), which the notifier keeps current with `room_card`.
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs.attendant_card import demand_card
from dialogs.flow import shown_entries
from dialogs.messages import Choice, Outgoing
from dialogs import render
from dialogs.render import shorten
from dialogs.texts import CATALOGUE, Texts
from store import EventKind
from taxonomy import default_taxonomy

REQUESTER, ATTENDANTS = "requester", "attendants"
# The portal e-mails the requester about these (guide §5.1, §6.1, §7.1).
EMAIL_KINDS = (EventKind.INFO_REQUESTED, EventKind.INFO_SENT, EventKind.SOLVED)
DESCRIPTION_LIMIT = 600


def _variant(event: Any, demand: Any, audience: str) -> str:
    """The kind's key, with "_own" when the requester hears about their own action."""
    kind = EventKind(event.kind).value
    own = audience == REQUESTER and event.author_id == demand.requester_id
    return f"{kind}_own" if own and f"push.lead.{kind}_own" in CATALOGUE else kind


def _heading(t: Texts, variant: str) -> str:
    key = f"push.heading.{variant}"
    return t(key if key in CATALOGUE else f"push.heading.{variant.removesuffix('_own')}")


def _body_lines(t: Texts, event: Any, demand: Any, variant: str, *, with_description: bool,
                email: bool = False) -> list[str]:
    lead = t(f"push.lead.{variant}", author=event.author_name, rating=event.rating or "")
    lines = [t("push.header", heading=_heading(t, variant), protocol=demand.protocol,
               title=demand.title), lead]
    if event.text and EventKind(event.kind) != EventKind.RECEIVED:
        lines.append(event.text)
    if event.attachments:
        lines.append(t("push.attachments", names=", ".join(a.filename for a in event.attachments)))
    if with_description:
        description = demand.description if email else shorten(demand.description, DESCRIPTION_LIMIT)
        lines.append(t("push.description", description=description))
    return lines


def room_card(demand: Any, locale: str | None = None, *, taxonomy: Any = None) -> Outgoing:
    """A demand as the attendants' room shows it: the card the room gets when the demand is
    created, with the actions that still apply; the notifier edits it as the demand changes."""
    t = Texts(locale)
    return demand_card(demand, taxonomy or default_taxonomy(), t, headline=t("att.new_demand", protocol=demand.protocol))


def requester_card(demand: Any, events: Any, t: Texts, *, taxonomy: Any = None) -> Outgoing:
    """A demand as its requester sees it when they open it: status, facts, the latest events and
    the actions that still apply. Where a channel can edit a message, the notifier keeps it
    current as the demand changes, as it does the room's card."""
    text, card = render.demand(t, taxonomy or default_taxonomy(), demand, list(events)[:3])
    return Outgoing(text=text, choices=tuple(demand_actions(t, demand)), card=card, demand=demand.protocol)


def card_now(demand: Any, chat_kind: str, locale: str | None, requester_events: Any = (), *,
             taxonomy: Any = None) -> Outgoing:
    """What a live card of the demand shows now, which the notifier edits it to: the requester's
    card in a private chat (`requester_events`: the timeline as they see it), the room's elsewhere."""
    if chat_kind == "private":
        return requester_card(demand, requester_events, Texts(locale), taxonomy=taxonomy)
    return room_card(demand, locale, taxonomy=taxonomy)


def demand_actions(t: Texts, demand: Any) -> list[Choice]:
    """What the requester can do with the demand in its status ("dm:" ids, answered from any step)."""
    protocol = demand.protocol
    actions = [("tl", "demand.timeline")]
    actions += [("com", "demand.comment"), ("can", "demand.cancel")] if demand.status.is_open else [("reo", "demand.reopen")]
    if demand.survey_pending:
        actions.append(("srv", "demand.survey"))
    return [Choice(id=ids.demand_action(action, protocol), label=t(key)) for action, key in actions] + [
        Choice(id=ids.MENU, label=t("menu.back"))]


def render_push(event: Any, demand: Any, audience: str, locale: str | None = None, *,
                taxonomy: Any = None) -> list[Outgoing]:
    """The messages for one chat, in order. One message today: a solution carries the survey
    invitation after it, in the same message, so a failed send can never repeat half of it.

    A new demand reaches the attendants (their rooms: nobody holds it yet) as its card, with the
    buttons to act on it."""
    t = Texts(locale)
    kind = EventKind(event.kind)
    if kind == EventKind.CREATED and audience == ATTENDANTS:
        return [room_card(demand, locale, taxonomy=taxonomy)]
    variant = _variant(event, demand, audience)
    protocol = demand.protocol
    open_demand = Choice(id=ids.demand_action("show", protocol), label=t("push.open"))
    with_description = kind == EventKind.INFO_REQUESTED
    lines = _body_lines(t, event, demand, variant, with_description=with_description)
    choices: tuple[Choice, ...] = (open_demand,)
    if kind == EventKind.INFO_REQUESTED and audience == REQUESTER:
        # Opens the comment step of this demand: the requester's comment is the information sent.
        choices = (Choice(id=ids.demand_action("com", protocol), label=t("push.send_info")), open_demand)
    if kind == EventKind.SOLVED and audience == REQUESTER and demand.survey_pending:
        lines.append(t("push.survey", protocol=protocol))
        choices = (Choice(id=ids.demand_action("srv", protocol), label=t("push.survey_start")), open_demand)
    return [Outgoing(text="\n\n".join(lines), choices=choices)]


async def offer_choices(tx: Any, channel: str, chat_id: str, pushed: list[Outgoing]) -> None:
    """A push just delivered to a private chat is the last thing on its screen: its options become
    what a number or a label typed next picks ("1" after "Responder pesquisa" is the survey), in
    every channel, as the options of a reply do. The conversation stays at its step; the options
    are "dm:" ids, which answer from any step."""
    shown = [list(entry) for entry in shown_entries(pushed)]
    if not shown:
        return
    for user_id, state in await tx.chat_conversations(channel, chat_id):
        if isinstance(state, dict):
            await tx.save_conversation(channel, chat_id, user_id, {**state, "shown": shown})


def render_email(event: Any, demand: Any, locale: str | None = None) -> tuple[str, str]:
    """Subject and plain-text body of the portal-style e-mail to the requester."""
    t = Texts(locale)
    variant = _variant(event, demand, REQUESTER)
    subject, *body = _body_lines(t, event, demand, variant, with_description=False, email=True)
    separator = "-----"
    parts = ["\n\n".join(body), separator, t("push.description", description=demand.description),
             separator, t("push.email.footer", protocol=demand.protocol)]
    return subject, "\n\n".join(parts)
