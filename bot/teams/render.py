"""How an `Outgoing` looks on Teams: markdown text, and Adaptive Cards for choices and records.

- no choices and no card: a markdown message (user text escaped);
- up to six choices (a question's answers), and the actions of a record however many: one button
  each (Teams shows six, the rest under "…");
- more: an Adaptive Card with an `Input.ChoiceSet` (style "filtered", so people can type to
  search) and a submit button; the dialogs' page turns (`Choice.turns_page`: "◀ Anteriores",
  "Mais ▶") stay buttons;
- a page of a long list (`Outgoing.listing`: órgãos, services...): the whole list in one filtered
  ChoiceSet, without pages, so typing searches every entry; its ids are the page buttons' own;
- buttons are Universal Actions (`Action.Execute`, verb "choice"; Teams answers them with an
  invoke, answered with the card refreshed), each with the `Action.Submit` fallback that older
  clients use;
- a structured `card` from the dialogs (draft summary, demand, timeline, profile): facts and
  events in the same Adaptive Card, with the choices below.
- files after the text: PNG and JPEG up to 48 KB inline (a data URI), the others one Adaptive
  Card listing them, each with a "Baixar" button (Action.OpenUrl) to its signed download link
  (bot/downloads.py).

Every button sends back `{"choice": id}` (and `"demand"`: the protocol of the demand the card
shows, if it shows one) and the ChoiceSet's input id is "choice" too, so a card submit reaches the
dialogs as `Incoming.choice` whatever the card. Nothing here talks to the
network or knows which dialog asked: any Outgoing renders (attendants' rooms included).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence

from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.downloads import FileLinks
from dialogs import Choice, Outgoing, OutgoingFile
from dialogs.texts import Texts

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CHOICE_INPUT = "choice"
MAX_BUTTONS = 6
EXECUTE_VERB = "choice"
# Characters Teams' markdown would turn into formatting (or HTML) if a servant typed them.
_MARKDOWN = re.compile(r"([\\`*_~\[\]#|])")
# Adaptive Cards know only bold, italic, lists and links: escaping more would show backslashes.
_CARD_MARKDOWN = re.compile(r"([\\*_\[\]])")
_EVENT_LINE = "•"


def escape_markdown(text: str) -> str:
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_card_text(text: str) -> str:
    # Adaptive Card TextBlocks render a markdown subset; Teams renders some HTML tags too, so a
    # "<" a person typed gets a word joiner (U+2060) after it: it shows, and starts no tag.
    return _CARD_MARKDOWN.sub(r"\\\1", text).replace("<", "<\u2060")


def render(outgoing: Outgoing, locale: str = "pt-BR", links: FileLinks | None = None) -> list[Activity]:
    """The activities that show `outgoing`, in order (the text or card first, then its files:
    images inline, the rest as a card of download links signed by `links`)."""
    t = Texts(locale)
    activities: list[Activity] = []
    if outgoing.card or outgoing.choices:
        activities.append(card_activity(adaptive_card(outgoing, t)))
    elif outgoing.text.strip():
        activities.append(text_activity(outgoing.text))
    activities += file_activities(outgoing, t, links)
    return activities


def text_activity(text: str) -> Activity:
    # A single "\n" is a soft break in markdown; Teams keeps <br> as a line break.
    body = "<br>".join(escape_markdown(line) for line in text.split("\n"))
    return Activity(type=ActivityTypes.message, text=body, text_format="markdown")


def card_activity(card: dict) -> Activity:
    return Activity(type=ActivityTypes.message,
                    attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)])


# Images Teams shows inline from a data URI; larger ones would swell the activity past what the
# connector takes, and go by link with the other files.
INLINE_TYPES = frozenset({"image/png", "image/jpeg"})
INLINE_MAX_BYTES = 48 * 1024


def file_activities(outgoing: Outgoing, t: Texts, links: FileLinks | None = None) -> list[Activity]:
    """Small images inline; every other file in one card of download links (`links` signs them;
    without it the files are only named). Teams has no way for a bot to send a file as a file
    outside the file-consent flow of personal chats."""
    inline = [f for f in outgoing.files if f.content_type in INLINE_TYPES and len(f.data) <= INLINE_MAX_BYTES]
    others = [f for f in outgoing.files if f not in inline]
    activities = [
        Activity(type=ActivityTypes.message, attachments=[Attachment(
            content_type=f.content_type, name=f.filename,
            content_url=f"data:{f.content_type};base64,{base64.b64encode(f.data).decode('ascii')}")])
        for f in inline]
    linkable = [f for f in others if f.sha256] if links is not None else []
    if linkable:
        activities.append(card_activity(download_card(linkable, t, links)))
    unnamed = [f.filename for f in others if f not in linkable]
    if unnamed:
        activities.append(text_activity(t("teams.files_not_shown", names=", ".join(unnamed))))
    return activities


def download_card(files: Sequence[OutgoingFile], t: Texts, links: FileLinks) -> dict:
    """An Adaptive Card listing `files`, each with its size and a "Baixar" button (Action.OpenUrl
    to its signed link)."""
    body: list[dict] = [{"type": "TextBlock", "text": escape_card_text(t("files.download_heading", count=len(files))),
                         "wrap": True, "weight": "Bolder"}]
    for file in files:
        body.append({"type": "ColumnSet", "separator": True, "columns": [
            {"type": "Column", "width": "stretch", "verticalContentAlignment": "Center", "items": [
                {"type": "TextBlock", "text": escape_card_text(file.filename), "wrap": True},
                {"type": "TextBlock", "text": _size(len(file.data)), "isSubtle": True, "size": "Small",
                 "spacing": "None"}]},
            {"type": "Column", "width": "auto", "items": [{"type": "ActionSet", "actions": [
                {"type": "Action.OpenUrl", "title": t("files.download"),
                 "url": links.url(file.sha256, file.filename)}]}]},
        ]})
    body.append({"type": "TextBlock", "text": t("files.download_note", days=round(links.lifetime / 86400)),
                 "wrap": True, "isSubtle": True, "size": "Small"})
    return {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": CARD_VERSION, "body": body}


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


# --------------------------------------------------------------------------- Adaptive Cards


def adaptive_card(outgoing: Outgoing, t: Texts) -> dict:
    record = outgoing.card or {}
    is_record = bool(record.get("fields") or record.get("events"))
    listing = None if is_record else outgoing.listing
    if listing is not None:
        # A page of a long list: the whole list in one searchable ChoiceSet, so typing searches
        # all of it; the page's other answers ("Manter") stay buttons, and there is no page to turn.
        listed = {c.id for c in listing.options}
        body = text_blocks(listing.text)
        body.append(choice_set(listing.options, t))
        actions = [pick_submit(outgoing.demand, t)]
        actions += [submit(c, outgoing.demand) for c in outgoing.choices if not c.turns_page and c.id not in listed]
        return _card(body, actions)
    body = record_blocks(outgoing.text, record, t) if is_record else text_blocks(outgoing.text)
    plain = [c for c in outgoing.choices if not c.turns_page]
    page_turns = [c for c in outgoing.choices if c.turns_page]
    actions = []
    # A record's choices are its actions (Enviar, Receber...): buttons, however many; Teams
    # shows the first six and the rest under "…". A long list of entries is one ChoiceSet.
    if len(plain) <= MAX_BUTTONS or is_record:
        actions += [submit(c, outgoing.demand) for c in plain]
    else:
        body.append(choice_set(plain, t))
        actions.append(pick_submit(outgoing.demand, t))
    actions += [submit(c) for c in page_turns]
    return _card(body, actions)


def _card(body: list[dict], actions: list[dict]) -> dict:
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": CARD_VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return card


def choice_set(choices: Sequence[Choice], t: Texts) -> dict:
    """A searchable list (style "filtered": typing narrows it), sent back as `{"choice": id}`."""
    return {"type": "Input.ChoiceSet", "id": CHOICE_INPUT, "style": "filtered", "isRequired": True,
            "placeholder": t("teams.pick"), "choices": [{"title": c.label, "value": c.id} for c in choices]}


def pick_submit(demand: str | None, t: Texts) -> dict:
    """The button that sends the ChoiceSet's selection."""
    return _execute({"type": "Action.Submit", "title": t("teams.pick_submit"),
                     "associatedInputs": "auto", "data": _demand_data(demand)})


def submit(choice: Choice, demand: str | None = None) -> dict:
    # "none": a button (a page turn, say) must not carry a half-made ChoiceSet selection along.
    return _execute({"type": "Action.Submit", "title": choice.label,
                     "data": {CHOICE_INPUT: choice.id, **_demand_data(demand)}, "associatedInputs": "none"})


def _execute(fallback: dict) -> dict:
    """The Universal Action of an Action.Submit, falling back to it where Execute is unknown."""
    return {**fallback, "type": "Action.Execute", "verb": EXECUTE_VERB, "fallback": fallback}


def _demand_data(demand: str | None) -> dict:
    return {"demand": demand} if demand else {}


def text_blocks(text: str) -> list[dict]:
    """One TextBlock per line (a blank line becomes space before the next), as Teams does not
    agree with itself about newlines inside a TextBlock."""
    blocks: list[dict] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = bool(blocks)
            continue
        block = {"type": "TextBlock", "text": escape_card_text(line), "wrap": True}
        if not blocks:
            block["weight"] = "Bolder"
        elif gap:
            block["spacing"] = "Medium"
        else:
            block["spacing"] = "None"
        blocks.append(block)
        gap = False
    return blocks


def record_blocks(text: str, record: dict, t: Texts) -> list[dict]:
    """A draft, demand, timeline or profile: its heading, its fields as facts, what else the text
    says, then its events."""
    lines = text.split("\n")
    fields = [(str(label), str(value)) for label, value in record.get("fields", [])]
    shown = {lines[0].strip(), t("latest_events")} | {f"{label}: {value}" for label, value in fields}
    # Lines the facts and events do not already show (a note about an overflow, a pending survey).
    extra = "\n".join(line for line in lines[1:]
                      if line.strip() and line.strip() not in shown and not line.startswith(_EVENT_LINE))
    blocks = text_blocks(lines[0])
    if fields:
        blocks.append({"type": "FactSet", "facts": [
            {"title": escape_card_text(label), "value": escape_card_text(value)} for label, value in fields]})
    for block in text_blocks(extra):
        block.pop("weight", None)  # only the heading is bold
        blocks.append(block)
    events = record.get("events", [])
    if events and record.get("kind") != "timeline":
        blocks.append({"type": "TextBlock", "text": escape_card_text(t("latest_events")), "wrap": True,
                       "weight": "Bolder", "spacing": "Medium"})
    blocks += [event_container(event) for event in events]
    return blocks


def event_container(event: dict) -> dict:
    rating = f" {event['rating']}/5" if event.get("rating") else ""  # a survey's answer
    heading = f"{event.get('when', '')} — {event.get('title', '')}{rating} ({event.get('author', '')})"
    items = [{"type": "TextBlock", "text": escape_card_text(heading), "wrap": True, "isSubtle": True,
              "size": "Small"}]
    if event.get("text"):
        items.append({"type": "TextBlock", "text": escape_card_text(event["text"]), "wrap": True,
                      "spacing": "None"})
    if event.get("attachments"):
        items.append({"type": "TextBlock", "text": "📎 " + escape_card_text(", ".join(event["attachments"])),
                      "wrap": True, "spacing": "None", "size": "Small"})
    return {"type": "Container", "separator": True, "items": items}


def is_continuation(previous: Outgoing | None, outgoing: Outgoing) -> bool:
    """A later piece of a timeline whose card already shows every event (the dialogs split long
    timelines into several messages for channels without cards)."""
    if previous is None or not previous.card or previous.card.get("kind") != "timeline":
        return False
    if outgoing.card or outgoing.choices or outgoing.files:
        return False
    lines = [line for line in outgoing.text.split("\n") if line.strip()]
    return bool(lines) and all(line.startswith(_EVENT_LINE) for line in lines)


def render_each(replies: Sequence[Outgoing], locale: str = "pt-BR") -> list[tuple[Outgoing, list[Activity]]]:
    """Each reply that shows, with its activities (pieces a timeline card shows already are left out)."""
    rendered: list[tuple[Outgoing, list[Activity]]] = []
    previous: Outgoing | None = None
    for outgoing in replies:
        if not is_continuation(previous, outgoing):
            rendered.append((outgoing, render(outgoing, locale)))
            previous = outgoing
    return rendered


def render_replies(replies: Sequence[Outgoing], locale: str = "pt-BR") -> list[Activity]:
    return [activity for _, activities in render_each(replies, locale) for activity in activities]
