"""The one "choose from a list" step, used for órgão, type, category, subject and system.

A person may press a button or type: a confident fuzzy match is taken and echoed, a close call
offers the top three, and anything else says so and shows the list, page by page. A long list's
message carries the whole list as well (`Listing`), for a channel that can show it in one
searchable control; the dialog does not know which channel shows which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from dialogs import choice_ids as ids
from dialogs.flow import Reply, Turn
from dialogs.messages import Choice, Listing

PAGE_SIZE = 8
PREV, NEXT, FULL_LIST = ids.PREV_PAGE, ids.NEXT_PAGE, ids.FULL_LIST


@dataclass(frozen=True)
class Options:
    prefix: str                     # choice ids are "<prefix>:<entry key>"
    entries: tuple[Any, ...]        # taxonomy entries listed, in display order
    level: str                      # taxonomy level to match typed text against
    type_key: str | None = None
    category_key: str | None = None
    # Entries that typed text may pick even if not listed (all services, when the list shows a category's).
    matchable: tuple[Any, ...] | None = None
    extra: tuple[Choice, ...] = ()  # always offered after the page ("Outro", "Escolher outro"...)
    label: Callable[[Any], str] | None = None

    def label_of(self, entry: Any) -> str:
        return self.label(entry) if self.label else entry.name

    def choice_of(self, entry: Any) -> Choice:
        return Choice(id=ids.option(self.prefix, entry.key), label=self.label_of(entry))

    def by_key(self, key: str) -> Any | None:
        for entry in self.entries + (self.matchable or ()):
            if entry.key == key:
                return entry
        return None


def pages(options: Options) -> int:
    return max(1, -(-len(options.entries) // PAGE_SIZE))


def show(turn: Turn, options: Options, question: str, keep: bool = False) -> None:
    """Ask `question` (already translated) with the current page of the list as choices.

    `keep` adds "Manter", for a question asked again after "voltar" or from a summary. It comes
    after the options, and the page turns last, so an option has the same number as the first
    time; page turns take no number (flow.numbered)."""
    total = pages(options)
    page = min(max(turn.state.page, 0), total - 1)
    turn.update(page=page)
    shown = options.entries[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    choices = [options.choice_of(entry) for entry in shown] + list(options.extra)
    if keep:
        choices.append(turn.choice(ids.KEEP, "keep"))
    if page > 0:
        choices.append(turn.choice(PREV, "choose.prev", turns_page=True))
    if page < total - 1:
        choices.append(turn.choice(NEXT, "choose.next", turns_page=True))
    listing = None
    if total > 1:
        listing = Listing(text=question, options=tuple(options.choice_of(entry) for entry in options.entries))
        question = f"{question}\n{turn.t('choose.page', page=page + 1, pages=total)}"
    turn.say_text(question, choices=choices, listing=listing)


async def pick(turn: Turn, options: Options, reply: Reply) -> Any | None:
    """The entry the reply designates, or None after answering (new page, suggestions, not found)."""
    if reply.choice:
        if reply.choice in (PREV, NEXT, FULL_LIST):
            step = {PREV: -1, NEXT: 1, FULL_LIST: 0}[reply.choice]
            turn.update(page=0 if step == 0 else turn.state.page + step)
            await turn.ask()
            return None
        key = ids.option_of(reply.choice, options.prefix)
        entry = options.by_key(key) if key is not None else None
        if entry is None:
            turn.say("stale")
            await turn.ask()
        return entry

    query = reply.text.strip()
    if not query:
        await turn.ask()
        return None
    allowed = {entry.key: entry for entry in options.matchable or options.entries}
    result = turn.taxonomy.match(query[:200], level=options.level, type_key=options.type_key,
                                 category_key=options.category_key, limit=3)
    candidates = [m.entry for m in result.candidates if m.entry.key in allowed]
    if result.best is not None and result.best.entry.key in allowed:
        turn.say("choose.took", name=options.label_of(result.best.entry))
        return result.best.entry
    if candidates:
        choices = [options.choice_of(entry) for entry in candidates[:3]]
        choices.append(turn.choice(FULL_LIST, "choose.full_list"))
        turn.say("choose.close_call", text=_quote(query), choices=choices)
        return None
    turn.say("choose.none", text=_quote(query))
    await turn.ask()
    return None


def _quote(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 60 else one_line[:57] + "…"
