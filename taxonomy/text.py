"""Text folding for fuzzy matching: case, accents, punctuation, pt-BR stop words, plurals.

Everything here is a pure function of its input so the matcher can apply exactly the same
treatment to the taxonomy (once, at construction) and to each query.
"""

from __future__ import annotations

import re
import unicodedata

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


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
    for plural, single in _PLURALS:
        if word.endswith(plural):
            return word[: len(word) - len(plural)] + single
    if word.endswith(("ss", "us", "is")):
        return word  # inss, onibus, lapis: not a regular plural in -s
    return word[:-1]


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


def words(text: str) -> list[str]:
    """Folded words of text, stop words included, single letters and numbers dropped."""
    return [w for w in fold(text).split() if len(w) > 1 and not w.isdigit()]


def terms(text: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """The informative, singular-folded words of text in order, without repeats.

    Words in ``keep`` (acronyms such as "SSPS", next to "SSP") are not singular-folded.
    """
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOP_WORDS or any(ch.isdigit() for ch in word):
            continue
        seen.setdefault(word if word in keep else singular(word), None)
    return list(seen)


def acronyms(text: str) -> set[str]:
    """Folded words written in capitals in text ("FPE", "SSPS", "UO's" -> "uo")."""
    return {fold(w) for w in re.findall(r"\w+", text) if len(w) > 1 and w.isupper() and not w.isdigit()}


# Derivational and verbal endings, longest first, so words of one family share a root:
# liberar / liberação / liberada -> "liber", estornar / estorno -> "estorn".
_ENDINGS = (
    ("amento", ""), ("imento", ""), ("mento", ""), ("acao", ""), ("icao", ""), ("ucao", "ut"),
    ("cao", ""), ("encia", ""), ("ancia", ""), ("idade", ""), ("ario", ""), ("aria", ""),
    ("avel", ""), ("ivel", ""), ("ado", ""), ("ada", ""), ("ido", ""), ("ida", ""), ("ando", ""),
    ("endo", ""), ("indo", ""), ("eio", "e"), ("ar", ""), ("er", ""), ("ir", ""), ("al", ""),
    ("o", ""), ("a", ""), ("e", ""),
)
MIN_ROOT = 4


def root(term: str) -> str:
    """The root of a singular folded word, or the word itself when nothing long enough remains."""
    for ending, replacement in _ENDINGS:
        if term.endswith(ending):
            stem = term[: len(term) - len(ending)] + replacement
            if len(stem) >= MIN_ROOT:
                return stem
    return term
