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


# Every word list below is understood whatever the person's language, so each word has its
# counterpart in the other language ("sair" and "quit", "certo" and "right", "nenhum" and "none").

# Words that work at any step (checked against the whole message).
GLOBAL_WORDS = {
    "cancelar": "cancel", "cancela": "cancel", "cancel": "cancel", "sair": "cancel", "quit": "cancel",
    "exit": "cancel",
    "voltar": "back", "volta": "back", "back": "back",
    "menu": "menu", "inicio": "menu", "start": "start",
    # Greetings restart only from the menu; in the middle of a question the step answers them (one
    # that takes the demand's own text says a greeting back: dialogs/drafting.py).
    "oi": "greeting", "ola": "greeting", "hi": "greeting", "hello": "greeting", "bom dia": "greeting",
    "boa tarde": "greeting", "boa noite": "greeting", "good morning": "greeting",
    "good afternoon": "greeting", "good evening": "greeting",
    "ajuda": "help", "help": "help", "socorro": "help",
}

YES_WORDS = {"sim", "s", "yes", "y", "ok", "confirmar", "confirmo", "confirm", "isso", "certo", "claro", "pode",
             "right", "sure", "yeah", "yep"}
NO_WORDS = {"nao", "n", "no", "negativo", "nope"}


# "No more of this, go on" at steps that collect something optional (attachments).
DONE_WORDS = {"pular", "pula", "pule", "concluir", "concluido", "pronto", "enviar", "seguir", "continuar",
              "avancar", "proximo", "sem anexo", "sem anexos", "nenhum",
              "done", "skip", "finish", "finished", "ready", "send", "continue", "proceed", "next",
              "no attachment", "no attachments", "no files", "none"}


# "Remove that held file": the verb, then maybe a filler, then its number or name ("remover o 2",
# "tirar anexo nota.pdf", "remove file 2").
REMOVE_WORDS = ("remover", "remova", "remove", "tirar", "tire", "retirar", "retire", "excluir", "exclua",
                "apagar", "apague", "delete")
_REMOVE = re.compile(r"^\s*(?:%s)\b\s*(?:(?:o|a|os|as|anexo|arquivo|numero|no|n|the|file|attachment|number)"
                     r"\s+)*(.*?)\s*$" % "|".join(REMOVE_WORDS))


def removal(text: str) -> str | None:
    """What a "remover …" message names, normalised (a number, a file name, "" for neither), or
    None when the message is not one."""
    match = _REMOVE.match(normalize(text))
    return match.group(1) if match is not None else None


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
               "como esta", "como anda", "como ficou", "novidade", "novidades", "state of", "progress",
               "any news", "any update", "where is", "what happened to"),
    # The words people use for their demands: chamado, pedido, solicitação, ticket, request...
    "open_list": ("demandas ativas", "demandas abertas", "minhas demandas", "ocorrencias ativas",
                  "meus chamados", "chamados abertos", "meus chamados abertos", "meus pedidos", "pedidos abertos",
                  "minhas solicitacoes", "solicitacoes abertas", "demandas pendentes", "chamados pendentes",
                  "pedidos pendentes", "minhas pendencias", "o que tenho aberto", "o que esta aberto",
                  "abertas", "abertos", "pendentes", "pendente", "em aberto",
                  "open demands", "my demands", "active demands", "my tickets", "open tickets", "my open tickets",
                  "my requests", "open requests", "pending requests", "pending tickets", "pending"),
    "all_list": ("todas as demandas", "todas demandas", "todas as ocorrencias", "todos os chamados",
                 "todos os meus chamados", "todos os pedidos", "todos os meus pedidos", "todas as solicitacoes",
                 "historico de demandas", "all demands", "all tickets", "all my tickets", "all requests",
                 "all my requests", "all my demands"),
    "new": ("nova demanda", "abrir demanda", "abrir uma demanda", "criar demanda", "abrir chamado",
            "abrir um chamado", "novo chamado", "novo pedido", "fazer um pedido", "nova solicitacao",
            "abrir uma solicitacao", "registrar uma demanda", "new demand", "open a demand", "new request",
            "new ticket", "open a ticket", "open a new ticket", "create a ticket", "raise a ticket"),
    "profile": ("meus dados", "meu perfil", "perfil", "cadastro", "my data", "my profile", "profile"),
    # (the words "ajuda", "help" alone are GLOBAL_WORDS, answered at every step)
    "help": ("como funciona", "como usar", "o que voce faz", "o que voce pode fazer", "what can you do",
             "how does this work", "how does it work"),
    # Thanks and goodbyes ("Obrigada, era isso."): a courtesy to return, never a request.
    "thanks": ("obrigado", "obrigada", "obrigadao", "muito obrigado", "muito obrigada", "valeu", "vlw", "grato",
               "grata", "agradeco", "brigado", "brigada", "era isso", "so isso", "e isso", "perfeito",
               "thanks", "thank you", "thx", "cheers", "that s all", "that is all", "great thanks"),
    "goodbye": ("tchau", "ate logo", "ate mais", "ate amanha", "falou", "bye", "goodbye", "see you",
                "see you later", "have a nice day"),
}


def plain(text: str) -> str:
    """Only the words: normalised, punctuation turned into spaces ("IN CAGE nº 05/2012" -> "in cage no 05 2012")."""
    return " ".join(_NOT_WORD.sub(" ", normalize(text)).split())


def intents(text: str) -> set[str]:
    words = f" {plain(text)} "
    return {intent for intent, phrases in INTENT_WORDS.items() if any(f" {p} " in words for p in phrases)}


# A whole sentence is read as a whole: a menu word inside it ("consultar o saldo", "meu cadastro
# no FPE") does not make it that menu item. These are the words that ask nothing by themselves:
# a sentence of only these, demand nouns and an intent's words is that intent ("quero ver meus
# dados", "qual a situação da minha demanda?"); any other word makes it a need.
FILLER_WORDS = frozenset("""
    eu quero queria gostaria desejo preciso precisava poderia pode podes consigo como fazer faco
    de do da dos das o a os as ao aos um uma uns umas meu minha meus minhas me mim seu sua seus suas
    por favor pf pfv ver vejo mostrar mostre mostra exibir listar lista saber qual quais e que em no
    na nos nas para pra com ja agora aqui essa esse esta este isso isto ela ele sobre atualizar
    alterar editar mudar corrigir ola oi bom dia tarde noite tenho ter tem ai algum alguma
    i want would like to see show me my the an please can could you what is are of for on in with
    check view list update change edit this that it about know let do have any all open bot voce you
""".split())
# Words that name one's demand: with a status or action word, a sentence asks about a demand
# whatever else it says ("qual o andamento do meu pedido de acesso?", "cancelar minha demanda do FPE").
DEMAND_NOUNS = frozenset("""
    demanda demandas pedido pedidos solicitacao solicitacoes chamado chamados ocorrencia ocorrencias
    protocolo protocolos demand demands request requests ticket tickets case cases
""".split())
# The intents that are about demands already open (not "new" nor "profile").
ABOUT_DEMANDS = frozenset({"timeline", "cancel", "reopen", "comment", "survey", "status", "open_list", "all_list"})


def sentence_intents(text: str) -> set[str]:
    """The intents of a whole sentence: those of `intents` when the sentence says nothing else,
    the ones about demands when it names a demand, none when it is a need ("preciso consultar o
    saldo de empenho no FPE"). Digits are left to the protocol search."""
    tokens = plain(text).split()
    covered = _asking(tokens)
    found = intents(text)
    names_a_demand = any(token in DEMAND_NOUNS for token in tokens)
    if all(covered):
        return found or ({"status"} if names_a_demand else set())  # "quero saber da minha demanda"
    return found & ABOUT_DEMANDS if names_a_demand else set()


def only_asks(text: str) -> bool:
    """Whether every word of `text` is one that asks (an intent's, a filler, a demand noun, digits)."""
    return all(_asking(plain(text).split()))


def _asking(tokens: list[str]) -> list[bool]:
    """For each token, whether it is a word that asks nothing by itself or part of an intent's words."""
    covered = [token.isdigit() or token in FILLER_WORDS or token in DEMAND_NOUNS for token in tokens]
    for phrases in INTENT_WORDS.values():
        for phrase in phrases:
            size = len(phrase.split())
            for start in range(len(tokens) - size + 1):
                if " ".join(tokens[start:start + size]) == phrase:
                    covered[start:start + size] = [True] * size
    return covered


_NOT_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"(?<![\w-])(\d{3,9})(?![\w-])")


def bare_numbers(text: str) -> list[str]:
    """Standalone runs of digits ("andamento da 08336"), candidates for a protocol's sequence number."""
    return _DIGITS.findall(text or "")


# The survey's ratings as people type them: the labels shown ("5 ★★★★★ Ótimo", "4 ★★★★ Very good"),
# their words alone ("ótimo", "muito bom"), stars ("★★★★"), or a number with its filler ("nota 4",
# "5 estrelas", "4/5"). Keep the words in step with the "rating.N" labels of the catalogue.
RATING_WORDS = {
    "ruim": 1, "pessimo": 1, "pessima": 1, "horrivel": 1, "poor": 1, "bad": 1, "terrible": 1, "awful": 1,
    "regular": 2, "fraco": 2, "fraca": 2, "razoavel": 2, "fair": 2,
    "bom": 3, "boa": 3, "good": 3,
    "muito bom": 4, "muito boa": 4, "very good": 4, "great": 4,
    "otimo": 5, "otima": 5, "excelente": 5, "excellent": 5, "perfeito": 5, "perfect": 5,
}
_STARS = re.compile(r"[★⭐✩☆✰]")
_FULL_STARS = re.compile(r"[★⭐]")
_RATING_FILLER = re.compile(
    r"\b(?:nota|notas|dou|minha|my|rating|rate|score|estrelas?|stars?|pontos?|points?)\b"
    r"|(?:\s*(?:/|\bde\b|\bof\b|\bout of\b)\s*5\s*$)"
)


def rating(text: str) -> int | None:
    """The rating 1..5 that `text` gives, or None when it is not (only) a rating.

    Every part that is there must agree: "5 ★★★★★ Ótimo" is 5, "4 ★★ bom" is nothing."""
    typed = normalize(text)
    votes: set[int] = set()
    if _STARS.search(typed):
        votes.add(len(_FULL_STARS.findall(typed)))
        typed = _STARS.sub(" ", typed)
    typed = _RATING_FILLER.sub(" ", typed)
    rest = " ".join(_NOT_WORD.sub(" ", typed).split())
    number, _, label = rest.partition(" ") if rest[:1].isdigit() else ("", "", rest)
    if number:
        votes.add(int(number) if number.isdigit() else 0)
    if label:
        votes.add(RATING_WORDS.get(label, 0))
    if len(votes) != 1:
        return None
    (value,) = votes
    return value if 1 <= value <= 5 else None


# Messages that are requests to the bot, not content for the question on screen: a command ("/fila"),
# or nothing but a menu phrase ("minhas demandas", "linha do tempo").
def looks_like_command(text: str) -> bool:
    stripped = (text or "").strip()
    if stripped.startswith("/"):
        return True
    typed = plain(stripped)
    return any(typed == phrase for intent, phrases in INTENT_WORDS.items() if intent != "help" for phrase in phrases)
