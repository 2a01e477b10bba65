"""New demand: title → órgão → type → category → subject → description → attachments → summary → send.

The draft lives in the conversation state. Each step marks itself in draft["done"]; after any
answer the flow goes to the first step not done yet, or to the summary. That single rule serves
the first pass, "voltar", editing from the summary, and the proposal made from free text.
"""

from __future__ import annotations

import base64
from typing import Any

from dialogs import choice_ids as ids
from dialogs import choosing, render, words
from dialogs.flow import Reply, Step, Turn, register
from dialogs.messages import Choice, IncomingFile
from store import MAX_DESCRIPTION, MAX_TITLE, DemandDraft, NewAttachment, StoreError

FLOW = "new"
OTHER_SUBJECT = "outro"  # the taxonomy's "Outro" service: its text is the subject
ORDER = ("title", "organ", "type", "category", "subject", "module", "description", "attachments")
# Files kept in the conversation state until the demand is sent: bound what a state may hold.
MAX_DRAFT_FILES = 10
MAX_DRAFT_BYTES = 20 * 1024 * 1024


# --- moving through the flow ----------------------------------------------------------------------

def _applies(turn: Turn, step: str) -> bool:
    if step == "module":
        type_key = turn.draft.get("type_key")
        return bool(type_key) and turn.taxonomy.subject_mode(type_key) == "system"
    return True


def _done(turn: Turn) -> list[str]:
    return turn.draft.setdefault("done", [])


def _mark(turn: Turn, step: str) -> None:
    if step not in _done(turn):
        _done(turn).append(step)


def _forget(turn: Turn, *steps: str) -> None:
    """Later answers that depend on a changed one must be asked again."""
    fields = {"category": ("category_key",), "subject": ("subject_key", "subject_detail"), "module": ()}
    for step in steps:
        if step in _done(turn):
            _done(turn).remove(step)
        for name in fields.get(step, ()):
            turn.draft[name] = None


async def advance(turn: Turn) -> None:
    for step in ORDER:
        if _applies(turn, step) and step not in _done(turn):
            await turn.goto(FLOW, step)
            return
    await turn.goto(FLOW, "summary")


async def back(turn: Turn) -> None:
    if turn.state.get("editing"):
        await turn.goto(FLOW, "summary")
        return
    current = turn.state.get("step")
    earlier = ORDER[:ORDER.index(current)] if current in ORDER else ORDER
    for step in reversed(earlier):
        if _applies(turn, step):
            await turn.goto(FLOW, step)
            return
    await turn.menu("new.back_to_menu")


async def start(turn: Turn) -> None:
    await turn.start(FLOW, "title", draft={"done": []})


def _keep(turn: Turn, value: Any) -> list[Choice]:
    return [turn.choice(ids.KEEP, "keep")] if value else []


def _current(turn: Turn, value: Any) -> str:
    return "\n" + turn.t("current", value=value) if value else ""


# --- title ------------------------------------------------------------------------------------------

async def ask_title(turn: Turn) -> None:
    title = turn.draft.get("title")
    choices = _keep(turn, title)
    suggestion = turn.draft.get("suggested_title")
    if suggestion and not title:
        choices.append(turn.choice(ids.SUGGESTED_TITLE, "new.title_use", title=suggestion))
    turn.say_text(turn.t("new.title", limit=MAX_TITLE) + _current(turn, title), choices=choices)


async def typed_line(turn: Turn, reply: Reply, too_long_key: str) -> str | None:
    """The short line the person typed (title, theme, module path), spaces folded; None when there
    is none to take, after saying why and asking again."""
    text = "" if reply.choice else " ".join(reply.text.split())
    if reply.choice:
        turn.say("stale")
    elif len(text) > MAX_TITLE:
        turn.say(too_long_key, length=len(text), limit=MAX_TITLE)
    if not text or len(text) > MAX_TITLE:
        await turn.ask()
        return None
    return text


async def answer_title(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.KEEP and turn.draft.get("title"):
        text = turn.draft["title"]
    elif reply.choice == ids.SUGGESTED_TITLE and turn.draft.get("suggested_title"):
        text = turn.draft["suggested_title"]
    else:
        text = await typed_line(turn, reply, "new.title_too_long")
        if text is None:
            return
    turn.draft["title"] = text
    _mark(turn, "title")
    await advance(turn)


# --- órgão --------------------------------------------------------------------------------------------

def organ_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="org", entries=turn.taxonomy.organs, level="organ",
                            label=render.organ_label)


async def ask_organ(turn: Turn) -> None:
    if not turn.draft.get("organ_key") and getattr(turn.person, "organ_key", None):
        turn.draft["organ_key"] = turn.person.organ_key
    organ_key = turn.draft.get("organ_key")
    if organ_key and not turn.pending.get("listing"):
        turn.say("new.organ_confirm", organ=render.organ_name(turn.taxonomy, organ_key),
                 choices=[turn.choice(ids.YES, "confirm"), turn.choice(ids.NO, "new.organ_change")])
        return
    choosing.show(turn, organ_options(turn), turn.t("new.organ_list"))


async def answer_organ(turn: Turn, reply: Reply) -> None:
    if not turn.pending.get("listing") and turn.draft.get("organ_key"):
        if reply.choice in (ids.YES, ids.KEEP):
            _mark(turn, "organ")
            return await advance(turn)
        if reply.choice == ids.NO:
            turn.pending["listing"] = True
            turn.state["page"] = 0
            return await turn.ask()
    entry = await choosing.pick(turn, organ_options(turn), reply)
    if entry is not None:
        turn.draft["organ_key"] = entry.key
        _mark(turn, "organ")
        await advance(turn)


# --- type / category ------------------------------------------------------------------------------

def type_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="type", entries=turn.taxonomy.types, level="type")


async def ask_type(turn: Turn) -> None:
    current = render.type_name(turn.taxonomy, turn.draft.get("type_key"))
    choosing.show(turn, type_options(turn), turn.t("new.type") + _current(turn, current), keep=bool(current))


async def answer_type(turn: Turn, reply: Reply) -> None:
    await answer_classification(turn, reply, "type", type_options(turn), then=("category", "subject", "module"))


def category_options(turn: Turn) -> choosing.Options:
    type_key = turn.draft["type_key"]
    return choosing.Options(prefix="cat", entries=turn.taxonomy.categories(type_key), level="category",
                            type_key=type_key)


async def ask_category(turn: Turn) -> None:
    type_key = turn.draft["type_key"]
    current = render.category_name(turn.taxonomy, turn.draft.get("category_key"))
    question = turn.t("new.category", type=render.type_name(turn.taxonomy, type_key))
    choosing.show(turn, category_options(turn), question + _current(turn, current), keep=bool(current))


async def answer_category(turn: Turn, reply: Reply) -> None:
    await answer_classification(turn, reply, "category", category_options(turn), then=("subject", "module"))


async def answer_classification(turn: Turn, reply: Reply, step: str, options: choosing.Options,
                                then: tuple[str, ...]) -> None:
    """Type or category: keep the current one, or pick another, which forgets the steps under it."""
    field = f"{step}_key"
    if reply.choice == ids.KEEP and turn.draft.get(field):
        _mark(turn, step)
        return await advance(turn)
    entry = await choosing.pick(turn, options, reply)
    if entry is None:
        return
    if entry.key != turn.draft.get(field):
        _forget(turn, *then)
    turn.draft[field] = entry.key
    _mark(turn, step)
    await advance(turn)


# --- subject (a service, a free theme, or a system) ---------------------------------------------------

def _mode(turn: Turn) -> str:
    return turn.taxonomy.subject_mode(turn.draft["type_key"])


def subject_options(turn: Turn) -> choosing.Options:
    tax, type_key, category_key = turn.taxonomy, turn.draft["type_key"], turn.draft.get("category_key")
    everything = tax.subjects(type_key)
    # A service filed under another category may still be typed by name; the list shows the category's.
    listed = tax.subjects(type_key, category_key) or everything
    return choosing.Options(prefix="sub", entries=listed, level="subject", type_key=type_key,
                            matchable=everything)


async def ask_subject(turn: Turn) -> None:
    current = _current(turn, render.subject_text(turn.taxonomy, turn.draft))
    keep = _keep(turn, turn.draft.get("subject_key") or turn.draft.get("subject_detail"))
    if _mode(turn) == "free":
        turn.say_text(turn.t("new.subject_free") + current, choices=keep)
    elif turn.pending.get("other"):
        turn.say_text(turn.t("new.subject_other_text"), choices=keep)
    else:
        key = "new.subject_service" if _mode(turn) == "service" else "new.subject_system"
        choosing.show(turn, subject_options(turn), turn.t(key) + current, keep=bool(keep))


async def answer_subject(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.KEEP and (turn.draft.get("subject_key") or turn.draft.get("subject_detail")):
        _mark(turn, "subject")
        return await advance(turn)
    if _mode(turn) == "free" or turn.pending.get("other"):
        text = await typed_line(turn, reply, "new.subject_too_long")
        if text is None:
            return
        turn.draft["subject_key"] = OTHER_SUBJECT if turn.pending.get("other") else None
        turn.draft["subject_detail"] = text
        _mark(turn, "subject")
        return await advance(turn)
    entry = await choosing.pick(turn, subject_options(turn), reply)
    if entry is None:
        return
    if entry.key == OTHER_SUBJECT:
        turn.pending["other"] = True
        return await turn.ask()
    if entry.key != turn.draft.get("subject_key"):
        _forget(turn, "module")
    turn.draft["subject_key"] = entry.key
    turn.draft["subject_detail"] = None
    _mark(turn, "subject")
    await advance(turn)


async def ask_module(turn: Turn) -> None:
    detail = turn.draft.get("subject_detail")
    system = render.subject_name(turn.taxonomy, turn.draft.get("subject_key"))
    turn.say_text(turn.t("new.module", system=system) + _current(turn, detail),
                  choices=_keep(turn, detail) + [turn.choice(ids.SKIP, "skip")])


async def answer_module(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.SKIP:
        turn.draft["subject_detail"] = None
    elif reply.choice != ids.KEEP:
        text = await typed_line(turn, reply, "new.subject_too_long")
        if text is None:
            return
        turn.draft["subject_detail"] = text
    _mark(turn, "module")
    await advance(turn)


# --- description ------------------------------------------------------------------------------------

def split_description(text: str) -> tuple[str, str]:
    """The first part within the limit (cut at a space when one is near) and the rest, nothing lost."""
    cut = text.rfind(" ", 0, MAX_DESCRIPTION + 1)
    if cut < MAX_DESCRIPTION * 3 // 4:
        cut = MAX_DESCRIPTION
    return text[:cut].rstrip(), text[cut:].strip()


async def take_description(turn: Turn, text: str) -> None:
    """Use `text` as the description, first asking about excess length and PROA when needed."""
    turn.state["step"] = "description"
    turn.state["pending"] = {}
    if len(text) > MAX_DESCRIPTION:
        turn.pending["long"] = text
        turn.say("new.description_long", length=len(text), limit=MAX_DESCRIPTION,
                 choices=[turn.choice(ids.SPLIT_DESCRIPTION, "new.description_split"),
                          turn.choice(ids.REWRITE_DESCRIPTION, "new.description_rewrite")])
        return
    turn.draft["description"] = text
    turn.draft["overflow"] = None
    await _check_proa(turn, text)


async def _check_proa(turn: Turn, text: str) -> None:
    hint = proa_hint(turn, text)
    if hint and not turn.draft.get("proa_ok"):
        turn.pending["proa"] = True
        turn.say("new.proa", hint=hint, choices=[turn.choice(ids.PROA_GO, "new.proa_go"),
                                                 turn.choice(ids.PROA_STOP, "new.proa_stop")])
        return
    _mark(turn, "description")
    await advance(turn)


def proa_hint(turn: Turn, text: str) -> str | None:
    """The PROA matter (one of the taxonomy's phrases) the description clearly mentions, if any."""
    folded = f" {words.plain(text)} "
    for phrase in turn.taxonomy.proa_phrases:
        if f" {words.plain(phrase)} " in folded:
            return phrase
    return None


async def ask_description(turn: Turn) -> None:
    description = turn.draft.get("description")
    shown = description if not description or len(description) <= 300 else description[:300] + "…"
    turn.say_text(turn.t("new.description", limit=MAX_DESCRIPTION) + _current(turn, shown),
                  choices=_keep(turn, description))


async def answer_description(turn: Turn, reply: Reply) -> None:
    pending = turn.pending
    if pending.get("long") and reply.choice == ids.SPLIT_DESCRIPTION:
        first, rest = split_description(pending["long"])
        turn.draft["description"], turn.draft["overflow"] = first, rest
        turn.say("new.description_split_ok", length=len(rest))
        turn.state["pending"] = {}
        return await _check_proa(turn, pending["long"])
    if pending.get("long") and reply.choice == ids.REWRITE_DESCRIPTION:
        turn.state["pending"] = {}
        turn.say("new.description_rewrite_ok", limit=MAX_DESCRIPTION)
        return
    if pending.get("proa") and reply.choice == ids.PROA_GO:
        turn.draft["proa_ok"] = True
        _mark(turn, "description")
        return await advance(turn)
    if pending.get("proa") and reply.choice == ids.PROA_STOP:
        return await turn.menu("new.proa_stopped")
    if reply.choice == ids.KEEP and turn.draft.get("description"):
        _mark(turn, "description")
        return await advance(turn)
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    text = reply.text.strip()
    if not text:
        return await turn.ask()
    await take_description(turn, text)


# --- attachments ------------------------------------------------------------------------------------

def keep_files(turn: Turn, files: tuple[IncomingFile, ...]) -> list[str]:
    """Hold files in the draft until the demand is sent; returns the names that did not fit."""
    kept = turn.draft.setdefault("files", [])
    refused = []
    for file in files:
        used = sum(len(item["data"]) * 3 // 4 for item in kept)
        if len(kept) >= MAX_DRAFT_FILES or used + len(file.data) > MAX_DRAFT_BYTES:
            refused.append(file.filename)
            continue
        kept.append({"filename": file.filename[:200] or "arquivo", "content_type": file.content_type,
                     "data": base64.b64encode(file.data).decode("ascii")})
    return refused


def file_names(turn: Turn) -> str:
    return ", ".join(item["filename"] for item in turn.draft.get("files", []))


async def ask_attachments(turn: Turn) -> None:
    if turn.draft.get("files"):
        turn.say("new.attachments_some", names=file_names(turn),
                 choices=[turn.choice(ids.DONE, "new.attachments_done"), turn.choice(ids.CLEAR_FILES, "new.attachments_clear")])
    else:
        turn.say("new.attachments", choices=[turn.choice(ids.SKIP, "skip")])


async def answer_attachments(turn: Turn, reply: Reply) -> None:
    if reply.files:
        refused = keep_files(turn, reply.files)
        if refused:
            turn.say("files.too_many", names=", ".join(refused), count=MAX_DRAFT_FILES)
        return await turn.ask()
    if reply.choice in (ids.SKIP, ids.DONE, ids.KEEP) or (not reply.choice and words.is_done(reply.text)):
        _mark(turn, "attachments")
        return await advance(turn)
    if reply.choice == ids.CLEAR_FILES:
        turn.draft["files"] = []
        return await turn.ask()
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.attachments_expected")
    await turn.ask()


# --- summary and sending ------------------------------------------------------------------------------

EDITS = {"title": "title", "organ": "organ", "type": "type", "category": "category", "subject": "subject",
         "desc": "description", "att": "attachments"}


async def ask_summary(turn: Turn) -> None:
    turn.state.pop("editing", None)
    text, card = render.draft_summary(turn.t, turn.taxonomy, turn.draft)
    choices = [turn.choice(ids.SEND, "new.send")]
    choices += [turn.choice(ids.edit_field(short), f"new.edit_{short}") for short in EDITS]
    choices.append(turn.choice(ids.CANCEL, "new.discard"))
    turn.say_text(text, choices=choices, card=card)


async def answer_summary(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.SEND:
        return await send(turn)
    if reply.choice == ids.CANCEL:
        return await turn.menu("new.cancelled")
    short = ids.edit_field_of(reply.choice)
    if short in EDITS:
        turn.state["editing"] = True
        step = EDITS[short]
        if step == "organ":
            await turn.goto(FLOW, step, listing=True)
        else:
            await turn.goto(FLOW, step)
        return
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.summary_expected")
    await turn.ask()


FIELD_STEPS = {"title": "title", "description": "description", "subject_detail": "subject", "organ_key": "organ",
               "type_key": "type", "category_key": "category", "subject_key": "subject"}


async def send(turn: Turn) -> None:
    draft = turn.draft
    demand_draft = DemandDraft(
        title=draft["title"], organ_key=draft["organ_key"], type_key=draft["type_key"],
        category_key=draft["category_key"], subject_key=draft.get("subject_key"),
        subject_detail=draft.get("subject_detail"), description=draft["description"])
    attachments = [NewAttachment(filename=item["filename"], data=base64.b64decode(item["data"]),
                                 content_type=item.get("content_type")) for item in draft.get("files", [])]
    try:
        demand = await turn.tx.open_demand(turn.actor, demand_draft, attachments=attachments)
    except StoreError as error:
        turn.refuse(error)
        field = getattr(error, "field", None)
        if field in FIELD_STEPS:
            turn.state["editing"] = True
            return await turn.goto(FLOW, FIELD_STEPS[field])
        return await turn.ask()
    overflow = draft.get("overflow")
    await turn.menu(None)
    turn.state["demand"] = demand.protocol
    turn.say("new.created", protocol=demand.protocol, title=demand.title)
    if overflow:
        for part in _parts(overflow):
            demand = await turn.tx.comment(turn.actor, demand.protocol, part)
        turn.say("new.overflow_sent")
    turn.say("new.created_next", choices=[turn.choice(ids.demand_action("show", demand.protocol), "new.follow"),
                                          turn.choice(ids.menu_item("new"), "menu.new"), turn.choice(ids.MENU, "menu.back")])


def _parts(text: str) -> list[str]:
    parts = []
    while text:
        first, text = split_description(text) if len(text) > MAX_DESCRIPTION else (text, "")
        parts.append(first)
    return parts


# --- starting from free text --------------------------------------------------------------------------

def suggest_title(text: str) -> str:
    one_line = " ".join(text.split())
    first = one_line.split(". ")[0].rstrip(".")
    if len(first) > 80:
        cut = first.rfind(" ", 0, 78)
        first = first[:cut if cut > 20 else 78] + "…"
    return first[:1].upper() + first[1:]


async def propose(turn: Turn, text: str, proposal: Any) -> None:
    draft: dict[str, Any] = {"done": [], "suggested_title": suggest_title(text), "free_text": text,
                             "type_key": proposal.type.key}
    if proposal.category is not None:
        draft["category_key"] = proposal.category.key
    if proposal.subject is not None:
        draft["subject_key"] = proposal.subject.key
    await turn.start(FLOW, "propose", draft=draft)


async def ask_propose(turn: Turn) -> None:
    tax, draft = turn.taxonomy, turn.draft
    turn.say("new.propose", type=render.type_name(tax, draft.get("type_key")),
             category=render.category_name(tax, draft.get("category_key")) or "—",
             subject=render.subject_text(tax, draft) or "—",
             choices=[turn.choice(ids.YES, "new.propose_yes"), turn.choice(ids.FIX_PROPOSAL, "new.propose_fix"),
                      turn.choice(ids.CANCEL, "new.discard")])


async def answer_propose(turn: Turn, reply: Reply) -> None:
    draft = turn.draft
    if reply.choice == ids.YES:
        for step, field in (("type", "type_key"), ("category", "category_key"), ("subject", "subject_key")):
            if draft.get(field):
                _mark(turn, step)
        return await take_description(turn, draft["free_text"])
    if reply.choice == ids.FIX_PROPOSAL:
        _forget(turn, "type", "category", "subject", "module")
        draft["type_key"] = None
        turn.say("new.propose_fixing")
        return await take_description(turn, draft["free_text"])
    if reply.choice == ids.CANCEL:
        return await turn.menu("new.cancelled")
    if reply.choice:
        turn.say("stale")
    else:
        turn.say("new.propose_expected")
    await turn.ask()


async def back_from_propose(turn: Turn) -> None:
    await turn.menu()


for _name, _ask, _answer, _help, _files in (
    ("title", ask_title, answer_title, "help.new.title", False),
    ("organ", ask_organ, answer_organ, "help.new.organ", False),
    ("type", ask_type, answer_type, "help.new.type", False),
    ("category", ask_category, answer_category, "help.new.category", False),
    ("subject", ask_subject, answer_subject, "help.new.subject", False),
    ("module", ask_module, answer_module, "help.new.module", False),
    ("description", ask_description, answer_description, "help.new.description", False),
    ("attachments", ask_attachments, answer_attachments, "help.new.attachments", True),
    ("summary", ask_summary, answer_summary, "help.new.summary", False),
):
    register(f"{FLOW}.{_name}", Step(ask=_ask, answer=_answer, back=back, help=_help, takes_files=_files))
register(f"{FLOW}.propose", Step(ask=ask_propose, answer=answer_propose, back=back_from_propose,
                                 help="help.new.propose"))
