"""Fuzzy matching of free text against Anexo I: types, categories, subjects and organs.

A query becomes its informative terms (taxonomy.text), each resolved against the vocabulary of
the names and aliases (exact, same family, typo, two words typed together); each level searches
its own scope of entries (taxonomy.scoring says how a score is made); a sentence is read as a
whole by taxonomy.proposal.

Everything that depends only on the taxonomy is computed in ``Matcher.__init__``; a query costs
a few dictionary look-ups, one rapidfuzz scan of the vocabulary per unseen word, and a walk over
the forms that share a term with it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from taxonomy.proposal import Proposal, build_plans, propose
from taxonomy.scoring import AMBIGUITY_MARGIN, Evaluation, Group, Query, Scope, form_texts, name_groups
from taxonomy.text import REQUEST_WORDS, SHORT_WORDS, STOP_WORDS, acronyms, query_terms, root

if TYPE_CHECKING:  # data.py imports this module lazily; avoid the cycle at run time
    from taxonomy.data import Entry, Taxonomy

OTHER_SUBJECT_KEY = "outro"  # the special Serviços subject "Outro" (see anexo_i.toml)

LEVELS = ("type", "category", "subject", "organ", "any")

CUTOFF = 55.0
"""Candidates scoring below this are not returned: the matcher is not confident about them."""

NEAR_EXACT = 90.0
"""A service filed under another category than the one asked for is still returned at this score."""

CLOSE_CALL_FLOOR = 25.0
"""An entry that holds every word typed is offered in a close call from this score on."""

_WHOLE_COVER = 0.85  # the query names the entry whole (every group of a form, maybe with a typo)
_ANCESTOR_SHARE = 0.95  # a word explained by the category above an entry, not by the entry itself
_STEM_SIMILARITY = 0.8  # same family of words: close, but a different word than the one indexed
_MIN_STEM_PREFIX = 5
_STEM_PREFIX_SHARE = 0.75
_SWAP_SIMILARITY = 0.85  # "fep" for "FPE": one adjacent swap in a three-letter acronym
_SWAP_LENGTH = 3  # longer words get their typo tolerance from the edit distance
_MIN_SPLIT = 6  # "cagegerencial": words run together are looked for from this length on
_VERB_SHARE = 0.6  # "aditivar" found through "aditivo": the action weighs less than its object
_VERB_ENDINGS = ("ar", "er", "ir")
_PURPOSE_SHARE = 0.6  # a word of what the request is for ("... para pagamento de diária")
_CONTEXT_SHARE = 0.5  # a word of the story around the request ("o credor mudou de banco, precisamos ...")
_CHILD_FACTOR = 0.9  # a category found through the name of one of its services


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class MatchResult:
    candidates: tuple[Match, ...]
    ambiguous: bool

    @property
    def best(self) -> Match | None:
        """The top candidate when it is confident and clearly ahead of the second."""
        if self.candidates and not self.ambiguous:
            return self.candidates[0]
        return None


# --------------------------------------------------------------------------------------------
# Matcher


class Matcher:
    """Fuzzy search over one Taxonomy. Build once (it precomputes every index), query often."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        types = tuple(taxonomy.types)
        categories = tuple(c for t in types for c in taxonomy.categories(t.key))
        subjects = tuple(s for t in types for s in taxonomy.subjects(t.key))
        organs = tuple(taxonomy.organs)
        # Guide order: it is also the tie-break between equal scores.
        self.entries: tuple[Entry, ...] = types + categories + subjects + organs
        self._slot = {(e.level, e.key): i for i, e in enumerate(self.entries)}

        texts_of = {slot: form_texts(entry) for slot, entry in enumerate(self.entries)}
        self._keep = frozenset(
            word for texts in texts_of.values() for text, _ in texts for word in acronyms(text)
        )
        forms_by_slot = {
            slot: [(name_groups(text, self._keep), factor) for text, factor in texts]
            for slot, texts in texts_of.items()
        }
        vocabulary = {t for forms in forms_by_slot.values() for groups, _ in forms for g in groups for t in g.terms}
        self._vocabulary = tuple(sorted(vocabulary))
        self._vocabulary_set = frozenset(vocabulary)
        # "fep" -> ["fpe"]: the three-letter acronyms one adjacent swap away from each typo
        self._swaps: dict[str, list[str]] = defaultdict(list)
        for term in self._vocabulary:
            if len(term) == _SWAP_LENGTH and term in self._keep:
                for i in range(len(term) - 1):
                    swapped = term[:i] + term[i + 1] + term[i] + term[i + 2 :]
                    if swapped not in vocabulary and swapped not in SHORT_WORDS | STOP_WORDS:
                        self._swaps[swapped].append(term)
        self._by_prefix: dict[str, list[str]] = defaultdict(list)
        self._by_root: dict[str, list[str]] = defaultdict(list)
        for term in self._vocabulary:
            if len(term) > _MIN_STEM_PREFIX:
                self._by_prefix[term[:_MIN_STEM_PREFIX]].append(term)
            self._by_root[root(term)].append(term)

        def slots(items: Iterable[Entry]) -> list[int]:
            return [self._slot[(e.level, e.key)] for e in items]

        def scope(items: Iterable[Entry], borrowed=None) -> Scope:
            return Scope(slots(items), forms_by_slot, borrowed)

        # A search also knows what lies under each entry: a servant who types "sequestro
        # judicial" means the category of that service, "problema no fpe" the type of that
        # category and system.
        def borrow(into: dict, owner: tuple[str, str], child: Entry) -> None:
            child_forms = forms_by_slot[self._slot[(child.level, child.key)]]
            into[self._slot[owner]] += [(groups, _CHILD_FACTOR * factor) for groups, factor in child_forms]

        category_forms: dict[int, list[tuple[tuple[Group, ...], float]]] = defaultdict(list)
        type_forms: dict[int, list[tuple[tuple[Group, ...], float]]] = defaultdict(list)
        for subject in subjects:
            if subject.category is not None and taxonomy.subject_mode(subject.type) == "service":
                borrow(category_forms, ("category", subject.category), subject)
            if subject.key != OTHER_SUBJECT_KEY:
                borrow(type_forms, ("type", subject.type), subject)
        for category in categories:
            borrow(type_forms, ("type", category.type), category)

        self._scopes: dict[tuple[str, str | None], Scope] = {
            ("type", None): scope(types, type_forms),
            ("category", None): scope(categories, category_forms),
            ("subject", None): scope(subjects),
            ("organ", None): scope(organs),
            ("any", None): scope(self.entries),
        }
        # Subjects allowed under each (type, category); see match() for how they restrict.
        self._allowed: dict[tuple[str, str], frozenset[int]] = {}
        for t in types:
            self._scopes[("category", t.key)] = scope(taxonomy.categories(t.key), category_forms)
            self._scopes[("subject", t.key)] = scope(taxonomy.subjects(t.key))
            for c in taxonomy.categories(t.key):
                self._allowed[(t.key, c.key)] = frozenset(slots(taxonomy.subjects(t.key, c.key)))
        self._scopes[("propose", None)] = scope(types + categories + subjects)
        self._plans = build_plans(taxonomy, self._slot)
        # A Serviços category with a single service (besides "Outro") names that service too.
        self._sole_service: dict[int, int] = {}
        for plan in self._plans:
            if plan.mode == "service":
                for category in plan.categories:
                    own = [s for s, homes in plan.homes.items() if homes == (category,)]
                    if len(own) == 1:
                        self._sole_service[category] = own[0]
        # The category a reading takes when the sentence names the subject alone (data: fallback).
        self._fallback_category = {
            self._slot[("type", c.type)]: self._slot[("category", c.key)] for c in categories if c.fallback
        }
        self._homes = {subject: homes for plan in self._plans for subject, homes in plan.homes.items()}
        self._subjects_of: dict[int, list[int]] = defaultdict(list)  # category slot -> its subjects' slots
        for subject, homes in self._homes.items():
            for category in homes:
                self._subjects_of[category].append(subject)
        # A sentence may name an entry together with words of the entries above it in the tree
        # ("erro" of the category with "fpe" of the system): those words do not count against it.
        self._terms_of = {
            slot: frozenset(t for groups, _ in forms for g in groups for t in g.terms)
            for slot, forms in forms_by_slot.items()
        }
        self._type_terms = frozenset(t for e in types for t in self._terms_of[self._slot[("type", e.key)]])
        self._ancestors: dict[int, tuple[int, ...]] = {}
        for plan in self._plans:
            for category in plan.categories:
                self._ancestors[category] = (plan.type_slot,)
            for subject, homes in plan.homes.items():
                self._ancestors[subject] = (plan.type_slot, *homes)
        self._resolve = lru_cache(maxsize=16384)(self._resolve_term)
        self._split = lru_cache(maxsize=4096)(self._split_term)

    # -- query terms -------------------------------------------------------------------------

    def _resolve_term(self, term: str) -> dict[str, float]:
        """The vocabulary terms a query term may stand for, with their similarity (0-1).

        Cached per word (self._resolve), so callers must not modify the dict.
        """
        found: dict[str, float] = {}
        if term in self._vocabulary_set:
            found[term] = 1.0
        else:
            swapped = self._swaps.get(term, ())
            if len(swapped) == 1:  # two acronyms one swap away: the typo says nothing
                found[swapped[0]] = _SWAP_SIMILARITY
            max_edits = 0 if len(term) <= 3 else 1 if len(term) < 10 else 2
            if max_edits:
                for candidate, _, _ in process.extract(
                    term, self._vocabulary, scorer=OSA.distance, score_cutoff=max_edits, limit=None
                ):
                    if len(candidate) <= 4 and (len(term) != len(candidate) or candidate[0] != term[0]):
                        continue  # short words: only a swapped or mistyped letter, never a missing one
                    found[candidate] = OSA.normalized_similarity(term, candidate)
        # Same family: one root ("liberar" ~ "liberação") or a long common beginning
        # ("orçamentária" ~ "orçamento", which no short list of endings folds together).
        family = set(self._by_root.get(root(term), ()))
        if len(term) > _MIN_STEM_PREFIX:
            family.update(
                candidate
                for candidate in self._by_prefix.get(term[:_MIN_STEM_PREFIX], ())
                if _common_prefix(term, candidate) >= _STEM_PREFIX_SHARE * max(len(term), len(candidate))
            )
        for candidate in family:
            if candidate != term:
                found[candidate] = max(found.get(candidate, 0.0), _STEM_SIMILARITY)
        return found

    def _split_term(self, term: str) -> tuple[str, ...]:
        """Two indexed words typed without the space between them ("cagegerencial"), or (term,)."""
        if len(term) >= _MIN_SPLIT and term not in self._vocabulary_set:
            for i in range(2, len(term) - 1):
                if term[:i] in self._vocabulary_set and term[i:] in self._vocabulary_set:
                    return term[:i], term[i:]
        return (term,)

    def _query(self, text: str) -> Query:
        resolved: list[dict[str, float]] = []
        emphasis: list[float] = []
        mood: list[bool] = []
        first: list[int] = []  # position in resolved of the first / last part of each query term
        last: list[int] = []
        parsed = query_terms(text, self._keep, self.taxonomy.vocabulary)
        for word in parsed:
            parts = (word.term,) if self._resolve(word.term) else self._split(word.term)
            first.append(len(resolved))
            for term in parts:
                sims = self._resolve(term)
                verb = (
                    term.endswith(_VERB_ENDINGS)
                    and term not in self._vocabulary_set
                    and root(term) in self._by_root  # "aditivar" -> "aditivo", not a typo
                )
                resolved.append(sims)
                # a verb standing for a noun of ours; a word of what the request is for; "pedido",
                # "solicitação": every request asks, the word says nothing of what about
                emphasis.append(
                    (0.0 if term in REQUEST_WORDS else _VERB_SHARE if verb else 1.0)
                    * (_PURPOSE_SHARE if word.purpose else 1.0)
                    * (_CONTEXT_SHARE if word.context else 1.0)
                )
                mood.append(word.mood)
            last.append(len(resolved) - 1)
        links = tuple((last[word.of], first[i]) for i, word in enumerate(parsed) if word.of is not None)
        return Query(tuple(resolved), tuple(emphasis), tuple(mood), links)

    # -- public API --------------------------------------------------------------------------

    def match(
        self,
        query: str,
        level: str = "any",
        type_key: str | None = None,
        category_key: str | None = None,
        limit: int = 3,
    ) -> MatchResult:
        """Scored candidates for query at one level, best first.

        ``type_key`` restricts categories and subjects to one type (at the other levels it is
        only checked); a ``category_key`` alone implies its type. For subjects of a
        "service" type, ``category_key`` keeps the services filed under that category, but a
        service of another category of the same type that scores at least NEAR_EXACT is kept
        too: a servant who types a service's exact name under the "wrong" category still means
        that service. For "system" types the category restricts strictly (Manutenção Painel
        only offers CAGE Gerencial), and "free" types have no subjects to match.
        """
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if type_key is None and category_key is not None:
            type_key = self.taxonomy.category(category_key).type
        if type_key is not None:
            self.taxonomy.type_entry(type_key)  # KeyError for an unknown type
        scope_type = type_key if level in ("category", "subject") else None
        parsed = self._query(query)
        evaluation = self._scopes[(level, scope_type)].evaluate(parsed)
        scored = self._scored(evaluation, parsed.resolved)

        if level == "subject" and type_key is not None and category_key is not None:
            allowed = self._allowed.get((type_key, category_key))
            if allowed is None:  # unknown category, or one of another type
                self.taxonomy.subjects(type_key, category_key)  # raises the KeyError that says which
                allowed = frozenset()
            lenient = self.taxonomy.subject_mode(type_key) == "service"
            scored = {
                slot: value
                for slot, value in scored.items()
                if slot in allowed or (lenient and value >= NEAR_EXACT)
            }
        return self._result(scored, limit, evaluation)

    def _scored(self, evaluation: Evaluation, resolved: Sequence[dict[str, float]]) -> dict[int, float]:
        """Final score of each entry: its own, or better with the words its ancestors explain."""
        ancestor_explains: dict[int, list[float]] = {}
        scored = {}
        for slot, (value, cover, explained) in evaluation.entries.items():
            ancestors = self._ancestors.get(slot, ())
            if ancestors and 100.0 * cover >= CUTOFF and min(explained) < 1.0:
                combined = list(explained)
                for ancestor in ancestors:
                    if ancestor not in ancestor_explains:
                        terms_of = self._terms_of[ancestor]
                        ancestor_explains[ancestor] = [
                            _ANCESTOR_SHARE * max((s for t, s in sims.items() if t in terms_of), default=0.0)
                            for sims in resolved
                        ]
                    combined = [max(a, b) for a, b in zip(combined, ancestor_explains[ancestor])]
                value = max(value, evaluation.score(cover, combined))
            scored[slot] = value
        return scored

    def _result(self, scored: dict[int, float], limit: int, evaluation: Evaluation) -> MatchResult:
        ranked = sorted(((value, slot) for slot, value in scored.items()), key=lambda item: (-item[0], item[1]))
        confident = [(value, slot) for value, slot in ranked if value >= CUTOFF]
        ambiguous = len(confident) > 1 and confident[0][0] - confident[1][0] < AMBIGUITY_MARGIN
        # Just under the cutoff but as close to the best: as good a candidate ("atendimento").
        near = [item for item in ranked[len(confident):] if confident and confident[0][0] - item[0] < AMBIGUITY_MARGIN]
        if near:
            confident, ambiguous = confident + near, True
        containing = self._containing(ranked, evaluation)
        if len(containing) > 1 and (not confident or evaluation.entries[confident[0][1]][1] < _WHOLE_COVER):
            # Several entries hold every word typed and none is named whole: a close call
            # ("fpe", "cadastro" among the Serviços categories), whatever their scores.
            confident, ambiguous = containing, True
        candidates = tuple(Match(self.entries[slot], round(value, 1)) for value, slot in confident[:limit])
        return MatchResult(candidates, ambiguous)

    @staticmethod
    def _containing(ranked: list[tuple[float, int]], evaluation: Evaluation) -> list[tuple[float, int]]:
        """The entries (best first) whose own forms explain every word of the query."""
        return [
            (value, slot)
            for value, slot in ranked
            if value >= CLOSE_CALL_FLOOR
            and slot in evaluation.entries
            and min(evaluation.entries[slot][2], default=0.0) > _STEM_SIMILARITY  # typed, not a family word
        ]

    def propose(self, text: str) -> Proposal | None:
        return propose(self, text)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
