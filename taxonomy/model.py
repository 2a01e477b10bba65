"""Anexo I as data: the model (`Entry`, `Taxonomy`); taxonomy.loader reads and checks the file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from taxonomy.text import NO_VOCABULARY, Vocabulary, strip_accents

if TYPE_CHECKING:  # the matcher imports this module; importing it here at runtime would be a cycle
    from .matching import Matcher, MatchResult, Proposal

LEVELS = ("type", "category", "subject", "organ")
SUBJECT_MODES = ("service", "free", "system")
OTHER_SUBJECT_KEY = "outro"


@dataclass(frozen=True)
class Entry:
    """One item of Anexo I: a type, a category, a subject (service or system) or an organ."""

    level: str
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None
    category: str | None = None
    acronym: str | None = None
    description: str | None = None
    name_en: str | None = None  # the label shown to English users (types and categories)
    fallback: bool = False  # the category of its type for a sentence that names only a system

    def label(self, english: bool = False) -> str:
        """The name in the reader's language: the English label when there is one."""
        return self.name_en if english and self.name_en else self.name


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to compare names and aliases."""
    return " ".join(strip_accents(text).casefold().split())


def fold_all(texts: list[str]) -> list[str]:
    """`fold` of each text, with the accents of all of them stripped in one pass (the loader folds
    every name and synonym of the file)."""
    parts = strip_accents("\0".join(texts)).casefold().split("\0")
    if len(parts) != len(texts):  # a text holding a NUL itself: fold them one by one
        return [fold(text) for text in texts]
    return [" ".join(part.split()) for part in parts]


class Taxonomy:
    """The loaded Anexo I. Build it with `load()` or `default_taxonomy()`."""

    def __init__(
        self,
        types: tuple[Entry, ...],
        categories: tuple[Entry, ...],
        subjects: tuple[Entry, ...],
        organs: tuple[Entry, ...],
        subject_modes: dict[str, str],
        category_systems: dict[str, tuple[str, ...]],
        proa_phrases: tuple[str, ...],
        vocabulary: Vocabulary = NO_VOCABULARY,
    ) -> None:
        self.vocabulary = vocabulary
        self.types = types
        self.organs = organs
        self.proa_phrases = proa_phrases
        self._categories = categories
        self._subjects = subjects
        self._subject_modes = dict(subject_modes)
        self._category_systems = dict(category_systems)
        self._by_level = {
            "type": {e.key: e for e in types},
            "category": {e.key: e for e in categories},
            "subject": {e.key: e for e in subjects},
            "organ": {e.key: e for e in organs},
        }
        self._matcher: Matcher | None = None

    def __repr__(self) -> str:
        counts = ", ".join(f"{level}={len(self._by_level[level])}" for level in LEVELS)
        return f"<Taxonomy {counts}>"

    # -- lookups ---------------------------------------------------------------------------------

    def _lookup(self, level: str, key: str) -> Entry:
        try:
            return self._by_level[level][key]
        except KeyError:
            raise KeyError(f"unknown {level} key: {key!r}") from None

    def type_entry(self, key: str) -> Entry:
        return self._lookup("type", key)

    def category(self, key: str) -> Entry:
        return self._lookup("category", key)

    def subject(self, key: str) -> Entry:
        return self._lookup("subject", key)

    def organ(self, key: str) -> Entry:
        return self._lookup("organ", key)

    def entries(self, level: str | None = None) -> Iterator[Entry]:
        """Every entry of `level` in file order; every entry of every level when `level` is None."""
        levels = LEVELS if level is None else (level,)
        for name in levels:
            if name not in self._by_level:
                raise ValueError(f"unknown level: {name!r} (expected one of {', '.join(LEVELS)})")
            yield from self._by_level[name].values()

    # -- the tree ----------------------------------------------------------------------------------

    def subject_mode(self, type_key: str) -> str:
        self.type_entry(type_key)
        return self._subject_modes[type_key]

    def categories(self, type_key: str) -> tuple[Entry, ...]:
        self.type_entry(type_key)
        return tuple(c for c in self._categories if c.type == type_key)

    def subjects(self, type_key: str, category_key: str | None = None) -> tuple[Entry, ...]:
        """The subjects offered for a type, narrowed to one of its categories when given.

        Serviços: the Quadro 1 services filed under the category, then "Outro" (offered everywhere).
        Orientação: none, its subject is free text. Suporte Sistemas: the systems the category allows.
        """
        mode = self.subject_mode(type_key)
        if category_key is not None:
            category = self.category(category_key)
            if category.type != type_key:
                raise KeyError(f"category {category_key!r} does not belong to type {type_key!r}")
        mine = [s for s in self._subjects if s.type == type_key]
        if category_key is None:
            return tuple(mine)
        if mode == "service":
            return tuple(s for s in mine if s.category in (category_key, None))
        allowed = self._category_systems.get(category_key)
        if allowed is None:
            return tuple(mine)
        return tuple(s for s in mine if s.key in allowed)

    def describe_subject(self, type_key: str, subject_key: str | None, detail: str | None) -> str:
        """The subject as shown to people: "Liberar liquidação", "Outro: texto",
        "FPE – Execução de Despesa > Retenção", or the free text of an Orientação."""
        mode = self.subject_mode(type_key)
        detail = " ".join((detail or "").split())
        if mode == "free":
            return detail
        if subject_key is None:
            raise ValueError(f"type {type_key!r} needs a subject key")
        subject = self.subject(subject_key)
        if subject.type != type_key:
            raise KeyError(f"subject {subject_key!r} does not belong to type {type_key!r}")
        if not detail:
            return subject.name
        if subject.key == OTHER_SUBJECT_KEY:
            return f"{subject.name}: {detail}"
        return f"{subject.name} – {detail}"

    # -- matching (implemented in taxonomy.matching) ---------------------------------------------

    def _get_matcher(self) -> Matcher:
        if self._matcher is None:
            from .matching import Matcher  # lazy: matching imports this module

            self._matcher = Matcher(self)
        return self._matcher

    def match(
        self,
        query: str,
        level: str = "any",
        type_key: str | None = None,
        category_key: str | None = None,
        limit: int = 3,
    ) -> MatchResult:
        return self._get_matcher().match(
            query, level=level, type_key=type_key, category_key=category_key, limit=limit
        )

    def propose(self, text: str) -> Proposal | None:
        return self._get_matcher().propose(text)
