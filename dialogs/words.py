"""How free text is read: normalisation and the small vocabularies people type instead of pressing buttons.

These are recognised inputs, not texts the bot writes, so they live here and not in the catalogue.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\s/!.,;:?¿¡\"'()]+|[\s!.,;:?¿¡\"'()]+$")


def clean(text: str) -> str:
    """Incoming text without control characters or lone surrogates, which no database stores well."""
    if text is None or text.isprintable():
        return text or ""
    return "".join(ch for ch in text or "" if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))


# Every turn compares what was typed with the labels of the choices shown, the same few hundred
# strings over and over.
@functools.lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: what two spellings of the same word have in common."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = "".join(ch if ch.isprintable() else " " for ch in plain)
    return _SPACES.sub(" ", plain).strip().casefold()


def bare(text: str) -> str:
    """The normalised text without a leading "/" or surrounding punctuation ("/Menu!" -> "menu")."""
    return _EDGE_PUNCTUATION.sub("", normalize(text))


# Words that work at any step (checked against the whole message).
GLOBAL_WORDS = {
    "cancelar": "cancel", "cancela": "cancel", "cancel": "cancel", "sair": "cancel",
    "voltar": "back", "volta": "back", "back": "back",
    "menu": "menu", "inicio": "menu", "start": "start",
    # Greetings restart only from the menu: in the middle of a question they are an answer.
    "oi": "greeting", "ola": "greeting", "hi": "greeting", "hello": "greeting", "bom dia": "greeting",
    "boa tarde": "greeting", "boa noite": "greeting",
    "ajuda": "help", "help": "help", "socorro": "help",
}

YES_WORDS = {"sim", "s", "yes", "y", "ok", "confirmar", "confirmo", "confirm", "isso", "certo", "claro", "pode"}
NO_WORDS = {"nao", "n", "no", "negativo"}


# "No more of this, go on" at steps that collect something optional (attachments).
DONE_WORDS = {"pular", "pula", "pule", "concluir", "concluido", "pronto", "enviar", "seguir", "continuar",
              "avancar", "proximo", "sem anexo", "sem anexos", "nenhum", "done", "skip", "next", "send",
              "continue"}


def global_word(text: str) -> str | None:
    return GLOBAL_WORDS.get(bare(text))


def is_done(text: str) -> bool:
    return bare(text) in DONE_WORDS or yes_or_no(text) is False


def yes_or_no(text: str) -> bool | None:
    word = bare(text)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


# Intents recognised in free sentences at the menu ("qual a situação da CAGE-08336-T2D3?").
INTENT_WORDS = {
    "timeline": ("linha do tempo", "timeline", "historico", "history"),
    "cancel": ("cancelar", "cancele", "cancel"),
    "reopen": ("reabrir", "reabra", "reopen"),
    "comment": ("comentar", "comentario", "comment", "anexar", "attach"),
    "survey": ("avaliar", "avaliacao", "pesquisa", "survey", "rate"),
    "status": ("status", "situacao", "andamento", "consultar", "consulta", "protocolo", "acompanhar",
               "como esta", "como anda", "state of", "progress"),
    "open_list": ("demandas ativas", "demandas abertas", "minhas demandas", "ocorrencias ativas",
                  "open demands", "my demands", "active demands"),
    "all_list": ("todas as demandas", "todas demandas", "todas as ocorrencias", "all demands"),
    "new": ("nova demanda", "abrir demanda", "abrir uma demanda", "criar demanda", "new demand",
            "open a demand", "new request"),
    "profile": ("meus dados", "meu perfil", "perfil", "cadastro", "my data", "my profile", "profile"),
}


def plain(text: str) -> str:
    """Only the words: normalised, punctuation turned into spaces ("IN CAGE nº 05/2012" -> "in cage no 05 2012")."""
    return " ".join(_NOT_WORD.sub(" ", normalize(text)).split())


def intents(text: str) -> set[str]:
    words = f" {plain(text)} "
    return {intent for intent, phrases in INTENT_WORDS.items() if any(f" {p} " in words for p in phrases)}


_NOT_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"(?<![\w-])(\d{3,9})(?![\w-])")


def bare_numbers(text: str) -> list[str]:
    """Standalone runs of digits ("andamento da 08336"), candidates for a protocol's sequence number."""
    return _DIGITS.findall(text or "")
