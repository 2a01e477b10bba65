"""The vocabulary of the data ([words], [words_in_capitals], name_en, fallback): what the loader
accepts, what it refuses with a line that says what to fix, and what the matcher makes of it."""

from __future__ import annotations

import pytest

from taxonomy import default_taxonomy
from taxonomy.data import DEFAULT_PATH, load, loads

SOURCE = DEFAULT_PATH.read_text(encoding="utf-8")


def with_words(lines: str) -> str:
    """The shipped file with `lines` added at the top of its [words] table."""
    return SOURCE.replace("[words]\n", "[words]\n" + lines + "\n", 1)


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


def test_every_english_label_typed_at_its_step_is_taken(tax):
    for entry in tax.types:
        assert entry.name_en and tax.match(entry.name_en, level="type").best.entry.key == entry.key
    for type_entry in tax.types:
        for entry in tax.categories(type_entry.key):
            result = tax.match(entry.name_en, level="category", type_key=type_entry.key)
            assert result.best is not None and result.best.entry.key == entry.key, entry.name_en


def test_the_label_follows_the_reader(tax):
    sistemas = tax.type_entry("sistemas")
    assert sistemas.label() == "Suporte Sistemas" and sistemas.label(english=True) == "Systems Support"
    assert tax.subject("fpe").label(english=True) == "FPE"  # no English label: the guide's name


@pytest.mark.parametrize(
    "text, expected",
    [
        ("please release the blocked liquidation", ("servicos", "srv-execucao-despesa", "liberar-liquidacao")),
        ("I cannot log in to FPE, my password expired", ("sistemas", "sis-acesso-cadastro", "fpe")),
        ("how do I render accounts of a cash advance?", ("orientacao", "ori-adiantamento", None)),
        ("preciso estornar um pgto", ("servicos", "srv-mov-financeira", "controle-estorno-pagamento")),
        # "can" asks only when it opens the sentence, like "pode"
        ("please register a new supplier in FPE so we can pay", ("servicos", "srv-cadastro-credor", "cadastro-credor-fpe")),
        ("can I extend the partnership with the NGO?", ("orientacao", "ori-convenios", None)),
        # what the request is for ("para ...") weighs less than the request
        ("cadastro de fornecedor pessoa física para pagamento de diária", ("servicos", "srv-cadastro-credor", "cadastro-credor-fpe")),
        ("fazer lançamento contábil para corrigir a classificação da despesa", ("servicos", "srv-contabilidade", "lancamentos-contabeis")),
        # a request's subjunctive is of the verb's family: transfiram ~ transferência, troquem ~ troca
        ("que transfiram o saldo entre os recursos 0001 e 0006", ("servicos", "srv-recursos-orcamentarios", "transferencia-entre-recursos")),
        ("por favor troquem o favorecido da NF 2025NF000123", ("servicos", "srv-pef", "troca-favorecido-nf")),
    ],
)
def test_english_and_chat_words_are_read_as_the_guides(tax, text, expected):
    proposal = tax.propose(text)
    got = (proposal.type.key, proposal.category and proposal.category.key, proposal.subject and proposal.subject.key)
    assert got == expected


def test_a_synonym_an_operator_adds_is_understood_without_code(tmp_path):
    sentence = "o finpub está fora do ar desde cedo"
    assert load().propose(sentence) is None
    edited = tmp_path / "anexo_i.toml"
    edited.write_text(with_words('"FPE" = ["finpub"]  # how our team calls it'), encoding="utf-8")
    proposal = load(edited).propose(sentence)
    assert (proposal.type.key, proposal.category.key, proposal.subject.key) == ("sistemas", "sis-erros-duvidas", "fpe")


def test_capitals_only_words_count_only_in_capitals(tax):
    assert tax.propose("liberar a NL por favor").subject.key == "liberar-liquidacao"
    assert tax.propose("tá travado, ne?") is None  # in lower case "ne" is "né"


CONTEXT = 'words = ["Banrisul", '


@pytest.mark.parametrize(
    "edited, message, section",
    [
        (with_words('"fpe" = ["duas palavras"]'), "cada item deve ser uma só palavra", "[words]"),
        (with_words('"suporte técnico" = ["fpe"]'), "já é uma palavra de um nome ou sinônimo", "[words]"),
        (with_words('"conciliação contábil" = ["liquidacoes"]'), "já é uma palavra de um nome ou sinônimo", "[words]"),
        (with_words('"abacaxi" = ["xyz"]'), "'abacaxi' não é palavra de nenhum nome ou sinônimo", "[words]"),
        (with_words('"fpe" = "xyz"'), "o valor deve ser uma lista de palavras entre aspas", "[words]"),
        (with_words('"fpe" = ["release"]'), "a palavra já está listada em outra linha", "[words]"),
        (SOURCE.replace(CONTEXT, 'words = ["Banco do Brasil", ', 1), "cada item deve ser uma só palavra", "[context]"),
        (SOURCE.replace(CONTEXT, 'words = ["Sicredi", ', 1), "a palavra já está na lista", "[context]"),
        (SOURCE.replace(CONTEXT, 'words = "Banrisul"\nother = [', 1), "deve conter apenas words", "[context]"),
        (SOURCE.replace(CONTEXT, "words = [1, ", 1), "o valor deve ser uma lista de palavras entre aspas", "[context]"),
    ],
)
def test_a_bad_vocabulary_line_is_refused_with_what_to_fix(edited, message, section):
    with pytest.raises(ValueError) as error:
        loads(edited, source="anexo_i.toml")
    assert message in str(error.value) and section in str(error.value)


def test_a_word_may_stand_for_nothing_or_a_mood():
    tax = loads(with_words('"requisito" = ["wie"]').replace('\n"" = [', '\n"" = ["bitte", ', 1))
    assert tax.vocabulary.words["bitte"] == () and tax.vocabulary.words["wie"] == ("requisito",)


def test_a_bank_named_places_the_request_and_the_operator_lists_the_banks(tmp_path):
    # "Banrisul" is in the name of one SIAC service, but a request names the state's bank for any account
    sentence = "criação de conta corrente no Banrisul para o programa Avançar"
    assert CONTEXT in SOURCE
    proposal = load().propose(sentence)
    assert (proposal.category.key, proposal.subject.key) == ("srv-contas-bancarias", "solicitacao-criacao-cc")
    edited = tmp_path / "anexo_i.toml"
    edited.write_text(SOURCE.replace(CONTEXT, "words = [", 1), encoding="utf-8")
    assert load(edited).propose(sentence).subject.key == "criacao-cc-aplicacao-siac"


def test_the_words_table_must_be_a_table():
    broken = SOURCE.replace("[words_in_capitals]\n", "[other]\n", 1)
    with pytest.raises(ValueError, match="seção desconhecida other"):
        loads(broken)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('key = "ori-outros"\nname = "Outros"\n', 'key = "ori-outros"\nname = "Outros"\nfallback = true\n',
         "fallback só vale em categorias do tipo de sistemas"),
        ('key = "sis-manutencao-painel"\n', 'key = "sis-manutencao-painel"\nfallback = true\n',
         "já há outra categoria com fallback = true"),
        ('fallback = true\n', 'fallback = "sim"\n', "fallback deve ser true ou false"),
        ('name_en = "Services"\n', 'name_en = "  Services"\n', "name_en '  Services': tem espaços no início"),
    ],
)
def test_labels_and_the_fallback_are_checked(old, new, message):
    assert old in SOURCE
    with pytest.raises(ValueError) as error:
        loads(SOURCE.replace(old, new, 1))
    assert message in str(error.value)
