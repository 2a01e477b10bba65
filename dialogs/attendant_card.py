"""A demand as attendants see it: the card shown in their room and in a private chat, with the
actions that still apply as its buttons ("atd:<action>:<protocol>")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dialogs import choice_ids as ids
from dialogs import render
from dialogs.messages import Choice, Outgoing
from dialogs.texts import Texts
from store import EventKind, lifecycle
from store.aging import Aging
from taxonomy.references import default_references


def age(t: Texts, created_at: datetime, now: datetime) -> str:
    minutes = max(0, int((now - created_at).total_seconds() // 60))
    if minutes < 1:
        return t("att.age_now")
    if minutes < 60:
        return t("att.age_minutes", n=minutes)
    if minutes < 24 * 60:
        return t("att.age_hours", n=minutes // 60)
    days = minutes // (24 * 60)
    return t("att.age_day") if days == 1 else t("att.age_days", n=days)


def aging_fields(t: Texts, demand: Any, aging: Aging, now: datetime) -> list[tuple[str, str]]:
    """How long the demand has been open, since CAGE last acted, and the working hours it has
    waited for CAGE (when it does)."""
    last = aging.last_cage_action_at
    fields = [(t("att.field_age"), age(t, demand.created_at, now)),
              (t("att.field_last_action"), age(t, last, now) if last else t("att.no_action_yet"))]
    if aging.waiting_since is not None:
        fields.append((t("att.field_waiting"), t("att.working_hours", hours=int(aging.working_hours_waited(now)))))
    return fields


def references_text(t: Texts, references: Any) -> str:
    """"Empenho 2025NE000123 · CNPJ 11.222.333/0001-81": document numbers as a person reads them."""
    shown = default_references().shown
    return " · ".join(f"{t(f'ref.kind.{ref.kind}')} {shown(ref)}" for ref in references)


def references_note(t: Texts, demand: Any) -> str:
    """The timeline's line of the document numbers a demand cites ("" when it cites none)."""
    if not getattr(demand, "references", ()):
        return ""
    return f"{t('att.field_references')}: {references_text(t, demand.references)}"


def reference_fields(t: Texts, demand: Any) -> list[tuple[str, str]]:
    """The card's lines about what the demand cites and the open demand it may repeat."""
    fields = []
    if getattr(demand, "references", ()):
        fields.append((t("att.field_references"), references_text(t, demand.references)))
    if getattr(demand, "possible_duplicate_of", None):
        fields.append((t("att.field_duplicate"), demand.possible_duplicate_of))
    return fields


# The card's actions that record an event, offered while the lifecycle allows that event (for
# any attendant: a room's card is everyone's). Receiving also needs nobody to hold the demand:
# taking it from its holder is /receber's question.
WRITTEN_ACTIONS = (("ans", EventKind.ANSWERED, "att.answer"), ("req", EventKind.INFO_REQUESTED, "att.request"),
                   ("sol", EventKind.SOLVED, "att.solve"))


def card_choices(t: Texts, view: Any) -> tuple[Choice, ...]:
    protocol = view.protocol
    situation = lifecycle.Situation(protocol=protocol, status=view.status, by_attendant=True, by_requester=False)
    items = [("recv", "att.receive")] if lifecycle.waits_for_attendant(view.status, view.assignee_id) else []
    items += [(action, key) for action, kind, key in WRITTEN_ACTIONS if lifecycle.refusal(kind, situation) is None]
    items.append(("tl", "att.timeline"))
    if view.attachments:
        items.append(("files", "att.files"))
    return tuple(Choice(id=ids.attendant_action(action, protocol), label=t(key)) for action, key in items)


def demand_card(demand: Any, taxonomy: Any, t: Texts | None = None, headline: str | None = None,
                aging: Sequence[tuple[str, str]] = ()) -> Outgoing:
    """A demand as attendants see it in their room, with its actions as choices.

    `Outgoing.demand` lets a channel remember which demand the sent message shows, so a reply
    to it acts on that demand. `headline` goes above the card ("Nova demanda", "Respondida");
    `aging` (aging_fields) only on a card shown once, never on a room's that is kept and edited."""
    t = t or Texts("pt-BR")
    # A room's card shows dates, no ages: it is edited only when the demand changes, and what it
    # shows must stay true until then.
    fields = [(t("field.status"), render.status_name(t, demand.status)),
              (t("att.field_requester"), demand.requester_name), *aging]
    fields += render.demand_facts(t, taxonomy, demand) + reference_fields(t, demand)
    fields.append((t("field.description"), render.shorten(demand.description, 600)))
    lines = ([headline] if headline else []) + [f"📄 {demand.protocol} — {demand.title}"]
    lines += [f"{label}: {value}" for label, value in fields]
    card = {"kind": "attendant_card", "protocol": demand.protocol, "title": demand.title,
            "status": demand.status.value, "headline": headline or "",
            "fields": [[label, value] for label, value in fields]}
    return Outgoing(text="\n".join(lines), choices=card_choices(t, demand), card=card, demand=demand.protocol)
