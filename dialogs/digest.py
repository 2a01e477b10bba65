"""What the notifier writes in the attendants' rooms by itself: the daily digest, and the
announcement of a demand that has waited for CAGE too long (the facts come from store/digest.py
and store/aging.py; bot/notifier/scheduled.py decides when)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from dialogs import choice_ids as ids
from dialogs import render
from dialogs.attendant_card import age
from dialogs.messages import Choice, Outgoing
from dialogs.texts import EN, Texts
from store.workdays import local

# Demands listed by name in each part of the digest; the rest are counted.
LISTED = 10


def _line(demand: Any, extra: str) -> str:
    return f"• {demand.protocol} · {render.shorten(demand.title, 50)} · {demand.requester_name} · {extra}"


def _listed(t: Texts, lines: list[str]) -> list[str]:
    more = len(lines) - LISTED
    return lines[:LISTED] + ([t("digest.more", n=more)] if more > 0 else [])


def _decimal(t: Texts, value: float) -> str:
    text = f"{value:.1f}"
    return text if t.index == EN else text.replace(".", ",")


def digest(facts: Any, now: datetime, locale: str | None) -> Outgoing:
    t = Texts(locale)
    lines = [t("digest.title", day=facts.day.strftime("%d/%m"), since=local(facts.since).strftime("%d/%m")),
             t("digest.opened", n=facts.opened), t("digest.solved", n=facts.solved),
             t("digest.survey", average=_decimal(t, facts.survey_average), n=facts.survey_count)
             if facts.survey_count else t("digest.no_survey"),
             "", t("digest.waiting_cage", n=len(facts.waiting_for_cage))]
    lines += _listed(t, [_line(demand, t("att.working_hours", hours=int(aging.working_hours_waited(now))))
                         for demand, aging in facts.waiting_for_cage])
    lines += ["", t("digest.waiting_info", n=len(facts.waiting_for_information))]
    lines += _listed(t, [_line(demand, age(t, demand.updated_at, now)) for demand in facts.waiting_for_information])
    return Outgoing(text="\n".join(lines), card={"kind": "digest", "day": facts.day.isoformat()})


def attention(waits: list[tuple[Any, float]], after_hours: float, locale: str | None) -> Outgoing:
    """Demands (each with the working hours it waited) that have waited for CAGE longer than they
    should: said once in each room, all that a look found in one message, each with its button."""
    t = Texts(locale)
    buttons = tuple(Choice(id=ids.attendant_action("card", demand.protocol), label=demand.protocol)
                    for demand, _ in waits[:LISTED])
    if len(waits) == 1:
        (demand, hours), = waits
        text = t("att.attention", protocol=demand.protocol, hours=int(hours), title=demand.title,
                 requester=demand.requester_name)
        return Outgoing(text=text, choices=(replace(buttons[0], label=t("push.open")),),
                        card={"kind": "attention", "protocols": [demand.protocol]}, demand=demand.protocol)
    lines = [t("att.attention_many", n=len(waits), hours=int(after_hours))]
    lines += _listed(t, [_line(demand, t("att.working_hours", hours=int(hours))) for demand, hours in waits])
    return Outgoing(text="\n".join(lines), choices=buttons,
                    card={"kind": "attention", "protocols": [demand.protocol for demand, _ in waits]})
