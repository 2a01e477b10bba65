"""The [words] and [words_in_capitals] tables of anexo_i.toml: the guide's word(s) and how
servants write them (chat shorthand, English, misspellings), checked as they load; and [context],
the words that place a request rather than say it (banks), weighed less in a sentence.

A word said for the guide's must be something the matcher knows: a word of some name or synonym
(or of its family, "liberar" for "Liberação"), a filler, a mood word, or "" (a word that says
nothing). A typed word that already is a word of the guide needs no entry: it would hide it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from taxonomy.text import MOOD_WORDS, STOP_WORDS, Vocabulary, fold, index_term, root

SECTIONS = ("words", "words_in_capitals", "context")
_MAPS = SECTIONS[:2]  # the tables of typed word -> the guide's
_ONE_WORD = re.compile(r"[a-z0-9]+")


def guide_words(texts: Iterable[str]) -> frozenset[str]:
    """The folded words of names and synonyms, as the matcher indexes them (singular)."""
    # Folding works word by word, so each distinct written word is folded once, all in one call:
    # the loader's time stays that of reading the file.
    written = set(" ".join(texts).split())
    unique = set(fold(" ".join(written)).split()) - STOP_WORDS
    return frozenset(index_term(word) if word.endswith("s") else word for word in unique)  # only plurals fold


def build_vocabulary(raw: dict[str, Any], texts: Iterable[str], fail: Callable[[str, str], None]) -> Vocabulary:
    """Each table maps the guide's word(s) to the ways servants write them:
    ``"liquidação" = ["liq", "liquidation"]``; ``"" = ["the", "please"]`` for words that say nothing."""
    known = guide_words(texts)
    # only a meaning that is no word of the guide needs the roots (rarely: keep loading fast)
    roots = functools.cache(lambda: frozenset(root(word) for word in known))
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for section in _MAPS:
        table = raw.get(section, {})
        if not isinstance(table, dict):
            fail(f"[{section}]", '"palavra(s) do guia" = ["como se escreve", ...], uma linha por palavra do guia')
        tables[section] = typed_words = {}
        for meant, typed in table.items():
            where = f"[{section}] {meant!r}"
            words = _meaning(meant, where, known, roots, fail)
            if not isinstance(typed, list) or not all(isinstance(t, str) for t in typed):
                fail(where, 'o valor deve ser uma lista de palavras entre aspas: ["liq", "liquidation"]')
            for word in typed:
                folded = _typed_word(word, f"{where}: {word!r}", section, known, fail)
                if folded in typed_words:
                    fail(f"{where}: {word!r}", "a palavra já está listada em outra linha da seção")
                typed_words[folded] = words
    return Vocabulary(
        words=tables["words"], capitals=tables["words_in_capitals"], context=_context(raw.get("context", {}), fail)
    )


def _context(table: Any, fail: Callable[[str, str], None]) -> frozenset[str]:
    """``[context] words = ["Banrisul", ...]``: any word, a word of the guide too ("Banrisul" is
    in the name of one service, yet a request names the state's bank for every account)."""
    if not isinstance(table, dict) or set(table) - {"words"}:
        fail("[context]", 'deve conter apenas words = ["Banrisul", ...]')
    typed = table.get("words", [])
    if not isinstance(typed, list) or not all(isinstance(t, str) for t in typed):
        fail("[context] words", 'o valor deve ser uma lista de palavras entre aspas: ["Banrisul", "Sicredi"]')
    found: set[str] = set()
    for word in typed:
        folded = fold(word)
        if not _ONE_WORD.fullmatch(folded):
            fail(f"[context] words: {word!r}", "cada item deve ser uma só palavra (letras e dígitos, sem espaços)")
        if folded in found:
            fail(f"[context] words: {word!r}", "a palavra já está na lista")
        found.add(folded)
    return frozenset(found)


def _typed_word(typed: str, where: str, section: str, known: frozenset[str], fail: Callable[[str, str], None]) -> str:
    # most are plain ascii words, whose fold is their lower case
    word = typed.lower() if typed.isascii() and typed.isalnum() else fold(typed)
    if not _ONE_WORD.fullmatch(word):
        fail(where, "cada item deve ser uma só palavra (letras e dígitos, sem espaços)")
    if section == "words" and index_term(word) in known:
        fail(where, "já é uma palavra de um nome ou sinônimo do guia: não precisa estar aqui (e a esconderia)")
    return word


def _meaning(
    meant: str, where: str, known: frozenset[str], roots: Callable[[], frozenset[str]], fail: Callable[[str, str], None]
) -> tuple[str, ...]:
    words = tuple(fold(meant).split())
    for word in words:
        if word in STOP_WORDS or word in MOOD_WORDS:
            continue
        if index_term(word) not in known and root(word) not in roots():
            fail(where, f"{word!r} não é palavra de nenhum nome ou sinônimo do guia (nem da mesma família)")
    return words
