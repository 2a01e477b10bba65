"""Fuzzy matching of free text against Anexo I: types, categories, subjects and organs.

How a score is made (0-100):

* Every entry is indexed under its *forms*: the name, each alias, the acronym and, for
  category names that list several themes ("Convênios, Parcerias e Instrumentos congêneres"),
  each listed theme. A form is a sequence of *groups* of folded, singular terms; words joined
  by "/" ("Erros/Dúvidas/Solicitações") or "ou" form one group and any of them satisfies it,
  words in parentheses are optional.
* A query becomes its informative terms (pt-BR stop words, chat filler and greetings dropped,
  chat shorthand expanded: "pgto", "liq", "NE"; see taxonomy.text). Each term is resolved
  against the whole vocabulary once: exact, same family (one root, "liberar" ~ "liberação",
  "aditivar" ~ "aditivo", or a long shared beginning, "orçamentária" ~ "orçamento") or a typo
  (1 edit, 2 from ten letters on; words of up to four letters only a swapped or wrong letter;
  three-letter acronyms one adjacent swap, "fep" ~ "FPE", when only one acronym is that close).
  A word found in no way may be two indexed words typed together ("cagegerencial").
* Each search level has its own *scope*: the entries it may return plus IDF weights computed over
  them (raised to the power 1.5), so a word that appears in many entries of that scope
  ("secretaria" among organs, "conciliação" among services) weighs little there. The type and
  category scopes also hold the forms of the entries under them ("sequestro judicial" finds
  Despesa Pública), which count only when the query names one whole.
* For an entry, ``cover`` is the weighted share of the groups of its best form that the query
  satisfies, and ``explained`` the weighted share of the query's terms that any of its forms, or
  an entry above it in the tree, accounts for ("erro" of a category next to "fpe" of the
  system). A query word weighs its IDF, except that: a word the scope does not know weighs a
  small constant, and in a long message all such words together weigh as two; a mood word
  ("dúvida", "requisitos") the scope does not know weighs nothing; a verb found through its noun
  weighs less; in "aditivo de convênio" the word after "de" weighs more and the one before it
  less, when both are known and no entry is named by the two together. The score is
  ``100 * cover**0.6 * (0.3 + 0.7 * explained)`` (times 0.98 for an alias, so the guide's own
  name wins a tie): a sentence that contains a whole name still scores high, while an entry
  that shares only one common word with the query does not.
* Ties are broken by guide order: types, categories, subjects, organs, each as the file lists them.

Everything that depends only on the taxonomy is computed in ``Matcher.__init__``; a query costs
a few dictionary look-ups, one rapidfuzz scan of the vocabulary per unseen word, and a walk over
the forms that share a term with it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from taxonomy.text import (
    MOOD_WORDS,
    SHORT_WORDS,
    STOP_WORDS,
    acronyms,
    index_term,
    query_terms,
    root,
    strip_accents,
    words,
)

if TYPE_CHECKING:  # data.py imports this module lazily; avoid the cycle at run time
    from taxonomy.data import Entry, Taxonomy

OTHER_SUBJECT_KEY = "outro"  # the special Serviços subject "Outro" (see anexo_i.toml)

LEVELS = ("type", "category", "subject", "organ", "any")

CUTOFF = 55.0
"""Candidates scoring below this are not returned: the matcher is not confident about them."""

AMBIGUITY_MARGIN = 5.0
"""The top two candidates closer than this many points are too close to call."""

NEAR_EXACT = 90.0
"""A service filed under another category than the one asked for is still returned at this score."""

PROPOSAL_CUTOFF = 50.0
"""A proposal scoring below this is not made: the sentence does not say enough."""

_TYPE_CUE_FACTOR = 0.9  # a reading whose type does not fit the sentence's mood (question or request)
_NO_SYSTEM_FACTOR = 0.85  # a Suporte Sistemas reading that names no system: "problema", "erro" alone are weak

_COVER_EXPONENT = 0.6
# IDF to this power: the distinctive word of a name ("ordenador") outweighs its context ("cadastro", "fpe").
_IDF_POWER = 1.5
_EXPLAINED_FLOOR = 0.3
_UNKNOWN_SHARE = 0.2  # weight of a query word the scope does not know, relative to its rarest word
_OPTIONAL_SHARE = 0.25  # weight of an unmatched optional (parenthesised) group
_ITEM_FACTOR = 0.97  # a theme listed inside a category name scores a little under the whole name
_ANCESTOR_SHARE = 0.95  # a word explained by the category above an entry, not by the entry itself
_ALIAS_FACTOR = 0.98  # equal evidence: the name as the guide writes it wins over a synonym
_STEM_SIMILARITY = 0.8  # same family of words: close, but a different word than the one indexed
_MIN_STEM_PREFIX = 5
_STEM_PREFIX_SHARE = 0.75
_SWAP_SIMILARITY = 0.85  # "fep" for "FPE": one adjacent swap in a three-letter acronym
_SWAP_LENGTH = 3  # longer words get their typo tolerance from the edit distance
_MIN_SPLIT = 6  # "cagegerencial": words run together are looked for from this length on
_VERB_SHARE = 0.6  # "aditivar" found through "aditivo": the action weighs less than its object
_VERB_ENDINGS = ("ar", "er", "ir")
# In a long message the words the taxonomy does not know are mostly context ("da equipe nova"):
# the unknown words weigh as if the message had at most this many of them.
_UNKNOWN_WORDS_COUNTED = 2.0
_CHILD_FACTOR = 0.9  # a category found through the name of one of its services
# "aditivo de convênio": when both words are known, the one after "de" is what the message is
# about (the convênio), the one before it what is to be done with it.
_COMPLEMENT_EMPHASIS = 1.3
_HEAD_EMPHASIS = 0.75


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


@dataclass(frozen=True)
class Proposal:
    type: Entry
    category: Entry | None
    subject: Entry | None
    score: float
    ambiguous: bool


# --------------------------------------------------------------------------------------------
# Forms


@dataclass(frozen=True)
class _Query:
    """A query's informative terms: what each may stand for, its emphasis, whether it is a mood word."""

    resolved: tuple[dict[str, float], ...]
    emphasis: tuple[float, ...]
    mood: tuple[bool, ...]
    links: tuple[tuple[int, int], ...]  # (head, complement) positions: "aditivo de convênio"


@dataclass(frozen=True)
class _Group:
    terms: tuple[str, ...]
    optional: bool


_PIECE = re.compile(r"[a-z0-9]+|[/()]")


def _groups(text: str, keep: frozenset[str]) -> tuple[_Group, ...]:
    """Parse a name into groups of alternative terms (see the module docstring).

    ``keep`` holds the acronyms, which are not singular-folded ("SSPS" is not "SSP").
    """
    groups: list[tuple[list[str], bool]] = []
    depth = 0
    join = False
    for piece in _PIECE.findall(strip_accents(text).lower()):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth = max(0, depth - 1)
        elif piece in ("/", "ou"):
            join = bool(groups)
        elif len(piece) > 1 and not piece.isdigit() and piece not in STOP_WORDS:
            term = index_term(piece, keep)
            if join:
                alternatives, optional = groups[-1]
                if term not in alternatives:
                    alternatives.append(term)
                groups[-1] = (alternatives, optional and depth > 0)
            else:
                groups.append(([term], depth > 0))
            join = False
    return tuple(_Group(tuple(alts), optional) for alts, optional in groups)


_LIST_SEPARATOR = re.compile(r",|\s+e\s+")
_PHRASE_SEPARATOR = re.compile(r"\s+/\s+")


def _form_texts(entry: Entry) -> list[tuple[str, float]]:
    """The texts an entry can be written as, each with its score factor."""
    texts = [(entry.name, 1.0)]
    # "Encerramento do Exercício / Lançamentos Contábeis ..." names two things at once.
    parts = _PHRASE_SEPARATOR.split(entry.name)
    if len(parts) > 1:
        texts += [(part, 1.0) for part in parts]
    if entry.level == "category":
        items = _LIST_SEPARATOR.split(entry.name)
        if len(items) > 1:
            texts += [(item, _ITEM_FACTOR) for item in items]
    texts += [(alias, _ALIAS_FACTOR) for alias in entry.aliases]
    if entry.acronym:
        texts.append((entry.acronym, _ALIAS_FACTOR))
    # One form per distinct text (the loader may already list the acronym among the aliases).
    unique: dict[str, tuple[str, float]] = {}
    for text, factor in texts:
        key = " ".join(words(text))
        if key not in unique or factor > unique[key][1]:
            unique[key] = (text, factor)
    return list(unique.values())


# --------------------------------------------------------------------------------------------
# Scopes


@dataclass(frozen=True)
class _Form:
    slot: int  # the entry's position in Matcher.entries
    factor: float
    groups: tuple[tuple[tuple[str, ...], float, bool], ...]  # (terms, weight, optional)
    whole_only: bool = False  # counts only when the query satisfies every required group


def _idf(slots: Sequence[int], forms_by_slot: dict, count: int) -> dict[str, float]:
    document_frequency: dict[str, int] = defaultdict(int)
    for slot in slots:
        for term in {t for groups, _ in forms_by_slot[slot] for g in groups for t in g.terms}:
            document_frequency[term] += 1
    return {t: math.log(1.0 + count / df) ** _IDF_POWER for t, df in document_frequency.items()}


class _Scope:
    """The entries one kind of search may return, with IDF weights over just them."""

    def __init__(
        self,
        slots: Sequence[int],
        forms_by_slot: dict[int, list[tuple[tuple[_Group, ...], float]]],
        borrowed: dict[int, list[tuple[tuple[_Group, ...], float]]] | None = None,
    ):
        """``borrowed``: more forms of some entries (a category's services), which count only
        when the query names them whole. Their words weigh in a query as words the scope does
        not know, so that "processo" ~ "processamento" of one service is no evidence against the
        others."""
        borrowed = borrowed or {}
        count = max(1, len(slots))
        self.idf = _idf(slots, forms_by_slot, count)
        merged = {slot: [*forms_by_slot[slot], *borrowed.get(slot, ())] for slot in slots}
        form_idf = {**_idf(slots, merged, count), **self.idf} if borrowed else self.idf
        self.unknown_weight = _UNKNOWN_SHARE * math.log(1.0 + count) ** _IDF_POWER
        self.forms: list[_Form] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for slot in slots:
            own = [(groups, factor, False) for groups, factor in forms_by_slot[slot]]
            for groups, factor, whole_only in own + [(g, f, True) for g, f in borrowed.get(slot, ())]:
                if not groups:
                    continue
                weighted = tuple(
                    (g.terms, max(form_idf[t] for t in g.terms), g.optional) for g in groups
                )
                index = len(self.forms)
                self.forms.append(_Form(slot, factor, weighted, whole_only))
                for term in {t for g in groups for t in g.terms}:
                    postings[term].append(index)
        self.postings = {t: tuple(ids) for t, ids in postings.items()}

    def _named_together(self, first: dict[str, float], second: dict[str, float]) -> bool:
        forms = {i for term in first for i in self.postings.get(term, ())}
        return any(i in forms for term in second for i in self.postings.get(term, ()))

    def evaluate(self, query: _Query, mood_counts: bool = False) -> _Evaluation:
        """Score every entry of the scope that shares a term with the query.

        ``query.resolved`` holds, for each query term, the vocabulary terms it may stand for
        with their similarity (see Matcher._resolve_term). A mood word the scope does not know
        weighs nothing, unless ``mood_counts``: then it weighs as any unknown word.
        """
        local = [{t: s for t, s in sims.items() if t in self.idf} for sims in query.resolved]
        moods = query.mood if not mood_counts else (False,) * len(local)
        emphases = list(query.emphasis)
        for head, complement in query.links:
            # Only a word written as we index it: "do processo" ~ "processamento" is context;
            # and not a phrase some entry is named by ("classificação de receita").
            if (
                local[head]
                and max(local[complement].values(), default=0.0) == 1.0
                and not self._named_together(local[head], local[complement])
            ):
                emphases[head] *= _HEAD_EMPHASIS
                emphases[complement] *= _COMPLEMENT_EMPHASIS
        unknown_count = sum(1 for sims, mood in zip(local, moods) if not sims and not mood)
        unknown_weight = self.unknown_weight * min(1.0, _UNKNOWN_WORDS_COUNTED / max(1, unknown_count))
        weights = tuple(
            emphasis * self.idf[max(sims, key=lambda t: (sims[t], self.idf[t]))]
            if sims
            else 0.0 if mood else emphasis * unknown_weight
            for sims, emphasis, mood in zip(local, emphases, moods)
        )
        evaluation = _Evaluation(weights)
        # vocabulary term -> [(query term index, similarity)], so a form only looks at its hits
        hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, sims in enumerate(query.resolved):
            for term, similarity in sims.items():
                if term in self.postings:
                    hits[term].append((i, similarity))
        form_ids = sorted({i for term in hits for i in self.postings[term]})
        for form_id in form_ids:
            form = self.forms[form_id]
            explained = [0.0] * len(local)
            covered = total = 0.0
            missing = False
            for group_terms, weight, optional in form.groups:
                best = 0.0
                for term in group_terms:
                    for i, similarity in hits.get(term, ()):
                        if similarity > best:
                            best = similarity
                        if similarity > explained[i]:
                            explained[i] = similarity
                if optional and not best:
                    total += weight * _OPTIONAL_SHARE
                else:
                    total += weight
                    covered += weight * best
                    missing = missing or not best
            if missing and form.whole_only:
                continue
            evaluation.add(form.slot, form.factor * (covered / total) ** _COVER_EXPONENT, explained)
        return evaluation


class _Evaluation:
    """The entries a query touches in one scope: slot -> (score, cover part, explained terms)."""

    def __init__(self, weights: tuple[float, ...]):
        self.weights = weights
        self.total_weight = sum(weights)
        self.entries: dict[int, tuple[float, float, list[float]]] = {}

    def score(self, cover: float, explained: Sequence[float]) -> float:
        """0-100 from the cover part of a form and how much of the query it explains."""
        if not self.total_weight:
            return 0.0
        share = sum(w * e for w, e in zip(self.weights, explained)) / self.total_weight
        return 100.0 * cover * (_EXPLAINED_FLOOR + (1.0 - _EXPLAINED_FLOOR) * share)

    def add(self, slot: int, cover: float, explained: list[float]) -> None:
        """Fold one form into its entry: the best cover of any form, the words any form explains."""
        previous = self.entries.get(slot)
        if previous is not None:
            cover = max(cover, previous[1])
            explained = [max(a, b) for a, b in zip(explained, previous[2])]
        self.entries[slot] = (self.score(cover, explained), cover, explained)

    def scores(self) -> dict[int, float]:
        return {slot: value for slot, (value, _, _) in self.entries.items()}


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

        form_texts = {slot: _form_texts(entry) for slot, entry in enumerate(self.entries)}
        self._keep = frozenset(
            word for texts in form_texts.values() for text, _ in texts for word in acronyms(text)
        )
        forms_by_slot = {
            slot: [(_groups(text, self._keep), factor) for text, factor in texts]
            for slot, texts in form_texts.items()
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

        def scope(items: Iterable[Entry], borrowed=None) -> _Scope:
            return _Scope(slots(items), forms_by_slot, borrowed)

        # A search also knows what lies under each entry: a servant who types "sequestro
        # judicial" means the category of that service, "problema no fpe" the type of that
        # category and system.
        def borrow(into: dict, owner: tuple[str, str], child: Entry) -> None:
            child_forms = forms_by_slot[self._slot[(child.level, child.key)]]
            into[self._slot[owner]] += [(groups, _CHILD_FACTOR * factor) for groups, factor in child_forms]

        category_forms: dict[int, list[tuple[tuple[_Group, ...], float]]] = defaultdict(list)
        type_forms: dict[int, list[tuple[tuple[_Group, ...], float]]] = defaultdict(list)
        for subject in subjects:
            if subject.category is not None and taxonomy.subject_mode(subject.type) == "service":
                borrow(category_forms, ("category", subject.category), subject)
            if subject.key != OTHER_SUBJECT_KEY:
                borrow(type_forms, ("type", subject.type), subject)
        for category in categories:
            borrow(type_forms, ("type", category.type), category)

        self._scopes: dict[tuple[str, str | None], _Scope] = {
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
        self._plans = self._proposal_plans(types)
        # A Serviços category with a single service (besides "Outro") names that service too.
        self._sole_service: dict[int, int] = {}
        for plan in self._plans:
            if plan.mode == "service":
                for category in plan.categories:
                    own = [s for s, homes in plan.homes.items() if homes == (category,)]
                    if len(own) == 1:
                        self._sole_service[category] = own[0]
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

    def _query(self, text: str) -> _Query:
        resolved: list[dict[str, float]] = []
        emphasis: list[float] = []
        mood: list[bool] = []
        first: list[int] = []  # position in resolved of the first / last part of each query term
        last: list[int] = []
        parsed = query_terms(text, self._keep)
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
                emphasis.append(_VERB_SHARE if verb else 1.0)  # a verb standing for a noun of ours
                mood.append(word.mood)
            last.append(len(resolved) - 1)
        links = tuple((last[word.of], first[i]) for i, word in enumerate(parsed) if word.of is not None)
        return _Query(tuple(resolved), tuple(emphasis), tuple(mood), links)

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
        scored = self._scored(self._scopes[(level, scope_type)].evaluate(parsed), parsed.resolved)

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
        return self._result(scored, limit)

    def _scored(self, evaluation: _Evaluation, resolved: Sequence[dict[str, float]]) -> dict[int, float]:
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

    def propose(self, text: str) -> Proposal | None:
        """Guess type, category and subject together from a free sentence.

        Every reading of the sentence is a (type, category, subject) path of the tree; its score is
        the cover of its most specific entry combined with the share of the sentence that the
        entries of the path explain together ("erro" -> the category, "fpe" -> the system). A
        question ("como...", "quais os requisitos...", "?") favours Orientação over Serviços, a
        request the other way round, since the same category names exist under both; the mood
        words themselves count as explained by an Orientação reading only. A Serviços category
        with a single service proposes that service too.
        """
        query = self._query(text)
        # "contrato de serviço", "nota fiscal de serviço": a type's word that describes another
        # word says nothing about the type of the demand.
        described = {
            c for _, c in query.links if query.resolved[c] and query.resolved[c].keys() <= self._type_terms
        }
        if described:
            emphasis = tuple(0.0 if i in described else e for i, e in enumerate(query.emphasis))
            query = _Query(query.resolved, emphasis, query.mood, query.links)
        # The Orientação reading explains the mood words, the other readings have them against.
        evaluation = self._scopes[("propose", None)].evaluate(query, mood_counts=True)
        if not evaluation.entries:
            return None
        asks = _is_question(text)
        # "dúvida", "requisitos", "como devo": what an Orientação is, so that reading explains them
        mood = [1.0 if is_mood else 0.0 for is_mood in query.mood]
        readings: dict[tuple[int, int, int], float] = {}
        for plan in self._plans:
            # The mood tells Orientação from Serviços; a system fails or is asked about alike.
            factor = 1.0 if plan.mode == "system" or asks == (plan.mode == "free") else _TYPE_CUE_FACTOR
            for main, path in plan.readings(evaluation.entries):
                value = factor * _joint_score(evaluation, main, path, mood if plan.mode == "free" else None)
                if plan.mode == "system" and path[2] < 0:
                    value *= _NO_SYSTEM_FACTOR
                if value > readings.get(path, 0.0):
                    readings[path] = value
        # Equal scores: the reading that fills more levels, then guide order.
        ranked = sorted(
            ((value, path) for path, value in readings.items() if value >= PROPOSAL_CUTOFF),
            key=lambda item: (-item[0], item[1].count(-1), item[1]),
        )
        if not ranked:
            return None
        value, path = ranked[0]
        ambiguous = any(
            value - other_value < AMBIGUITY_MARGIN and _conflict(path, other)
            for other_value, other in ranked[1:]
        )
        if path[1] >= 0 and path[2] < 0 and path[1] in self._sole_service:
            path = (path[0], path[1], self._sole_service[path[1]])
        type_entry, category, subject = (self.entries[slot] if slot >= 0 else None for slot in path)
        return Proposal(type_entry, category, subject, round(value, 1), ambiguous)

    def _proposal_plans(self, types: Sequence[Entry]) -> list[_Plan]:
        slot = self._slot
        plans = []
        for t in types:
            mode = self.taxonomy.subject_mode(t.key)
            own_categories = [slot[("category", c.key)] for c in self.taxonomy.categories(t.key)]
            # subject -> the categories it may be filed under
            homes: dict[int, tuple[int, ...]] = {}
            for s in self.taxonomy.subjects(t.key):
                if s.key == OTHER_SUBJECT_KEY:
                    continue  # "Outro" says nothing about what the servant wants
                if mode == "service":
                    homes[slot[("subject", s.key)]] = (slot[("category", s.category)],)
                else:
                    homes[slot[("subject", s.key)]] = tuple(
                        slot[("category", c.key)]
                        for c in self.taxonomy.categories(t.key)
                        if s in self.taxonomy.subjects(t.key, c.key)
                    )
            plans.append(_Plan(slot[("type", t.key)], mode, tuple(own_categories), homes))
        return plans

    def _result(self, scored: dict[int, float], limit: int) -> MatchResult:
        ranked = sorted(
            ((value, slot) for slot, value in scored.items() if value >= CUTOFF),
            key=lambda item: (-item[0], item[1]),
        )
        ambiguous = len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AMBIGUITY_MARGIN
        candidates = tuple(Match(self.entries[slot], round(value, 1)) for value, slot in ranked[:limit])
        return MatchResult(candidates, ambiguous)


# --------------------------------------------------------------------------------------------
# Proposals


def _is_question(text: str) -> bool:
    return "?" in text or any(word in MOOD_WORDS for word in words(text))


@dataclass(frozen=True)
class _Plan:
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
    evaluation: _Evaluation, main: int, path: tuple[int, int, int], also: Sequence[float] | None = None
) -> float:
    """Score of a reading: the cover of its main entry, the query share its whole path explains
    (together with the terms ``also`` explains)."""
    _, cover, explained = evaluation.entries[main]
    combined = list(explained) if also is None else [max(a, b) for a, b in zip(explained, also)]
    for slot in path:
        if slot != main and slot in evaluation.entries:
            combined = [max(a, b) for a, b in zip(combined, evaluation.entries[slot][2])]
    return evaluation.score(cover, combined)


def _conflict(path: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    """Whether two readings disagree, rather than one just leaving open a level the other fills."""
    return any(a != b and a >= 0 and b >= 0 for a, b in zip(path, other))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
