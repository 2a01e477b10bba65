"""How a query is scored against the entries of one scope (0-100).

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
  weighs less, and so does a word after "para", what the request is for ("cadastro de
  fornecedor para pagamento de diária"), and a word of a clause that does not ask when another
  one does ("o credor mudou de banco, precisamos atualizar ..."); in "aditivo de convênio" the
  word after "de" weighs more and the one before it less, when both are known and no entry is
  named by the two together (at one level; a whole sentence's proposal leaves the links out). The
  score is
  ``100 * cover**0.6 * (0.3 + 0.7 * explained)`` (times 0.98 for an alias, so the guide's own
  name wins a tie): a sentence that contains a whole name still scores high, while an entry
  that shares only one common word with the query does not.
* Ties are broken by guide order: types, categories, subjects, organs, each as the file lists them.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from taxonomy.text import REQUEST_WORDS, STOP_WORDS, index_term, strip_accents, words

if TYPE_CHECKING:
    from taxonomy.data import Entry

AMBIGUITY_MARGIN = 5.0
"""The top two candidates closer than this many points are too close to call."""

_COVER_EXPONENT = 0.6
# IDF to this power: the distinctive word of a name ("ordenador") outweighs its context ("cadastro", "fpe").
_IDF_POWER = 1.5
_EXPLAINED_FLOOR = 0.3
_UNKNOWN_SHARE = 0.2  # weight of a query word the scope does not know, relative to its rarest word
_OPTIONAL_SHARE = 0.25  # weight of an unmatched optional (parenthesised) group
_ITEM_FACTOR = 0.97  # a theme listed inside a category name scores a little under the whole name
_ALIAS_FACTOR = 0.98  # equal evidence: the name as the guide writes it wins over a synonym
# In a long message the words the taxonomy does not know are mostly context ("da equipe nova"):
# the unknown words weigh as if the message had at most this many of them.
_UNKNOWN_WORDS_COUNTED = 2.0
# "aditivo de convênio": when both words are known, the one after "de" is what the message is
# about (the convênio), the one before it what is to be done with it.
_COMPLEMENT_EMPHASIS = 1.3
_HEAD_EMPHASIS = 0.75


# --------------------------------------------------------------------------------------------
# Forms


@dataclass(frozen=True)
class Query:
    """A query's informative terms: what each may stand for, its emphasis, whether it is a mood word."""

    resolved: tuple[dict[str, float], ...]
    emphasis: tuple[float, ...]
    mood: tuple[bool, ...]
    links: tuple[tuple[int, int], ...]  # (head, complement) positions: "aditivo de convênio"


@dataclass(frozen=True)
class Group:
    terms: tuple[str, ...]
    optional: bool


_PIECE = re.compile(r"[a-z0-9]+|[/()]")


def name_groups(text: str, keep: frozenset[str]) -> tuple[Group, ...]:
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
    # "Solicitação de numerário": a request says that it asks by being one
    return tuple(
        Group(tuple(alts), optional or (len(groups) > 1 and len(alts) == 1 and alts[0] in REQUEST_WORDS))
        for alts, optional in groups
    )


_LIST_SEPARATOR = re.compile(r",|\s+e\s+")
_PHRASE_SEPARATOR = re.compile(r"\s+/\s+")


def form_texts(entry: Entry) -> list[tuple[str, float]]:
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
class Form:
    slot: int  # the entry's position in Matcher.entries
    factor: float
    groups: tuple[tuple[tuple[str, ...], float, bool], ...]  # (terms, weight, optional)
    whole_only: bool = False  # counts only when the query satisfies every required group


def idf_weights(slots: Sequence[int], forms_by_slot: dict, count: int) -> dict[str, float]:
    document_frequency: dict[str, int] = defaultdict(int)
    for slot in slots:
        for term in {t for groups, _ in forms_by_slot[slot] for g in groups for t in g.terms}:
            document_frequency[term] += 1
    return {t: math.log(1.0 + count / df) ** _IDF_POWER for t, df in document_frequency.items()}


class Scope:
    """The entries one kind of search may return, with IDF weights over just them."""

    def __init__(
        self,
        slots: Sequence[int],
        forms_by_slot: dict[int, list[tuple[tuple[Group, ...], float]]],
        borrowed: dict[int, list[tuple[tuple[Group, ...], float]]] | None = None,
    ):
        """``borrowed``: more forms of some entries (a category's services), which count only
        when the query names them whole. Their words weigh in a query as words the scope does
        not know, so that "processo" ~ "processamento" of one service is no evidence against the
        others."""
        borrowed = borrowed or {}
        count = max(1, len(slots))
        self.idf = idf_weights(slots, forms_by_slot, count)
        merged = {slot: [*forms_by_slot[slot], *borrowed.get(slot, ())] for slot in slots}
        form_idf = {**idf_weights(slots, merged, count), **self.idf} if borrowed else self.idf
        self.unknown_weight = _UNKNOWN_SHARE * math.log(1.0 + count) ** _IDF_POWER
        self.forms: list[Form] = []
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
                self.forms.append(Form(slot, factor, weighted, whole_only))
                for term in {t for g in groups for t in g.terms}:
                    postings[term].append(index)
        self.postings = {t: tuple(ids) for t, ids in postings.items()}

    def _named_together(self, first: dict[str, float], second: dict[str, float]) -> bool:
        forms = {i for term in first for i in self.postings.get(term, ())}
        return any(i in forms for term in second for i in self.postings.get(term, ()))

    def evaluate(self, query: Query, mood_counts: bool = False) -> Evaluation:
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
        evaluation = Evaluation(weights)
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


class Evaluation:
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
