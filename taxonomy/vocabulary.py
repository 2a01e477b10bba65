"""The [words] and [words_in_capitals] tables of anexo_i.toml: how servants write a word (chat
shorthand, English, misspellings) and the guide's word(s) it stands for, checked as they load.

A word said for the guide's must be something the matcher knows: a word of some name or synonym
(or of its family, "liberar" for "Liberação"), a filler, a mood word, or "" (a word that says
nothing). A typed word that already is a word of the guide needs no entry: it would hide it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from taxonomy.text import MOOD_WORDS, STOP_WORDS, Vocabulary, fold, index_term, root

SECTIONS = ("words", "words_in_capitals")
_ONE_WORD = re.compile(r"[a-z0-9]+")


def guide_words(texts: Iterable[str]) -> frozenset[str]:
    """The folded words of names and synonyms, as the matcher indexes them (singular)."""
    return frozenset(index_term(word) for text in texts for word in fold(text).split() if word not in STOP_WORDS)


def build_vocabulary(raw: dict[str, Any], texts: Iterable[str], fail: Callable[[str, str], None]) -> Vocabulary:
    known = guide_words(texts)
    roots = frozenset(root(word) for word in known)
    tables = {}
    for section in SECTIONS:
        table = raw.get(section, {})
        if not isinstance(table, dict):
            fail(f"[{section}]", 'deve ser uma tabela: palavra = "palavra(s) do guia", uma por linha')
        tables[section] = {
            _typed_word(typed, section, known, fail): _meaning(typed, meant, section, known, roots, fail)
            for typed, meant in table.items()
        }
    return Vocabulary(words=tables["words"], capitals=tables["words_in_capitals"])


def _typed_word(typed: str, section: str, known: frozenset[str], fail: Callable[[str, str], None]) -> str:
    word = fold(typed)
    where = f"[{section}] {typed!r}"
    if not _ONE_WORD.fullmatch(word):
        fail(where, "o lado esquerdo deve ser uma só palavra (letras e dígitos, sem espaços)")
    if section == "words" and index_term(word) in known:
        fail(where, "já é uma palavra de um nome ou sinônimo do guia: não precisa estar aqui (e a esconderia)")
    return word


def _meaning(
    typed: str,
    meant: Any,
    section: str,
    known: frozenset[str],
    roots: frozenset[str],
    fail: Callable[[str, str], None],
) -> tuple[str, ...]:
    where = f"[{section}] {typed!r}"
    if not isinstance(meant, str):
        fail(where, 'o valor deve ser um texto entre aspas ("" para uma palavra que nada diz)')
    words = tuple(fold(meant).split())
    for word in words:
        if word in STOP_WORDS or word in MOOD_WORDS:
            continue
        if index_term(word) not in known and root(word) not in roots:
            fail(where, f"{word!r} não é palavra de nenhum nome ou sinônimo do guia (nem da mesma família)")
    return words
