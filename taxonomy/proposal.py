"""A whole sentence read as a demand: type, category and subject together (`propose`).

Every reading of the sentence is a (type, category, subject) path of the tree; its score is the
cover of its most specific entry combined with the share of the sentence that the entries of the
path explain together ("erro" -> the category, "fpe" -> the system).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from taxonomy.scoring import AMBIGUITY_MARGIN, Evaluation, Query
from taxonomy.text import MOOD_WORDS, QUESTION_WORDS, STOP_WORDS, Vocabulary, chat_words, fold

if TYPE_CHECKING:
    from taxonomy.data import Entry, Taxonomy
    from taxonomy.matching import Matcher

OTHER_SUBJECT_KEY = "outro"  # the special Serviços subject "Outro" (see anexo_i.toml)

PROPOSAL_CUTOFF = 50.0
"""A proposal scoring below this is not made: the sentence does not say enough."""

_TYPE_CUE_FACTOR = 0.9  # a reading whose type does not fit the sentence's mood (question or request)
_ASKS, _ASKS_HOW = 1, 2  # how a sentence asks (see _is_question)
WHOLE_NAME_CUTOFF = 35.0
"""... unless the sentence holds the whole name of its main entry: then the rest is context
("cadastro de recursos para o novo programa federal")."""
_WHOLE_COVER = 0.95
_PATH_SHARE = 0.9  # a word explained by another entry of the reading's path, not by its main entry
MAX_READINGS = 3  # a close call shows the top three
CLOSE_CALL_SPREAD = 15.0  # ... those within this many points of the best
FILL_FLOOR = 35.0  # a service under the cutoff, clearly ahead of its siblings, fills its category's reading
_NAMED_COVER = 0.85  # ... when the sentence names it nearly whole, or explains more than the category
_NO_SYSTEM_FACTOR = 0.85  # a Suporte Sistemas reading that names no system: "problema", "erro" alone are weak


@dataclass(frozen=True)
class Proposal:
    type: Entry
    category: Entry | None
    subject: Entry | None
    score: float
    ambiguous: bool  # a close call: `alternatives` holds the other readings worth showing
    alternatives: tuple[Proposal, ...] = ()  # the next best readings that disagree, best first (at most two)

    def close_call(self) -> tuple[Proposal, ...]:
        """The readings a close call offers: this one and the alternatives about as good; () when
        this one is clearly ahead."""
        if not self.ambiguous:
            return ()
        return (self, *(p for p in self.alternatives if self.score - p.score < CLOSE_CALL_SPREAD))


def propose(matcher: Matcher, text: str) -> Proposal | None:
    """Guess type, category and subject together from a free sentence.

    Every reading of the sentence is a (type, category, subject) path of the tree; its score is
    the cover of its most specific entry combined with the share of the sentence that the
    entries of the path explain together ("erro" -> the category, "fpe" -> the system). A
    question ("como...", "quais os requisitos...", "?") favours Orientação over Serviços, a
    request the other way round, since the same category names exist under both; the mood
    words themselves count as explained by an Orientação reading only. A level left open is
    filled where only one entry can be meant (`_filled`).
    """
    query = matcher._query(text)
    # "contrato de serviço", "nota fiscal de serviço": a type's word that describes another
    # word says nothing about the type of the demand.
    described = {
        c for _, c in query.links if query.resolved[c] and query.resolved[c].keys() <= matcher._type_terms
    }
    emphasis = tuple(0.0 if i in described else e for i, e in enumerate(query.emphasis))
    # In a whole sentence the word after "de" is as often the story ("a liquidação da obra",
    # "consulta de pagamentos do empenho") as what the request is about ("aditivo de convênio"):
    # neither word of the pair is weighed up or down (the links are left out).
    query = Query(query.resolved, emphasis, query.mood, ())
    # The Orientação reading explains the mood words, the other readings have them against.
    evaluation = matcher._scopes[("propose", None)].evaluate(query, mood_counts=True)
    if not evaluation.entries:
        return None
    asks = _is_question(text, matcher.taxonomy.vocabulary)
    # "dúvida", "requisitos", "como devo": what an Orientação is, so that reading explains them
    mood = [1.0 if is_mood else 0.0 for is_mood in query.mood]
    readings: dict[tuple[int, int, int], float] = {}
    for plan in matcher._plans:
        # The mood tells Orientação from Serviços; a system fails or is asked about alike.
        factor = 1.0 if plan.mode == "system" or bool(asks) == (plan.mode == "free") else _TYPE_CUE_FACTOR
        if asks == _ASKS_HOW and plan.mode == "service":
            factor *= _TYPE_CUE_FACTOR  # "qual o lançamento correto...?", "dúvida sobre...": a question of how
        for main, path in plan.readings(evaluation.entries):
            value = factor * _joint_score(evaluation, main, path, mood if plan.mode == "free" else None)
            if plan.mode == "system" and path[2] < 0:
                value *= _NO_SYSTEM_FACTOR
            whole = evaluation.entries[main][1] >= _WHOLE_COVER
            if value >= (WHOLE_NAME_CUTOFF if whole else PROPOSAL_CUTOFF) and value > readings.get(path, 0.0):
                readings[path] = value
    # Equal scores: the reading that fills more levels, then guide order.
    ranked = sorted(
        ((value, path) for path, value in readings.items()),
        key=lambda item: (-item[0], item[1].count(-1), item[1]),
    )
    if not ranked:
        return None
    offered: list[tuple[float, tuple[int, int, int]]] = []
    for value, path in ranked:
        path = _filled(matcher, path, evaluation)
        if all(_conflict(path, other) for _, other in offered):
            offered.append((value, path))
        if len(offered) == MAX_READINGS:
            break
    (value, path), others = offered[0], offered[1:]
    ambiguous = any(value - other_value < AMBIGUITY_MARGIN for other_value, _ in others)
    alternatives = tuple(_proposal(matcher, other, other_value, False) for other_value, other in others)
    return _proposal(matcher, path, value, ambiguous, alternatives)


def _proposal(
    matcher: Matcher, path: tuple[int, int, int], value: float, ambiguous: bool, alternatives: tuple = ()
) -> Proposal:
    type_entry, category, subject = (matcher.entries[slot] if slot >= 0 else None for slot in path)
    return Proposal(type_entry, category, subject, round(value, 1), ambiguous, alternatives)


def _filled(
    matcher: Matcher, path: tuple[int, int, int], evaluation: Evaluation
) -> tuple[int, int, int]:
    """A level the sentence leaves open, filled where only one entry can be meant: the single
    service of a Serviços category, or the one of its services clearly ahead of the others though
    under the cutoff (the context around it weighs: "a liquidação da nota 1234 da empresa de
    limpeza não foi liberada"); the type's fallback category for a system named alone ("o SICHE
    não gera o relatório": Erros/Dúvidas/Solicitações)."""
    type_slot, category, subject = path
    if category >= 0 and subject < 0:
        if category in matcher._sole_service:
            return type_slot, category, matcher._sole_service[category]
        # by their own evidence: the category's words explain them all alike
        under = sorted(
            (evaluation.entries[slot][0], slot)
            for slot in matcher._subjects_of.get(category, ())
            if slot in evaluation.entries
        )[::-1]
        if (
            under
            and under[0][0] >= FILL_FLOOR
            and (len(under) == 1 or under[0][0] - under[1][0] >= AMBIGUITY_MARGIN)
            and _says_more(evaluation, under[0][1], category)
        ):
            return type_slot, category, under[0][1]
    if category < 0 and subject >= 0:
        fallback = matcher._fallback_category.get(type_slot)
        if fallback is not None and fallback in matcher._homes.get(subject, ()):
            return type_slot, fallback, subject
    return path


def build_plans(taxonomy: Taxonomy, slot: dict[tuple[str, str], int]) -> list[Plan]:
    """One Plan per type: its categories and where each of its subjects may be filed."""
    plans = []
    for t in taxonomy.types:
        mode = taxonomy.subject_mode(t.key)
        own_categories = [slot[("category", c.key)] for c in taxonomy.categories(t.key)]
        # subject -> the categories it may be filed under
        homes: dict[int, tuple[int, ...]] = {}
        for s in taxonomy.subjects(t.key):
            if s.key == OTHER_SUBJECT_KEY:
                continue  # "Outro" says nothing about what the servant wants
            if mode == "service":
                homes[slot[("subject", s.key)]] = (slot[("category", s.category)],)
            else:
                homes[slot[("subject", s.key)]] = tuple(
                    slot[("category", c.key)]
                    for c in taxonomy.categories(t.key)
                    if s in taxonomy.subjects(t.key, c.key)
                )
        plans.append(Plan(slot[("type", t.key)], mode, tuple(own_categories), homes))
    return plans


def _is_question(text: str, vocabulary: Vocabulary) -> int:
    """_ASKS_HOW for a question of how or whether ("posso", "dúvida", "correto", or "como", "qual"
    opening the sentence: "cadastrar como ordenador" asks nothing), _ASKS for a question mark
    alone ("o credor pode ser estrangeiro?"), 0 for neither, or when each question mark closes a
    favour asked ("podem liberar?", "poderiam verificar?": a request said politely)."""
    opening = True  # no informative word yet ("bom dia, como faço ...": "como" opens it)
    previous = None
    for word in chat_words(text, vocabulary):
        polite = word == "como" and previous in _POLITE  # "tem como liberarem ...?" asks a favour
        if word in MOOD_WORDS and (opening or word not in QUESTION_WORDS) and not polite:
            return _ASKS_HOW
        opening = opening and word in STOP_WORDS
        previous = word
    return _ASKS if "?" in text and not _asks_favours(text) else 0


_QUESTION_CLAUSE = re.compile(r"[^.,;:!?]*\?")


def _asks_favours(text: str) -> bool:
    """Whether every question mark closes a clause that asks a favour ("poderiam verificar?")."""
    return all(_FAVOURS.intersection(fold(clause).split()) for clause in _QUESTION_CLAUSE.findall(text))


# The words of a favour asked ("precisa" is none: "o que precisa pra cadastrar credor?" asks what
# is needed), and those before "como" that ask one ("tem como liberarem?").
_FAVOURS = frozenset("podem poderiam consegue conseguem conseguiriam favor please".split())
_POLITE = frozenset("tem teria ha haveria".split())


@dataclass(frozen=True)
class Plan:
    """How the sentence may be read under one type."""

    type_slot: int
    mode: str
    categories: tuple[int, ...]
    homes: dict[int, tuple[int, ...]]  # subject slot -> slots of the categories it belongs to

    def readings(self, found: dict[int, tuple[float, float, list[float]]]):
        """(main slot, path) for every reading the matched entries support.

        A path is (type, category, subject) slots, -1 where the reading leaves a level open.
        """
        if self.type_slot in found:
            yield self.type_slot, (self.type_slot, -1, -1)
        for category in self.categories:
            if category in found:
                yield category, (self.type_slot, category, -1)
        for subject, homes in self.homes.items():
            if subject not in found:
                continue
            if self.mode == "service":
                yield subject, (self.type_slot, homes[0], subject)
                continue
            # A system: take the category the sentence points at, or leave it open.
            matched = [c for c in homes if c in found]
            yield subject, (self.type_slot, -1, subject)
            for category in matched:
                yield subject, (self.type_slot, category, subject)


def _joint_score(
    evaluation: Evaluation, main: int, path: tuple[int, int, int], also: Sequence[float] | None = None
) -> float:
    """Score of a reading: the cover of its main entry, the query share its whole path explains
    (together with the terms ``also`` explains)."""
    _, cover, explained = evaluation.entries[main]
    combined = list(explained) if also is None else [max(a, b) for a, b in zip(explained, also)]
    for slot in path:
        if slot != main and slot in evaluation.entries:
            # a word the main entry explains itself counts a little more than one its category does
            combined = [max(a, _PATH_SHARE * b) for a, b in zip(combined, evaluation.entries[slot][2])]
    return evaluation.score(cover, combined)


def _says_more(evaluation: Evaluation, subject: int, category: int) -> bool:
    """Whether a service says more than its category: the sentence names it (nearly) whole, or it
    explains a word the category does not ("contrato" names Contratos, not its "Desbloquear
    contrato para liquidação")."""
    _, cover, explained = evaluation.entries[subject]
    if cover >= _NAMED_COVER or category not in evaluation.entries:
        return True
    return any(s > c for s, c in zip(explained, evaluation.entries[category][2]))


def _conflict(path: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    """Whether two readings disagree, rather than one just leaving open a level the other fills."""
    return any(a != b and a >= 0 and b >= 0 for a, b in zip(path, other))
