"""Timeline pushes: how one event of a demand is told to one chat, or e-mailed to the requester.

The notifier (bot/notifier) calls these with what it claimed from the outbox. The audience says
whose side the chat is on: "requester" (the requester's own chats: what CAGE did, and
confirmations of what they did themselves from another chat) or "attendants" (the attendants'
rooms and the assignee's private chat: what the requester did). Choices are "dm:" ids, which
the dialogs accept from any step, so a push can be answered with one tap days later.
"""

from __future__ import annotations

from typing import Any

from dialogs.messages import Choice, Outgoing
from dialogs.render import shorten
from dialogs.texts import CATALOGUE, Texts
from store import EventKind

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


def render_push(event: Any, demand: Any, audience: str, locale: str | None = None) -> list[Outgoing]:
    """The messages for one chat, in order. One message today: a solution carries the survey
    invitation after it, in the same message, so a failed send can never repeat half of it."""
    t = Texts(locale)
    kind = EventKind(event.kind)
    variant = _variant(event, demand, audience)
    protocol = demand.protocol
    open_demand = Choice(id=f"dm:show:{protocol}", label=t("push.open"))
    with_description = kind == EventKind.INFO_REQUESTED or (
        kind == EventKind.CREATED and audience == ATTENDANTS)
    lines = _body_lines(t, event, demand, variant, with_description=with_description)
    choices: tuple[Choice, ...] = (open_demand,)
    if kind == EventKind.INFO_REQUESTED and audience == REQUESTER:
        # Opens the comment step of this demand: the requester's comment is the information sent.
        choices = (Choice(id=f"dm:com:{protocol}", label=t("push.send_info")), open_demand)
    if kind == EventKind.SOLVED and audience == REQUESTER and demand.survey_pending:
        lines.append(t("push.survey", protocol=protocol))
        choices = (Choice(id=f"dm:srv:{protocol}", label=t("push.survey_start")), open_demand)
    return [Outgoing(text="\n\n".join(lines), choices=choices)]


def render_email(event: Any, demand: Any, locale: str | None = None) -> tuple[str, str]:
    """Subject and plain-text body of the portal-style e-mail to the requester."""
    t = Texts(locale)
    variant = _variant(event, demand, REQUESTER)
    subject, *body = _body_lines(t, event, demand, variant, with_description=False, email=True)
    separator = "-----"
    parts = ["\n\n".join(body), separator, t("push.description", description=demand.description),
             separator, t("push.email.footer", protocol=demand.protocol)]
    return subject, "\n\n".join(parts)
