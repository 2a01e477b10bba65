"""Close calls at every step that matches: when several entries are as good, the top three are
offered and none is taken (DESIGN.md); a name typed whole is still taken at once."""

from __future__ import annotations

import pytest

from taxonomy import default_taxonomy


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


def keys(result) -> list[str]:
    return [m.entry.key for m in result.candidates]


@pytest.mark.parametrize(
    "query, level, type_key, expected",
    [
        # categories of Serviços: three "Atendimento …", two "Cadastro … FPE" (and NAD)
        ("atendimento", "category", "servicos", {"srv-atend-convenios", "srv-atend-dcce", "srv-atend-transparencia"}),
        ("fpe", "category", "servicos", {"srv-cadastro-credor", "srv-cadastro-ordenador"}),
        ("cadastro", "category", "servicos", {"srv-cadastro-credor", "srv-cadastro-ordenador", "srv-cadastro-nad"}),
        ("contratos", "category", None, {"srv-contratos", "ori-contratos"}),
        ("convênio", "type", None, {"servicos", "orientacao"}),
        ("liquidação", "subject", "servicos", {"liberar-liquidacao", "examinar-empenho-liquidacao", "desbloquear-contrato"}),
        ("portal", "subject", "sistemas", {"portal-transparencia", "portal-bi-dw"}),
        ("secretaria", "organ", None, None),
        ("fundação", "organ", None, None),
    ],
)
def test_a_close_call_offers_up_to_three_and_takes_none(tax, query, level, type_key, expected):
    result = tax.match(query, level=level, type_key=type_key, limit=3)
    assert result.ambiguous and result.best is None
    assert 2 <= len(result.candidates) <= 3
    if expected is not None:
        assert set(keys(result)) <= expected and len(set(keys(result)) & expected) >= 2


@pytest.mark.parametrize(
    "query, level, type_key, key",
    [
        ("credor", "category", "servicos", "srv-cadastro-credor"),
        ("cadastro credor", "category", "servicos", "srv-cadastro-credor"),
        ("atendimento dcce", "category", "servicos", "srv-atend-dcce"),
        ("liberar liquidação", "subject", "servicos", "liberar-liquidacao"),
        ("fpe", "subject", "sistemas", "fpe"),
        ("fep", "subject", "sistemas", "fpe"),
        ("sefaz", "organ", None, "sefaz"),
        ("secretaria da fazenda", "organ", None, "sefaz"),
        ("suporte", "type", None, "sistemas"),
    ],
)
def test_a_name_typed_whole_is_no_close_call(tax, query, level, type_key, key):
    assert tax.match(query, level=level, type_key=type_key).best.entry.key == key


def test_a_family_word_alone_is_not_offered(tax):
    # "atender" only shares a root with the "Atendimento …" categories: nothing is offered
    assert tax.match("alguém pode me atender?", level="category", type_key="servicos").candidates == ()


def test_a_close_sentence_offers_the_other_readings(tax):
    proposal = tax.propose("solicitação de transferência de numerário")
    assert proposal.subject.key == "solicitacao-tn"
    readings = [proposal, *proposal.alternatives]
    assert len(readings) <= 3
    paths = [(p.type.key, p.category and p.category.key, p.subject and p.subject.key) for p in readings]
    assert len(set(paths)) == len(paths)
    assert proposal.ambiguous and proposal.close_call()[:2] == (proposal, proposal.alternatives[0])
    assert all(proposal.score - p.score < 15 for p in proposal.close_call())
    assert tax.propose("liberar liquidação").close_call() == ()  # clearly ahead: no close call
