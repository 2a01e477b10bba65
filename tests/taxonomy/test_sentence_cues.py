"""What a whole sentence says beside its words (taxonomy/text.py, taxonomy/proposal.py): the clause
that asks, a quoted message, the act of asking, a service clearly ahead under its category, dates,
the personal infinitive, a favour asked with "tem como"."""

from __future__ import annotations

import pytest

from taxonomy import default_taxonomy
from taxonomy.proposal import _ASKS, _ASKS_HOW, _is_question
from taxonomy.text import query_terms, root


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


def triple(tax, text: str) -> tuple[str, str | None, str | None]:
    proposal = tax.propose(text)
    assert proposal is not None, text
    return proposal.type.key, proposal.category and proposal.category.key, proposal.subject and proposal.subject.key


def context_words(tax, text: str) -> set[str]:
    return {t.term for t in query_terms(text, vocabulary=tax.vocabulary) if t.context}


def test_the_clause_that_asks_says_the_service_and_the_others_tell_its_story(tax):
    text = "o extrato da conta de convênio não bate com o fpe, preciso da conciliação bancária"
    assert context_words(tax, text) == {"extrato", "conta", "convenio", "bate", "fpe"}
    assert triple(tax, text) == ("servicos", "srv-contas-bancarias", "conciliacao-bancaria")
    text = "o credor mudou de banco, precisamos atualizar os dados bancários dele no FPE"
    assert triple(tax, text) == ("servicos", "srv-cadastro-credor", "cadastro-credor-fpe")


def test_a_clause_that_asks_with_one_word_leaves_the_story_whole(tax):
    # "podem liberar?" says what to do, the clause before it what with
    text = "a liquidação ficou travada, podem liberar?"
    assert context_words(tax, text) == set()
    assert triple(tax, text) == ("servicos", "srv-execucao-despesa", "liberar-liquidacao")


def test_a_quoted_text_is_a_message_the_system_showed(tax):
    text = "o fpe mostra 'saldo de dotação insuficiente' mas o orçamento tem saldo"
    assert {"saldo", "dotacao", "insuficiente"} <= context_words(tax, text)
    assert "mensagem" in {t.term for t in query_terms(text, vocabulary=tax.vocabulary)}
    assert triple(tax, text) == ("sistemas", "sis-erros-duvidas", "fpe")


@pytest.mark.parametrize("text", ["transferência de saldos entre UO's", "update the creditor's address", "o 'credor inativo"])
def test_an_apostrophe_or_a_quote_never_closed_is_no_quotation(tax, text):
    terms = query_terms(text, vocabulary=tax.vocabulary)
    assert not any(t.context for t in terms) and "mensagem" not in {t.term for t in terms}


def test_the_act_of_asking_is_optional_in_a_name_and_weighs_nothing_in_a_request(tax):
    # "Solicitação de numerário", "Solicitação de transferência de numerário": every request asks
    assert tax.match("numerário", level="subject", type_key="servicos").best.entry.key == "solicitacao-numerario"
    assert triple(tax, "transferencia de numerario urgente para pagamento da folha do IPE")[2] == "solicitacao-tn"
    # "pedido de orientação" made every "pedido de ..." lean to Orientação
    assert triple(tax, "pedido de regularização da pendência contábil da UO") == (
        "servicos", "srv-outros", "solicitacao-regularizacao")


def test_a_service_clearly_ahead_of_its_siblings_fills_its_category(tax):
    # the story around it leaves the service under the cutoff, but no other of its category is close
    text = "a liquidação da nota fiscal 1234 da empresa de limpeza ainda não foi liberada pela seccional"
    assert triple(tax, text) == ("servicos", "srv-execucao-despesa", "liberar-liquidacao")
    # a service ahead only by a word its category says too: the category alone
    assert triple(tax, "preciso de ajuda com o contrato") == ("servicos", "srv-contratos", None)
    assert triple(tax, "preciso de ajuda com a conta corrente do fundo") == ("servicos", "srv-contas-bancarias", None)


def test_the_word_after_de_is_not_weighed_up_in_a_sentence(tax):
    # the complement is as often the story as what is asked about
    assert triple(tax, "consulta de pagamentos do empenho 2025NE000999")[2] == "consulta-pagamentos"
    assert triple(tax, "lançamento contábil de ajuste de saldo da conta de adiantamentos a fornecedores")[2] == (
        "lancamentos-contabeis")


def test_dates_place_a_request(tax):
    # "de junho" is no typo of "junto" ("junto ao Órgão")
    assert "junho" not in {t.term for t in query_terms("despesas de custeio de junho", vocabulary=tax.vocabulary)}
    assert triple(tax, "solicitamos numerario para cobrir despesas de custeio de junho")[2] == "solicitacao-numerario"


def test_the_personal_infinitive_reaches_its_family():
    assert root("liberarem") == root("liberar") == root("liberem")
    assert root("cadastrarmos") == root("cadastrar")
    assert root("atenderem") == root("atender")


def test_a_favour_asked_is_a_request_not_a_question(tax):
    assert _is_question("tem como liberarem a liquidação?", tax.vocabulary) == _ASKS
    assert _is_question("a liquidação ficou travada, poderiam verificar?", tax.vocabulary) == 0
    assert _is_question("como faço para liberar a liquidação?", tax.vocabulary) == _ASKS_HOW
    assert _is_question("o credor pode ser estrangeiro?", tax.vocabulary) == _ASKS
    # one question besides the favour: still a question
    assert _is_question("podem liberar a NL? e qual o prazo?", tax.vocabulary) == _ASKS
