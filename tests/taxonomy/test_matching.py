"""The fuzzy matcher over Anexo I: accuracy on noisy queries, cutoff, ambiguity, determinism, propose()."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from taxonomy_support import assert_accurate, table_cases

from taxonomy import Match, MatchResult, Proposal, default_taxonomy, load
from taxonomy.matching import AMBIGUITY_MARGIN, CUTOFF, NEAR_EXACT, Matcher
from taxonomy.text import fold, singular, terms

QUERIES = Path(__file__).with_name("queries.toml")


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


def load_cases() -> list[tuple[str, str, str | None, str, str, str]]:
    """(table, query, type key, searched level, expected level, expected name or "") per case."""
    cases = []
    for table_name, table in tomllib.loads(QUERIES.read_text(encoding="utf-8")).items():
        for query, level, expected in table_cases(table):
            cases.append((table_name, query, table.get("type"), table["level"], level, expected))
    return cases


def is_expected(match: Match, level: str, expected: str) -> bool:
    return match.entry.level == level and fold(match.entry.name) == fold(expected)


def test_noisy_queries_top1_accuracy(tax):
    cases = load_cases()
    misses = []
    for table_name, query, type_key, search_level, level, expected in cases:
        result = tax.match(query, level=search_level, type_key=type_key)
        top = result.candidates[0] if result.candidates else None
        if expected:
            ok = top is not None and is_expected(top, level, expected)
        else:
            ok = top is None
        if not ok:
            got = [(m.entry.name, m.score) for m in result.candidates]
            misses.append(f"[{table_name}] {query!r}: expected {expected or 'nothing'!r}, got {got}")
    assert_accurate(misses, len(cases), "noisy queries")


def test_query_set_covers_every_level_and_nonsense():
    cases = load_cases()
    assert len(cases) >= 120
    levels = {level for _, _, _, _, level, expected in cases if expected}
    assert levels == {"type", "category", "subject", "organ"}
    searched = {(search_level, type_key) for _, _, type_key, search_level, _, _ in cases}
    assert {("subject", "servicos"), ("subject", "sistemas"), ("organ", None), ("any", None)} <= searched
    assert sum(1 for case in cases if not case[-1]) >= 15


# -- examples of the issue --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "level", "type_key", "key"),
    [
        ("conciliaçao patrimonial", "subject", "servicos", "conciliacao-patrimonial"),
        ("estorno de pagamento", "subject", "servicos", "controle-estorno-pagamento"),
        ("erro ao salvar nota de empenho no fpe", "subject", "sistemas", "fpe"),
        ("secretaria da educaçao", "organ", None, "seduc"),
        ("sefaz", "organ", None, "sefaz"),
        ("brigada", "organ", None, "brigada-militar"),
        ("liquidações travadas", "subject", "servicos", "liberar-liquidacao"),
    ],
)
def test_examples_are_confident_and_clear(tax, query, level, type_key, key):
    best = tax.match(query, level=level, type_key=type_key).best
    assert best is not None and best.entry.key == key


@pytest.mark.parametrize(
    "query", ["asdfgh", "bom dia", "qual a previsão do tempo", "😀👍", "", "   ", "!!!", "12345"]
)
@pytest.mark.parametrize("level", ["type", "category", "subject", "organ", "any"])
def test_nonsense_has_no_confident_candidate(tax, query, level):
    result = tax.match(query, level=level)
    assert result.candidates == () and result.best is None and not result.ambiguous


# -- the result's shape ----------------------------------------------------------------------------


def test_candidates_are_scored_best_first_and_only_a_close_call_goes_under_the_cutoff(tax):
    result = tax.match("conciliação", level="subject", type_key="servicos", limit=10)
    scores = [m.score for m in result.candidates]
    assert len(scores) >= 2
    assert scores == sorted(scores, reverse=True)
    # every service holding "conciliação" is as good: a close call, none taken
    assert result.ambiguous and result.best is None
    assert all(m.entry.level == "subject" and m.entry.type == "servicos" for m in result.candidates)
    confident = tax.match("conciliação contábil", level="subject", type_key="servicos", limit=10)
    assert confident.best.entry.key == "conciliacao-contabil"
    assert all(CUTOFF <= m.score <= 100 for m in confident.candidates)


def test_limit_keeps_the_best(tax):
    full = tax.match("conciliação", level="subject", type_key="servicos", limit=10)
    assert tax.match("conciliação", level="subject", type_key="servicos", limit=2).candidates == full.candidates[:2]


def test_exact_name_scores_100(tax):
    result = tax.match("Liberar liquidação", level="subject", type_key="servicos")
    assert result.best.entry.key == "liberar-liquidacao" and result.best.score == 100.0


def test_typos_accents_and_case_are_folded(tax):
    for query in ("CONCILIAÇÃO PATRIMONIAL", "conciliacao patrimonial", "conciliaçao patrimnial", "concilaçao patrimonial"):
        assert tax.match(query, level="subject", type_key="servicos").best.entry.key == "conciliacao-patrimonial", query


def all_entries(tax):
    nested = [e for t in tax.types for e in (*tax.categories(t.key), *tax.subjects(t.key))]
    return [*tax.types, *nested, *tax.organs]


def test_every_entry_is_found_by_its_own_folded_name(tax):
    """Guards the index as operators edit anexo_i.toml: no entry becomes unreachable."""
    for entry in all_entries(tax):
        type_key = entry.type if entry.level in ("category", "subject") else None
        result = tax.match(fold(entry.name), level=entry.level, type_key=type_key, limit=10)
        same_name = [m for m in result.candidates if fold(m.entry.name) == fold(entry.name)]
        assert result.candidates and result.candidates[0].score == same_name[0].score, entry
        assert entry in [m.entry for m in same_name], entry


def test_every_alias_finds_its_entry_first(tax):
    for entry in all_entries(tax):
        type_key = entry.type if entry.level in ("category", "subject") else None
        for alias in entry.aliases:
            top = tax.match(fold(alias), level=entry.level, type_key=type_key).candidates[0]
            assert top.entry == entry, (alias, entry.key, top.entry.key)


# -- ambiguity ----------------------------------------------------------------------------------------


def test_same_name_under_two_types_is_ambiguous_in_guide_order(tax):
    result = tax.match("contratos", level="category")
    assert result.ambiguous and result.best is None
    first, second = result.candidates[:2]
    assert (first.entry.key, second.entry.key) == ("srv-contratos", "ori-contratos")
    assert first.score == second.score


def test_clear_winner_is_not_ambiguous(tax):
    result = tax.match("contratos", level="category", type_key="orientacao")
    assert not result.ambiguous and result.best.entry.key == "ori-contratos"
    runner_up = result.candidates[1].score if len(result.candidates) > 1 else 0
    assert result.best.score - runner_up >= AMBIGUITY_MARGIN


def test_ambiguous_flag_follows_the_margin(tax):
    queries = ("conciliação", "cadastro de conta corrente", "contratos", "fpe", "treinamento no fpe", "passivo")
    seen = set()
    for query in queries:
        result = tax.match(query, level="any", limit=5)
        scores = [m.score for m in result.candidates]
        if result.ambiguous:
            assert len(scores) > 1 and scores[0] - scores[1] < AMBIGUITY_MARGIN + 0.1, query
        else:
            assert len(scores) < 2 or scores[0] - scores[1] > AMBIGUITY_MARGIN - 0.1, query
        seen.add(result.ambiguous)
    assert seen == {True, False}


# -- determinism ------------------------------------------------------------------------------------


def test_results_are_deterministic_across_calls_and_builds(tax):
    queries = ["conciliação", "contratos", "cadastro", "secretaria", "fpe", "transparência"]
    first = [tax.match(q, level="any", limit=10) for q in queries]
    again = [tax.match(q, level="any", limit=10) for q in reversed(queries)][::-1]
    rebuilt = Matcher(load())
    other = [rebuilt.match(q, level="any", limit=10) for q in queries]
    assert first == again
    assert [[(m.entry.key, m.score) for m in r.candidates] for r in first] == [
        [(m.entry.key, m.score) for m in r.candidates] for r in other
    ]


# -- levels and restrictions ------------------------------------------------------------------------


def test_subject_level_searches_the_type_asked_for(tax):
    systems = tax.match("fpe", level="subject", type_key="sistemas", limit=10)
    assert {m.entry.type for m in systems.candidates} == {"sistemas"}
    assert systems.best.entry.key == "fpe"
    services = tax.match("cadastro credor fpe", level="subject", type_key="servicos", limit=10)
    assert {m.entry.type for m in services.candidates} == {"servicos"}
    assert tax.match("contratos", level="subject", type_key="orientacao").candidates == ()


def test_category_restricts_services_but_keeps_a_near_exact_hit(tax):
    home = tax.subject("conciliacao-patrimonial").category
    elsewhere = next(c.key for c in tax.categories("servicos") if c.key != home)
    allowed = {s.key for s in tax.subjects("servicos", elsewhere)}
    exact = tax.match("conciliação patrimonial", level="subject", type_key="servicos", category_key=elsewhere)
    assert exact.candidates[0].entry.key == "conciliacao-patrimonial"
    assert exact.candidates[0].score >= NEAR_EXACT
    loose = tax.match("conciliação", level="subject", type_key="servicos", category_key=elsewhere, limit=10)
    assert all(m.entry.key in allowed or m.score >= NEAR_EXACT for m in loose.candidates)


def test_system_category_restricts_strictly(tax):
    assert tax.match("fpe", level="subject", type_key="sistemas", category_key="sis-manutencao-painel").candidates == ()
    result = tax.match("cage gerencial", level="subject", type_key="sistemas", category_key="sis-manutencao-painel")
    assert result.best.entry.key == "cage-gerencial"


def test_organs_by_name_acronym_and_alias(tax):
    for query in ("secretaria da fazenda", "SEFAZ", "sefas", "fazenda", "receita estadual"):
        assert tax.match(query, level="organ").best.entry.key == "sefaz", query


def test_invalid_arguments(tax):
    with pytest.raises(ValueError):
        tax.match("fpe", level="system")
    with pytest.raises(ValueError):
        tax.match("fpe", limit=0)
    with pytest.raises(KeyError):
        tax.match("fpe", level="subject", type_key="nope")
    with pytest.raises(KeyError):
        tax.match("fpe", level="subject", type_key="servicos", category_key="sis-acesso-cadastro")


# -- propose() ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_key", "category_key", "subject_key"),
    [
        ("preciso liberar uma liquidação travada no FPE", "servicos", "srv-execucao-despesa", "liberar-liquidacao"),
        ("erro ao salvar nota de empenho no fpe", "sistemas", "sis-erros-duvidas", "fpe"),
        ("quais os requisitos para aditivar um convênio", "orientacao", "ori-convenios", None),
        ("não consigo acessar o CADIN, diz que não tenho permissão", "sistemas", "sis-acesso-cadastro", "cadin"),
        ("solicito a conciliação patrimonial do mês de março", "servicos", "srv-controle-contabil", "conciliacao-patrimonial"),
        ("gostaria de sugerir uma melhoria no portal da transparência", "sistemas", "sis-criticas-sugestoes", "portal-transparencia"),
        ("qual o prazo para prestar contas do adiantamento de numerário?", "orientacao", "ori-adiantamento", None),
        ("preciso cadastrar um credor no fpe", "servicos", "srv-cadastro-credor", "cadastro-credor-fpe"),
        ("o painel do cage gerencial não atualiza", "sistemas", "sis-manutencao-painel", "cage-gerencial"),
        ("é possível fazer dispensa de licitação para compra de material?", "orientacao", "ori-contratacoes-diretas", None),
        ("como devo reter o imposto de renda na nota do fornecedor?", "orientacao", "ori-retencao-tributos", None),
        ("o siche está fora do ar", "sistemas", "sis-erros-duvidas", "siche"),
        ("preciso de orientação sobre contratos", "orientacao", "ori-contratos", None),
        ("favor trocar o favorecido da nota financeira 2024NF000123", "servicos", "srv-pef", "troca-favorecido-nf"),
        ("esqueci minha senha", "sistemas", "sis-acesso-cadastro", None),
        ("o app do fpe não abre no celular", "sistemas", "sis-erros-duvidas", "fpe-mobile"),
        ("erro de validação ao emitir nota de empenho", "sistemas", "sis-erros-duvidas", None),
        ("dúvida sobre retenção de INSS em nota fiscal de serviço", "orientacao", "ori-retencao-tributos", None),
        ("bom dia, a liquidação do empenho 2024NE000345 está travada, podem liberar?", "servicos", "srv-execucao-despesa", "liberar-liquidacao"),
    ],
)
def test_propose_reads_type_category_and_subject(tax, text, type_key, category_key, subject_key):
    proposal = tax.propose(text)
    assert isinstance(proposal, Proposal)
    got = (
        proposal.type.key,
        proposal.category.key if proposal.category else None,
        proposal.subject.key if proposal.subject else None,
    )
    assert got == (type_key, category_key, subject_key)
    assert 0 < proposal.score <= 100


def test_propose_keeps_the_tree_consistent(tax):
    proposal = tax.propose("preciso liberar uma liquidação travada no FPE")
    assert proposal.subject.category == proposal.category.key
    assert proposal.category.type == proposal.type.key == proposal.subject.type
    assert not proposal.ambiguous


@pytest.mark.parametrize("text", ["bom dia", "asdfgh", "qual a previsão do tempo", "oi, tudo bem?", "😀", ""])
def test_propose_nothing_for_nonsense(tax, text):
    assert tax.propose(text) is None


def test_propose_flags_a_close_call(tax):
    # A training on FPE is both a Serviços service and a Suporte Sistemas category.
    proposal = tax.propose("treinamento no fpe")
    assert proposal is not None and proposal.type.key in ("servicos", "sistemas")
    assert proposal.ambiguous


def test_a_request_favours_servicos_and_a_question_orientacao(tax):
    # "Licitações" is a category of both types; the sentence's mood decides.
    assert tax.propose("licitações").type.key == "servicos"
    assert tax.propose("como funciona a licitação?").type.key == "orientacao"


def test_match_result_best_is_none_when_empty():
    assert MatchResult((), False).best is None


# -- text folding ------------------------------------------------------------------------------------


def test_folding_and_plurals():
    assert fold("Conciliação  Patrimonial!") == "conciliacao patrimonial"
    assert [singular(w) for w in ("liquidacoes", "contabeis", "responsaveis", "itens", "credores", "inss")] == [
        "liquidacao", "contabil", "responsavel", "item", "credor", "inss",
    ]
    assert terms("Bom dia, preciso liberar as liquidações do FPE 2024") == ["liberar", "liquidacao", "fpe"]


# -- chat writing: sentences, shorthand, typos of acronyms -------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Requisitos necessários para aditivar um convênio", "requisitos necessarios para aditivar um convenio"],
)
def test_the_guides_example_of_orientacao(tax, text):
    proposal = tax.propose(text)
    assert (proposal.type.key, proposal.category.key) == ("orientacao", "ori-convenios")
    assert not proposal.ambiguous


def test_the_object_of_the_sentence_decides_the_category(tax):
    # "aditivo" is also an alias of Contratos, but the aditivo is of a convênio.
    result = tax.match("preciso de orientacao sobre aditivo de convenio", level="category", type_key="orientacao")
    assert result.best.entry.key == "ori-convenios"
    assert tax.propose("preciso de orientacao sobre aditivo de convenio").category.key == "ori-convenios"
    assert tax.match("aditivo de contrato", level="category", type_key="orientacao").best.entry.key == "ori-contratos"


def test_words_that_only_ask_do_not_dilute_the_subject(tax):
    best = tax.match("duvida sobre prestacao de contas de convenio", level="category", type_key="orientacao").best
    assert best.entry.key == "ori-convenios" and best.score >= 65


def test_a_verb_finds_its_noun(tax):
    assert tax.match("aditivar convenio", level="category", type_key="orientacao").best.entry.key == "ori-convenios"
    assert tax.match("reter iss", level="category", type_key="orientacao").best.entry.key == "ori-retencao-tributos"
    assert tax.propose("nao consigo logar no fpe").category.key == "sis-acesso-cadastro"


@pytest.mark.parametrize("query", ["fep", "pfe"])
def test_one_swap_in_a_short_acronym(tax, query):
    result = tax.match(query, level="subject", type_key="sistemas")
    if query == "fep":
        assert result.best.entry.key == "fpe"
    else:  # one swap away from both FPE and PEF: the typo says nothing
        assert result.candidates == ()


def test_swaps_do_not_turn_words_into_acronyms(tax):
    for query in ("tec", "sis", "ger", "uso", "kkk", "abc"):
        assert tax.match(query, level="any").candidates == (), query


def test_chat_shorthand_and_acronym_plurals(tax):
    assert tax.match("estorno de pgto", level="subject", type_key="servicos").best.entry.key == "controle-estorno-pagamento"
    assert tax.match("liq travada", level="category", type_key="servicos").best.entry.key == "srv-execucao-despesa"
    assert tax.match("liberar NL", level="subject", type_key="servicos").best.entry.key == "liberar-liquidacao"
    assert tax.match("liberar as NFs", level="subject", type_key="servicos").best.entry.key == "liberacao-notas-financeiras"
    # in lower case "ne" is "né", not a nota de empenho
    words = tax.vocabulary  # the shorthand lives in the data ([words_in_capitals] of anexo_i.toml)
    assert "empenho" not in terms("tá travado, ne?", vocabulary=words)
    assert "empenho" in terms("a NE está travada", vocabulary=words)


def test_words_typed_together(tax):
    assert tax.match("cagegerencial", level="subject", type_key="sistemas").best.entry.key == "cage-gerencial"


def test_a_category_is_found_through_its_services(tax):
    assert tax.match("sequestro judicial", level="category", type_key="servicos").best.entry.key == "srv-despesa-publica"
    # ...only when the service is named whole: one shared word is not enough
    assert tax.match("alguém pode me atender?", level="category", type_key="servicos").candidates == ()


def test_a_category_with_one_service_names_it(tax):
    proposal = tax.propose("cadastro de credor urgente, empresa nova")
    assert (proposal.category.key, proposal.subject.key) == ("srv-cadastro-credor", "cadastro-credor-fpe")


def test_greetings_and_places_are_not_subjects(tax):
    for text in ("valeu pessoal!", "oi, tudo bem?", "Pessoal, bom dia!"):
        assert tax.propose(text) is None, text
    assert tax.propose("pessoal, tem uma liquidação presa aqui, consegue liberar?").subject.key == "liberar-liquidacao"
    assert tax.match("baixa de bem imovel", level="category", type_key="orientacao").best.entry.key == "ori-bens-publicos"
    assert tax.match("secretaria da fazenda do rs", level="organ").best.entry.key == "sefaz"


def test_unknown_words_of_a_long_message_weigh_less(tax):
    def best(query):
        return tax.match(query, level="subject", type_key="servicos").best

    two = best("conciliação bancária da equipe inteira")
    five = best("conciliação bancária da equipe inteira que chegou semana passada")
    assert two.entry.key == five.entry.key == "conciliacao-bancaria"
    assert five.score == two.score  # context words beyond the first two no longer dilute the match


def test_a_type_is_found_through_what_lies_under_it(tax):
    assert tax.match("problema no fpe", level="type").best.entry.key == "sistemas"
    assert tax.match("duvida sobre convenio", level="type").best.entry.key == "orientacao"


def test_a_types_word_that_describes_another_is_no_type_cue(tax):
    # "contrato de serviço" is a kind of contract, not a request for Serviços
    proposal = tax.propose("qual o prazo de vigencia maximo de um contrato de serviço continuo?")
    assert (proposal.type.key, proposal.category.key) == ("orientacao", "ori-contratos")
