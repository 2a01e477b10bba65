"""Demands, drafts, timelines and lists as text plus a structured `card` a channel may render natively."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from dialogs.texts import EN, PT

try:
    from zoneinfo import ZoneInfo

    LOCAL_TZ: Any = ZoneInfo("America/Sao_Paulo")
except Exception:  # pragma: no cover - no tz database: Brazil has had no DST since 2019
    LOCAL_TZ = timezone(timedelta(hours=-3), "BRT")

# Leaves room under Telegram's 4,096 characters for the channel's own decoration.
MAX_TEXT = 3500


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def day(moment: datetime | None) -> str:
    return when(moment)[:10]


def shorten(text: str | None, limit: int) -> str:
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= limit else one_line[:limit - 1].rstrip() + "…"


# --- taxonomy names (tolerant: a key removed from the data must not break an old demand) ---------

def _lookup(getter: Callable[[str], Any], key: str | None) -> Any | None:
    if not key:
        return None
    try:
        return getter(key)
    except KeyError:
        return None


def organ_label(entry: Any) -> str:
    return f"{entry.name} ({entry.acronym})" if getattr(entry, "acronym", None) else entry.name


def organ_name(tax: Any, key: str | None) -> str | None:
    entry = _lookup(tax.organ, key)
    return organ_label(entry) if entry else key


def in_english(t: Any) -> bool:
    """Whether the reader reads English (`t` is their catalogue): Anexo I's labels follow."""
    return getattr(t, "index", PT) == EN


def type_name(tax: Any, key: str | None, t: Any = None) -> str | None:
    entry = _lookup(tax.type_entry, key)
    return entry.label(in_english(t)) if entry else key


def category_name(tax: Any, key: str | None, t: Any = None) -> str | None:
    entry = _lookup(tax.category, key)
    return entry.label(in_english(t)) if entry else key


def subject_name(tax: Any, key: str | None) -> str | None:
    entry = _lookup(tax.subject, key)
    return entry.name if entry else key


def subject_text(tax: Any, record: Any) -> str | None:
    """Subject as the portal writes it; `record` is a draft or a DemandView."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name, None)
    type_key, key, detail = get("type_key"), get("subject_key"), get("subject_detail")
    if not type_key or not (key or detail):
        return None
    try:
        return tax.describe_subject(type_key, key, detail)
    except KeyError:
        return " – ".join(part for part in (key, detail) if part)


# --- a draft before sending --------------------------------------------------------------------------

def draft_summary(t: Any, tax: Any, draft: Any) -> tuple[str, dict]:
    """`draft` is a dialogs.states.Draft."""
    files = [item.filename for item in draft.files]
    fields = [
        (t("field.title"), draft.title or "—"),
        (t("field.organ"), organ_name(tax, draft.organ_key) or "—"),
        (t("field.type"), type_name(tax, draft.type_key, t) or "—"),
        (t("field.category"), category_name(tax, draft.category_key, t) or "—"),
        (t("field.subject"), subject_text(tax, draft) or "—"),
        (t("field.description"), draft.description or "—"),
        (t("field.attachments"), ", ".join(files) if files else t("none")),
    ]
    lines = [t("new.summary")] + [f"{label}: {value}" for label, value in fields]
    if draft.overflow:
        lines.append(t("new.summary_overflow", length=len(draft.overflow)))
    card = {"kind": "draft", "fields": [[label, value] for label, value in fields]}
    return "\n".join(lines), card


# --- a demand ------------------------------------------------------------------------------------------

def status_name(t: Any, status: Any) -> str:
    return t(f"status.{status.name}")


def demand_facts(t: Any, tax: Any, view: Any) -> list[tuple[str, str]]:
    """What a demand is now, as (label, value) lines both sides' cards show: classification,
    dates, attendant, files."""
    fields = [
        (t("field.organ"), organ_name(tax, view.organ_key) or "—"),
        (t("field.type"), type_name(tax, view.type_key, t) or "—"),
        (t("field.category"), category_name(tax, view.category_key, t) or "—"),
        (t("field.subject"), subject_text(tax, view) or "—"),
        (t("field.created"), when(view.created_at)),
        (t("field.updated"), when(view.updated_at)),
        (t("field.assignee"), view.assignee_name or t("no_assignee")),
    ]
    if view.closed_at:
        fields.append((t("field.closed"), when(view.closed_at)))
    if view.attachments:
        fields.append((t("field.attachments"), ", ".join(a.filename for a in view.attachments)))
    return fields


def demand(t: Any, tax: Any, view: Any, events: list | tuple = ()) -> tuple[str, dict]:
    """Status, classification, dates, assignee and the latest events."""
    fields = [(t("field.status"), status_name(t, view.status))] + demand_facts(t, tax, view)
    fields.append((t("field.description"), shorten(view.description, 300)))
    lines = [f"📄 {view.protocol} — {view.title}"] + [f"{label}: {value}" for label, value in fields]
    if events:
        lines += ["", t("latest_events")] + [event_line(t, event) for event in events]
    if view.survey_pending:
        lines += ["", t("survey_pending")]
    card = {
        "kind": "demand", "protocol": view.protocol, "title": view.title, "status": view.status.value,
        "fields": [[label, value] for label, value in fields],
        "events": [event_card(t, event) for event in events],
    }
    return "\n".join(lines), card


def event_title(t: Any, event: Any) -> str:
    kind = getattr(event.kind, "value", event.kind)
    return t(f"event.{kind}")


def event_line(t: Any, event: Any, limit: int = 200) -> str:
    line = f"• {when(event.created_at)} — {event_title(t, event)} ({event.author_name})"
    if getattr(event, "rating", None):
        line += f" {event.rating}/5"
    if event.text:
        line += f": {shorten(event.text, limit)}"
    if event.attachments:
        line += " 📎 " + ", ".join(a.filename for a in event.attachments)
    return line


def event_card(t: Any, event: Any) -> dict:
    return {"when": when(event.created_at), "title": event_title(t, event), "author": event.author_name,
            "text": event.text or "", "attachments": [a.filename for a in event.attachments],
            "rating": getattr(event, "rating", None)}


def timeline(t: Any, protocol: str, events: list | tuple, note: str = "") -> list[tuple[str, dict | None]]:
    """The whole timeline, newest first, split into messages that fit a chat message; `note` is a
    line under its title (the documents the demand cites, for attendants)."""
    header = t("timeline.title", protocol=protocol, count=len(events)) + (f"\n{note}" if note else "")
    lines = [event_line(t, event, limit=MAX_TEXT - 200) for event in events] or [t("timeline.empty")]
    chunks, current = [], header
    for line in lines:
        if len(current) + len(line) + 2 > MAX_TEXT:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{line}" if current else line
    chunks.append(current)
    card = {"kind": "timeline", "protocol": protocol, "events": [event_card(t, event) for event in events]}
    return [(chunk, card if index == 0 else None) for index, chunk in enumerate(chunks)]


def demand_list(t: Any, page: Any, open_only: bool) -> tuple[str, dict]:
    title = t("list.open_title" if open_only else "list.all_title")
    if not page.items:
        return t("list.open_empty" if open_only else "list.all_empty"), {"kind": "list", "items": []}
    lines = [t("list.header", title=title, page=page.page, pages=page.pages, total=page.total)]
    for index, item in enumerate(page.items, start=1):
        lines.append(f"{index}. {item.protocol} · {shorten(item.title, 60)} · {item.requester_name} · "
                     f"{status_name(t, item.status)} · {day(item.created_at)}")
    card = {"kind": "list", "items": [
        {"protocol": item.protocol, "title": item.title, "requester": item.requester_name,
         "status": item.status.value, "created": day(item.created_at)} for item in page.items]}
    return "\n".join(lines), card


def list_label(item: Any) -> str:
    return f"{item.protocol} · {shorten(item.title, 30)}"
