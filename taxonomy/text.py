"""Text folding for fuzzy matching: case, accents, punctuation, pt-BR stop words, plurals.

Everything here is a pure function of its input so the matcher can apply exactly the same
treatment to the taxonomy (once, at construction) and to each query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Words that carry no meaning for choosing an Anexo I entry. Besides the usual pt-BR function
# words this holds the chat filler servants wrap their requests in ("bom dia, preciso de ..."),
# so a sentence weighs only on its informative words. Compared before plural folding.
STOP_WORDS = frozenset(
    """
    a o as os um uma uns umas de da do das dos d em no na nos nas num numa ao aos pra pro pras pros
    para por pelo pela pelos pelas com sem sobre ate apos entre e ou que se nem mas porem
    eu me mim meu minha meus minhas nosso nossa nossos nossas voce voces vc vcs ele ela eles elas
    lhe isso isto esse essa esses essas este esta estes estas aquele aquela aquilo aqui ali la
    mais menos muito muita muitos muitas ja tambem so apenas ainda nao sim ok
    ser sou e sao foi era estar estou esta estao estava ter tenho tem tinha ha houve fazer faz fiz
    vai vou ir pode posso podem poderia poderiam gostaria gostariamos quero queria queremos
    preciso precisamos precisava necessito necessitamos favor gentileza obrigado obrigada
    bom boa dia dias tarde noite ola oi oie prezado prezada prezados caro cara tudo bem
    como qual quais quanto quanta quem onde quando porque pq por que algum alguma alguns algumas
    todo toda todos todas cada mesmo mesma coisa coisas ai entao tipo ta to
    atraves via sr sra senhor senhora alguem ajuda ajudar solicito solicitamos solicitar solicitando
    faco fazendo urgente
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+")


# The combining marks NFKD leaves after a letter (the accents of pt-BR are in the first block); one
# regular expression pass instead of a test per character keeps loading the data fast.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    """Lower case, no accents, every run of punctuation/space turned into one space."""
    return " ".join(_WORD.findall(strip_accents(text).lower()))


def singular(word: str) -> str:
    """Undo the regular pt-BR plural of an already folded word (liquidacoes -> liquidacao).

    Deliberately light: it only has to make a word and its plural meet, not produce a
    dictionary form. Irregular leftovers are caught by the matcher's typo tolerance.
    """
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith(_PLURAL_ENDINGS):  # one test for the many words that end in a plain "s"
        for plural, single in _PLURALS:
            if word.endswith(plural):
                return word[: len(word) - len(plural)] + single
    if word.endswith(("ss", "us", "is")):
        return word  # inss, onibus, lapis: not a regular plural in -s
    return word[:-1]


def index_term(word: str, keep: frozenset[str] = frozenset()) -> str:
    """The form a folded word is indexed and looked up under: singular, except for acronyms
    (``keep``: "ssps" is not "ssp"), whose plural only adds an "s" ("NFs", "RPVs")."""
    if word in keep:
        return word
    if word.endswith("s") and word[:-1] in keep:
        return word[:-1]
    return singular(word)


# Longest ending first; each maps the plural ending to the singular one.
_PLURALS = (
    ("coes", "cao"),
    ("oes", "ao"),
    ("aes", "ao"),
    ("veis", "vel"),
    ("beis", "bil"),
    ("eis", "el"),
    ("ais", "al"),
    ("ores", "or"),
    ("zes", "z"),
    ("ns", "m"),
)
_PLURAL_ENDINGS = tuple(plural for plural, _ in _PLURALS)


def words(text: str) -> list[str]:
    """Folded words of text, stop words included, single letters and numbers dropped."""
    return [w for w in fold(text).split() if len(w) > 1 and not w.isdigit()]


@dataclass(frozen=True)
class Vocabulary:
    """How servants write words, as the operator lists them in the data ([words] of anexo_i.toml):
    chat shorthand ("pgto"), English ("release"), misspellings, each -> the guide's word(s), or ""
    for a word that says nothing. ``capitals`` counts only when written in capitals ("NE", "NL":
    in lower case they are everyday words)."""

    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    capitals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    context: frozenset[str] = frozenset()  # words that place a request ("Banrisul"): weighed less


NO_VOCABULARY = Vocabulary()

# Short words servants type that are not a typo of an acronym one swap away ("tec" is
# "técnico", not TCE; "sis" is "sistema", not ISS).
SHORT_WORDS = frozenset("and ass ger tec sis adm doc obs ref tel cel reg org dir div uso sub".split())

# Words that tell the mood of a message (a question, a doubt) rather than its subject: they
# decide between Orientação and the other types but are no evidence against an entry.
MOOD_WORDS = frozenset(
    """
    como qual quais quando quanto quantos pode posso podemos devo deve devemos possivel permitido
    requisito requisitos necessario necessaria necessarios necessarias obrigatorio obrigatoria
    correto correta certo duvida duvidas orientacao orientacoes orientar procedimento
    procedimentos legal cabe cabivel saber
    """.split()
)

# The act of asking in a service's name ("Solicitação de numerário", "pedido de TN"): optional
# there, since every request asks ("solicitamos numerário", "transferência de numerário urgente").
REQUEST_WORDS = frozenset({"solicitacao", "pedido"})

# Of those, the ones that also join clauses or ask a favour ("cadastrar como ordenador", "a conta
# pode ser encerrada?"): a question of how or whether only when they open the sentence.
QUESTION_WORDS = frozenset("como qual quais quando quanto quantos pode saber".split())

_TOKEN = re.compile(r"[A-Za-z0-9]+")
# a word, a quote mark (not an apostrophe: "UO's"), or the end of a clause (punctuation, but not
# inside a number: "12.345.678/0001-90")
_QUOTES = "'\"\u201c\u201d\u2018\u2019"
_TOKEN_OR_END = re.compile(
    rf"([A-Za-z0-9]+|(?<![A-Za-z0-9])[{_QUOTES}]|[{_QUOTES}](?![A-Za-z0-9]))|(?<!\d)[.,:]|[.,:](?!\d)|[;!?\n]"
)
# A quoted text in a sentence is a message a system showed ("o FPE dá erro 'credor inativo'"): its
# words are the message's, not the request's, and the sentence reports a message.
_QUOTED_MEANS = "mensagem"
# The words that ask ("preciso", "solicito", "please"): the clause they open says the service
# asked for; other clauses tell its story ("o credor mudou de banco, precisamos ...").
REQUEST_MARKERS = frozenset(
    """
    preciso precisamos precisa precisam necessito necessitamos solicito solicitamos favor peco
    pedimos gostaria gostariamos quero queremos podem poderiam need needs please request want
    """.split()
)
# A clause that asks with this many informative words makes the others context.
_FOCUS_WORDS = 2
# "aditivo de convênio", "prestação de contas do convênio": the word after "de" names what the
# message is about (see `query_terms`).
_OF = frozenset("de do da dos das".split())
# ... unless it only places the thing: "custos do estado", "secretaria da fazenda do RS".
_PLACES = frozenset("estado estadual governo rs rio grande sul porto alegre mes ano semana".split())
# "o FPE dá erro ao incluir a retenção", "error when adding": after an error, "ao"/"quando" tell the
# operation that failed, words of the story (the type is Suporte Sistemas, whatever was being done).
_ERROR = "erro"
_WHEN = frozenset("ao quando durante".split())
# "lançamento contábil para corrigir a classificação da despesa": the request comes first, what it
# is for after.
_FOR = frozenset("para pra".split())


# "Pessoal, ..." / "valeu, pessoal!" greets the help desk: no subject.
_VOCATIVE = re.compile(
    r"^\W*(pessoal|galera|gente|equipe|colegas|amigos)\s*[,!:;.-]"
    r"|\b(valeu|obrigad[oa]s?|bom dia|boa tarde|boa noite|oi|ola)\W+(pessoal|galera|gente)\b",
    re.IGNORECASE,
)
# Stop words only when no informative word follows: "tudo bem?" but "baixa de bem imóvel".
_STOP_AT_THE_END = frozenset({"bem"})


def chat_words(text: str, vocabulary: Vocabulary = NO_VOCABULARY) -> list[str]:
    """Like `words`, with the vocabulary's words put in the guide's ("pgto" -> "pagamento",
    "NE" -> "empenho", "release" -> "liberar") and a greeting vocative ("pessoal, ...") left out."""
    out: list[str] = []
    for token in _TOKEN.findall(_VOCATIVE.sub(" ", strip_accents(text))):
        out.extend(_meant(token, token.lower(), vocabulary))
    return out


def _meant(token: str, word: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The guide's word(s) a typed token stands for (``word``: the token in lower case)."""
    if token.isupper() and word in vocabulary.capitals:
        return vocabulary.capitals[word]
    meant = vocabulary.words.get(word)
    if meant is None and len(word) > 3 and word.endswith("s"):
        meant = vocabulary.words.get(word[:-1])  # "notes" as "note" (English plurals)
    if meant is not None:
        return meant
    return () if len(word) < 2 or word.isdigit() else (word,)


def _marked_words(text: str, vocabulary: Vocabulary) -> tuple[list[str], list[int], set[int], set[int]]:
    """chat_words, the number of each one's clause, the clauses that ask ("preciso ...",
    "please ...") and the quoted ones."""
    out: list[str] = []
    clauses: list[int] = []
    asking: set[int] = set()
    quoted: set[int] = set()
    clause = 0
    quoting = False
    for token in _TOKEN_OR_END.findall(_VOCATIVE.sub(" ", strip_accents(text))):
        if not token:  # the end of a clause
            clause += 1
            continue
        if token in _QUOTES:  # a quote opens or closes a clause of its own
            clause += 1
            quoting = not quoting
            if quoting:
                quoted.add(clause)
            continue
        word = token.lower()
        if word in REQUEST_MARKERS:
            asking.add(clause)
        meant = _meant(token, word, vocabulary)
        out.extend(meant)
        clauses.extend([clause] * len(meant))
    if quoting:  # a quote never closed is no quotation
        quoted.discard(clause)
    return out, clauses, asking, quoted


def _is_stop(word: str, following: str | None) -> bool:
    if word in _STOP_AT_THE_END and following is not None:
        return _is_stop(following, None)
    return word in STOP_WORDS or any(ch.isdigit() for ch in word)


@dataclass(frozen=True)
class QueryTerm:
    term: str  # folded, singular unless an acronym
    mood: bool  # a word of MOOD_WORDS: how the servant asks, not what about
    of: int | None  # "aditivo de convênio": for "convenio", the index of "aditivo"
    purpose: bool = False  # after "para": "cadastrar credor para pagamento de diária" (what it is for)
    context: bool = False  # outside the clause that asks ("o credor mudou de banco, precisamos ..."), or a bank


def query_terms(
    text: str, keep: frozenset[str] = frozenset(), vocabulary: Vocabulary = NO_VOCABULARY
) -> list[QueryTerm]:
    """The informative words of text in order, without repeats, each with its role.

    Words in ``keep`` (acronyms such as "SSPS", next to "SSP") are not singular-folded.
    """
    found: list[QueryTerm] = []
    index: dict[str, int] = {}
    previous: int | None = None  # the informative word just before, if nothing came between
    head: int | None = None  # the informative word before a "de" that just came
    purpose = False
    words_, clauses, asking, quoted = _marked_words(text, vocabulary)
    stops = [_is_stop(word, words_[i + 1] if i + 1 < len(words_) else None) for i, word in enumerate(words_)]
    focused = bool(asking) and sum(
        1 for clause, stop in zip(clauses, stops) if clause in asking and not stop
    ) >= _FOCUS_WORDS
    erring = operation = -1  # the clause that reports an error; the one where its operation is told
    for i, word in enumerate(words_):
        if word == _ERROR:
            erring = clauses[i]
        elif word in _WHEN and erring == clauses[i]:
            operation = clauses[i]  # "dá erro ao incluir a retenção": what was being done, not asked
        if stops[i]:
            head = previous if word in _OF else None
            previous = None
            purpose = purpose or (word in _FOR and bool(found))
            continue
        term = index_term(word, keep)
        of = None if word in _PLACES or head == index.get(term) else head
        if term not in index:
            index[term] = len(found)
            context = (
                (focused and clauses[i] not in asking)
                or clauses[i] in quoted
                or operation == clauses[i]
                or word in vocabulary.context
            )
            found.append(QueryTerm(term, word in MOOD_WORDS, of, purpose, context))
        elif found[index[term]].of is None and of is not None:
            old = found[index[term]]
            found[index[term]] = QueryTerm(term, old.mood, of, old.purpose, old.context)
        previous, head = index[term], None
    if _QUOTED_MEANS not in index and any(clause in quoted for clause in clauses):
        found.append(QueryTerm(_QUOTED_MEANS, False, None))
    return found


def terms(text: str, keep: frozenset[str] = frozenset(), vocabulary: Vocabulary = NO_VOCABULARY) -> list[str]:
    """The informative, singular-folded words of text in order, without repeats."""
    return [t.term for t in query_terms(text, keep, vocabulary)]


def acronyms(text: str) -> set[str]:
    """Folded words written in capitals in text ("FPE", "SSPS", "UO's" -> "uo")."""
    return {fold(w) for w in re.findall(r"\w+", text) if len(w) > 1 and w.isupper() and not w.isdigit()}


# Derivational and verbal endings, longest first, so words of one family share a root:
# liberar / liberação / liberada -> "liber", estornar / estorno -> "estorn".
_ENDINGS = (
    ("amento", ""), ("imento", ""), ("mento", ""), ("acao", ""), ("icao", ""), ("ucao", "ut"),
    ("cao", ""), ("encia", ""), ("ancia", ""), ("idade", ""), ("ario", ""), ("aria", ""),
    ("avel", ""), ("ivel", ""), ("ado", ""), ("ada", ""), ("ido", ""), ("ida", ""), ("ando", ""),
    ("endo", ""), ("indo", ""), ("eio", "e"), ("eiem", "e"),
    # the requests' subjunctive keeps the sound of the stem: publique(m) ~ publicar, troque ~ troca
    ("quem", "c"), ("guem", "g"), ("que", "c"), ("gue", "g"),
    # "tem como liberarem ...?", "para cadastrarmos": the personal infinitive
    ("arem", ""), ("erem", ""), ("irem", ""), ("armos", ""), ("ermos", ""), ("irmos", ""),
    ("em", ""), ("am", ""), ("ar", ""), ("er", ""), ("ir", ""), ("al", ""),
    ("o", ""), ("a", ""), ("e", ""),
)
MIN_ROOT = 4


# Verbs whose noun the endings above do not reach ("reter" / "retenção", "pagar" / "pagamento").
_IRREGULAR_FAMILIES = {
    "reter": "retencao", "retido": "retencao", "retida": "retencao", "manter": "manutencao",
    "pagar": "pagamento", "pago": "pagamento", "paga": "pagamento", "logar": "login",
    "deslogar": "login", "repor": "reposicao", "dispor": "disposicao", "prover": "provisao",
    "pague": "pagamento", "paguem": "pagamento", "transfira": "transferencia", "transfiram": "transferencia",
    "crie": "criacao", "criem": "criacao", "abra": "abrir", "abram": "abrir",
}


def root(term: str) -> str:
    """The root of a singular folded word, or the word itself when nothing long enough remains."""
    term = _IRREGULAR_FAMILIES.get(term, term)
    for ending, replacement in _ENDINGS:
        if term.endswith(ending):
            stem = term[: len(term) - len(ending)] + replacement
            if len(stem) >= MIN_ROOT:
                return stem
    return term
