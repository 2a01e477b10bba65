"""`/buscar 2025NE000123` (or "buscar empenho 2025NE000123"): the demands that cite a document
number, for attendants. The numbers are read from the text as they are from demands
(taxonomy/references.py), so "2025ne123" finds what "2025NE000123" was stored as.

A requester never gets here: attendant commands are refused to them (dialogs/attendant.py), and
the store would list only their own demands anyway (store/references.py).
"""

from __future__ import annotations

from dialogs import choice_ids as ids
from dialogs import render
from dialogs.attendant_card import age, references_text
from dialogs.flow import Turn
from dialogs.messages import Choice
from store import StoreError
from taxonomy.references import default_references

SHOWN = 20  # the newest shown; a number cited more often than this is refined by reading them


async def search(turn: Turn, text: str) -> None:
    wanted = default_references().extract(text)
    if not wanted:
        return turn.say("att.search_what", text=render.shorten(text.strip(), 80) or "…")
    try:
        result = await turn.tx.demands_citing(turn.actor, wanted, page_size=SHOWN)
    except StoreError as error:
        return turn.refuse(error)
    cited = references_text(turn.t, wanted)
    if not result.items:
        return turn.say("att.search_none", references=cited)
    now = turn.tx.now()
    lines = [turn.t("att.search_header", title=turn.t("att.search_title", references=cited), total=result.total)]
    lines += [list_line(turn, index, item, now) for index, item in enumerate(result.items, start=1)]
    if result.total > len(result.items):
        lines.append(turn.t("att.search_more", shown=len(result.items)))
    choices = [Choice(id=ids.attendant_action("card", item.protocol), label=render.list_label(item))
               for item in result.items]
    turn.say_text("\n".join(lines), choices=choices)


def list_line(turn: Turn, index: int, item, now) -> str:
    """One demand of an attendants' list: protocol, title, requester, status, age, holder."""
    holder = item.assignee_name or turn.t("att.unassigned")
    return (f"{index}. {item.protocol} · {render.shorten(item.title, 50)} · {item.requester_name} · "
            f"{render.status_name(turn.t, item.status)} · {age(turn.t, item.created_at, now)} · {holder}")
