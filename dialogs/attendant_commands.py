"""What attendants type: their commands ("/responder CAGE-… texto") and the first words of a reply
to a card that say which action it is. Recognised inputs, not texts the bot writes (those are in
dialogs/texts.py)."""

from __future__ import annotations

from dialogs import words
from store import parse_protocol
from taxonomy.references import default_references

# Commands, as typed after "/" (accents and case do not matter).
COMMANDS = {
    "fila": "queue", "atribuidas": "mine", "minhas": "mine", "demanda": "card", "receber": "recv",
    "responder": "ans", "solicitar": "req", "solucionar": "sol", "vincular": "bind", "sala": "bind",
    "desvincular": "unbind", "atendimento": "help", "buscar": "search", "pesquisar": "search",
}
# The first word of a sentence asking for the demands that cite a document number ("buscar
# 2025NE000123", "search 2025NE000123"): only with a number recognised after it.
SEARCH_WORDS = {"buscar", "busca", "procurar", "pesquisar", "search", "find"}
# The first word of a reply to a card that says which action it is.
REPLY_WORDS = {
    "responder": "ans", "resposta": "ans", "respondendo": "ans",
    "solicitar": "req", "solicito": "req", "solicitamos": "req", "pendencia": "req",
    "solucionar": "sol", "solucao": "sol", "solucionado": "sol", "solucionada": "sol", "resolvido": "sol",
    "receber": "recv", "recebo": "recv", "assumo": "recv", "assumir": "recv",
}
HELP_WORDS = {"start", "ajuda", "help", "atendimento"}


def parse_command(text: str) -> tuple[str | None, str]:
    """("ans", "CAGE-... texto") for "/responder CAGE-... texto"; (None, text) when no attendant command."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None, text
    head, _, rest = stripped.partition(" ")
    head = head.split("@", 1)[0]
    return COMMANDS.get(words.bare(head)), rest.strip()


def split_protocol(text: str) -> tuple[str | None, str]:
    """The protocol at the start of `text` (typed loosely) and what follows it."""
    tokens = text.split()
    for size in (1, 2, 3):  # "CAGE-08336-T2D3", "08336 t2d3", "cage 08336 t2d3"
        protocol = parse_protocol(" ".join(tokens[:size]))
        if protocol:
            return protocol, " ".join(tokens[size:])
    return None, text


def search_request(text: str) -> str | None:
    """What follows "buscar" in "buscar empenho 2025NE000123", when a document number follows it."""
    first, _, rest = text.strip().partition(" ")
    if words.bare(first) not in SEARCH_WORDS or not default_references().extract(rest):
        return None
    return rest


def command_name(action: str) -> str:
    """The command that does `action`, as the attendant would type it."""
    return next(name for name, value in COMMANDS.items() if value == action)
