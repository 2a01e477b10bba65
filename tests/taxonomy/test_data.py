"""Anexo I as data: the shipped file's content and the loader's checks."""

import re
import unicodedata
from pathlib import Path

import pytest

from taxonomy.data import (
    DEFAULT_PATH,
    OTHER_SUBJECT_KEY,
    Entry,
    default_taxonomy,
    load,
    loads,
)

LEVELS = ("type", "category", "subject", "organ")


@pytest.fixture(scope="module")
def tax():
    return load()


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def all_texts(tax):
    """Every human-readable string of the file, with where it comes from."""
    for entry in tax.entries():
        for field in ("name", "acronym", "description"):
            value = getattr(entry, field)
            if value is not None:
                yield f"{entry.level} {entry.key} {field}", value
        for alias in entry.aliases:
            yield f"{entry.level} {entry.key} alias", alias
    for phrase in tax.proa_phrases:
        yield "proa phrase", phrase


# -- counts and order --------------------------------------------------------------------------


def test_three_types_in_guide_order(tax):
    assert [(t.key, t.name) for t in tax.types] == [
        ("servicos", "Serviços"),
        ("orientacao", "Orientação"),
        ("sistemas", "Suporte Sistemas"),
    ]
    assert all(t.description for t in tax.types)


def test_category_counts(tax):
    assert len(tax.categories("servicos")) == 30
    assert len(tax.categories("orientacao")) == 19
    assert len(tax.categories("sistemas")) == 5


def test_quadro_1_has_96_services_plus_outro(tax):
    subjects = tax.subjects("servicos")
    services = [s for s in subjects if s.key != OTHER_SUBJECT_KEY]
    assert len(services) == 96
    assert subjects[-1].key == OTHER_SUBJECT_KEY


def test_eleven_systems_in_guide_order(tax):
    assert [s.name for s in tax.subjects("sistemas")] == [
        "CAGE Gerencial", "MINA", "FPE", "FPE Mobile", "CADIN", "CFIL", "SISACF", "SICHE",
        "Portal da Transparência", "APE", "Portal BI/DW",
    ]


def test_organs(tax):
    assert len(tax.organs) >= 30
    assert tax.organ("sefaz").name == "Secretaria da Fazenda"
    assert tax.organ("sefaz").acronym == "SEFAZ"
    assert tax.organ("cage").acronym == "CAGE"
    acronyms = {o.acronym for o in tax.organs}
    assert {"SEDUC", "SES", "PGE", "DETRAN", "DAER", "FASE", "UERGS", "IPE Saúde", "IPE Prev"} <= acronyms


def test_organ_acronym_is_searchable_as_an_alias(tax):
    for organ in tax.organs:
        if organ.acronym:
            assert organ.acronym in organ.aliases, organ.key


def test_sistemas_categories_in_guide_order(tax):
    assert [c.name for c in tax.categories("sistemas")] == [
        "Acesso/Cadastro",
        "Agendamentos de Reuniões/Treinamentos",
        "Críticas e Sugestões de Melhorias",
        "Erros/Dúvidas/Solicitações",
        "Manutenção Painel",
    ]


def test_quadro_2_categories_as_the_guide_writes_them(tax):
    assert [c.name for c in tax.categories("servicos")] == [
        "Adiantamento de numerário", "Administração de Materiais", "Atendimento Convênio e Parcerias",
        "Atendimento DCCE", "Atendimento Transparência", "Cadastro Credor FPE",
        "Cadastro de NAD no item de material", "Cadastro Ordenador FPE", "Contabilidade",
        "Contas Bancárias", "Contratos", "Controle Contábil",
        "Convênios, Parcerias e Instrumentos congêneres", "Custos/RS", "Dados (ou Auditoria)",
        "Despesa Pública", "Diárias e Indenizações", "Ementário da Natureza de Receita",
        "Execução da Despesa", "Licitações", "Movimentação Financeira", "Orçamento", "Outros",
        "Prestação de Contas do Governador", "Programação da Execução Financeira", "Receita",
        "Recursos Orçamentários", "Regime de Recuperação Fiscal", "Rejeição de Pagamentos", "SIAC",
    ]


def test_quadro_3_categories_as_the_guide_writes_them(tax):
    assert [c.name for c in tax.categories("orientacao")] == [
        "Adiantamento de numerário", "Bens Públicos", "Cadastro Credor FPE", "Cadastro Ordenador FPE",
        "Contabilidade", "Contas Ordinárias", "Contratações Diretas", "Contratos", "Controle e Auditoria",
        "Convênios, Parcerias e Instrumentos congêneres", "Custos/RS", "Demonstrativos Fiscais",
        "Ementário da Natureza de Despesa", "Governança, Controles Internos e Riscos", "Licitações",
        "Obras e serviços de engenharia", "Outros", "Pessoal", "Retenção de Tributos",
    ]


def test_quadro_1_order_is_the_guide_order(tax):
    names = [s.name for s in tax.subjects("servicos")]
    assert names[0] == "Ajuste financeiro decorrente de solicitação de transferência de numerário"
    assert names[-2] == "Troca de Tesouraria - orientação/execução"
    assert names.index("Cadastro Ordenador FPE") < names.index("Classificação de Receita")


# -- names as the guide writes them --------------------------------------------------------------


@pytest.mark.parametrize(
    "level, name",
    [
        ("subject", "Liberar liquidação"),
        ("subject", "Cadastro Credor FPE"),
        ("subject", "Demandas Convênios e Parcerias"),
        ("subject", "Demandas DCCE"),
        ("subject", "Lançamentos Contábeis"),
        ("subject", "Realizar a transferência de saldos contábeis entre UO's e CS's"),
        ("subject", "Troca de Tesouraria - orientação/execução"),
        ("subject", "Associação de NAD à item de material (item CELIC)"),
        ("subject", "Encerramento do Exercício / Lançamentos Contábeis orientados pela DNC CAGE"),
        ("category", "Atendimento Convênio e Parcerias"),
        ("category", "Cadastro Credor FPE"),
        ("category", "Cadastro Ordenador FPE"),
        ("category", "Dados (ou Auditoria)"),
        ("category", "Custos/RS"),
        ("category", "Governança, Controles Internos e Riscos"),
        ("category", "Obras e serviços de engenharia"),
    ],
)
def test_names_exactly_as_the_guide(tax, level, name):
    assert name in {e.name for e in tax.entries(level)}


def test_services_are_filed_under_the_expected_categories(tax):
    expected = {
        "liberar-liquidacao": "Execução da Despesa",
        "cadastro-credor-fpe": "Cadastro Credor FPE",
        "cadastro-ordenador-fpe": "Cadastro Ordenador FPE",
        "conciliacao-bancaria": "Contas Bancárias",
        "conciliacao-contabil": "Controle Contábil",
        "solicitacao-tn": "Movimentação Financeira",
        "liberacao-notas-financeiras": "Programação da Execução Financeira",
        "demandas-convenios-parcerias": "Atendimento Convênio e Parcerias",
        "demandas-dcce": "Atendimento DCCE",
        "associacao-nad-item": "Cadastro de NAD no item de material",
        "conciliacao-siac": "SIAC",
        "publicar-relatorio-custos": "Custos/RS",
        "devolucao-caucoes": "Contratos",
        "estorno-receita": "Receita",
    }
    for service_key, category_name in expected.items():
        assert tax.category(tax.subject(service_key).category).name == category_name, service_key


# -- structure -----------------------------------------------------------------------------------


def test_every_service_is_filed_under_an_existing_servicos_category(tax):
    servicos_categories = {c.key for c in tax.categories("servicos")}
    for service in tax.subjects("servicos"):
        assert service.type == "servicos"
        if service.key == OTHER_SUBJECT_KEY:
            assert service.category is None
        else:
            assert service.category in servicos_categories, service.key


def test_categories_know_their_type(tax):
    for type_entry in tax.types:
        for category in tax.categories(type_entry.key):
            assert category.level == "category" and category.type == type_entry.key


def test_no_markup_debris_anywhere(tax):
    for where, text in all_texts(tax):
        assert text, where
        assert "<" not in text and ">" not in text, where
        assert "**" not in text, where
        assert "  " not in text, where
        assert text == text.strip(), where
        assert "\n" not in text and "\t" not in text, where


def test_keys_are_unique_ascii_slugs(tax):
    for level in LEVELS:
        keys = [e.key for e in tax.entries(level)]
        assert len(keys) == len(set(keys)), level
        for key in keys:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key
            assert len(key) <= 40, key


def test_shipped_keys_leave_room_for_a_choice_prefix(tax):
    # Chat buttons carry "<prefix>:<key>" in at most 40 ascii bytes.
    assert max(len(e.key) for e in tax.entries()) <= 32


def test_categories_sharing_a_name_across_types_have_distinct_keys(tax):
    servicos = {c.name: c.key for c in tax.categories("servicos")}
    orientacao = {c.name: c.key for c in tax.categories("orientacao")}
    shared = servicos.keys() & orientacao.keys()
    assert {"Contratos", "Licitações", "Outros", "Contabilidade"} <= shared
    for name in shared:
        assert servicos[name] != orientacao[name]


def test_every_alias_resolves_to_its_own_entry(tax):
    """No alias may equal, ignoring case and accents, a name or alias of another entry of the same
    level and type: typing it must lead to exactly one entry."""
    for level in LEVELS:
        owners: dict[tuple, set[str]] = {}
        for entry in tax.entries(level):
            for text in (entry.name, *entry.aliases):
                owners.setdefault((entry.type, folded(text)), set()).add(entry.key)
        clashes = {slot: keys for slot, keys in owners.items() if len(keys) > 1}
        assert not clashes, (level, clashes)


def test_entries_levels(tax):
    assert all(isinstance(e, Entry) for e in tax.entries())
    for level in LEVELS:
        assert {e.level for e in tax.entries(level)} == {level}
    assert len(list(tax.entries())) == sum(len(list(tax.entries(level))) for level in LEVELS)
    with pytest.raises(ValueError):
        list(tax.entries("planet"))


def test_entries_are_frozen(tax):
    with pytest.raises(AttributeError):
        tax.types[0].name = "Outra coisa"


# -- subjects per type and category --------------------------------------------------------------


def test_subject_modes(tax):
    assert tax.subject_mode("servicos") == "service"
    assert tax.subject_mode("orientacao") == "free"
    assert tax.subject_mode("sistemas") == "system"


def test_orientacao_has_no_listed_subjects(tax):
    assert tax.subjects("orientacao") == ()
    assert tax.subjects("orientacao", "ori-contratos") == ()


def test_subjects_of_a_servicos_category_end_with_outro(tax):
    subjects = tax.subjects("servicos", "srv-execucao-despesa")
    assert [s.name for s in subjects] == [
        "Bloquear requisição",
        "Diligenciar despesa",
        "Examinar/Atender empenho/liquidação",
        "Liberar liquidação",
        "Outro",
    ]
    # A category with no Quadro 1 service still offers "Outro".
    assert [s.key for s in tax.subjects("servicos", "srv-licitacoes")] == [OTHER_SUBJECT_KEY]


def test_outro_is_a_real_subject(tax):
    outro = tax.subject(OTHER_SUBJECT_KEY)
    assert outro.name == "Outro" and outro.type == "servicos" and outro.category is None
    for category in tax.categories("servicos"):
        assert outro in tax.subjects("servicos", category.key)


def test_manutencao_painel_offers_only_cage_gerencial(tax):
    painel = next(c for c in tax.categories("sistemas") if c.name == "Manutenção Painel")
    assert [s.key for s in tax.subjects("sistemas", painel.key)] == ["cage-gerencial"]
    acesso = next(c for c in tax.categories("sistemas") if c.name == "Acesso/Cadastro")
    assert len(tax.subjects("sistemas", acesso.key)) == 11


def test_subjects_refuse_a_category_of_another_type(tax):
    with pytest.raises(KeyError):
        tax.subjects("servicos", "ori-contratos")
    with pytest.raises(KeyError):
        tax.subjects("servicos", "no-such-category")


def test_system_aliases(tax):
    assert "Finanças Públicas do Estado" in tax.subject("fpe").aliases
    assert "Cadastro Informativo" in tax.subject("cadin").aliases
    bi = next(s for s in tax.subjects("sistemas") if s.name == "Portal BI/DW")
    assert {"business intelligence", "data warehouse"} <= {folded(a) for a in bi.aliases}


def test_servants_vocabulary_is_there(tax):
    def aliases(level, key):
        lookup = tax.category if level == "category" else tax.subject
        return {folded(a) for a in lookup(key).aliases}

    assert "tn" in aliases("subject", "solicitacao-tn")
    assert {"nf", "nota financeira"} <= aliases("category", "srv-pef")
    assert {"ga", "guia de arrecadacao"} <= aliases("category", "srv-receita")
    assert "lcp" in aliases("subject", "verificacao-lcp")
    assert "rpv" in aliases("subject", "sequestros-judiciais")
    assert "slip" in aliases("subject", "lancamentos-slip-ingressos")
    # A bare "UO" or "CS" is context in most messages ("conciliação da UO 2401"), not this service.
    assert "transferencia de saldos entre uos" in aliases("subject", "transferencia-saldos-uo-cs")
    assert {"pregao", "licitacao"} <= aliases("category", "srv-licitacoes")
    assert {"diaria", "indenizacao de viagem"} <= aliases("category", "srv-diarias")


# -- lookups and descriptions --------------------------------------------------------------------


@pytest.mark.parametrize("lookup", ["type_entry", "category", "subject", "organ"])
def test_unknown_keys_raise_key_error(tax, lookup):
    with pytest.raises(KeyError):
        getattr(tax, lookup)("nao-existe")


def test_lookups_are_per_level(tax):
    assert tax.type_entry("servicos").level == "type"
    assert tax.category("sis-manutencao-painel").type == "sistemas"
    assert tax.subject("fpe").type == "sistemas"
    with pytest.raises(KeyError):
        tax.category("fpe")  # a subject, not a category


def test_describe_subject(tax):
    assert tax.describe_subject("servicos", "liberar-liquidacao", None) == "Liberar liquidação"
    assert tax.describe_subject("servicos", "outro", " Troca  de  UO ") == "Outro: Troca de UO"
    assert tax.describe_subject("servicos", "outro", None) == "Outro"
    assert (
        tax.describe_subject("sistemas", "fpe", "Execução de Despesa > Retenção")
        == "FPE – Execução de Despesa > Retenção"
    )
    assert tax.describe_subject("sistemas", "cadin", "") == "CADIN"
    assert tax.describe_subject("orientacao", None, "Aditivo de convênio") == "Aditivo de convênio"


def test_describe_subject_refuses_mismatches(tax):
    with pytest.raises(KeyError):
        tax.describe_subject("sistemas", "liberar-liquidacao", None)
    with pytest.raises(KeyError):
        tax.describe_subject("servicos", "nao-existe", None)
    with pytest.raises(ValueError):
        tax.describe_subject("sistemas", None, "Execução de Despesa")


def test_proa_phrases(tax):
    phrases = {folded(p) for p in tax.proa_phrases}
    assert {"registro de despesa", "execucao contratual", "prestacao de contas de convenio"} <= phrases
    assert any("05/2012" in p for p in phrases)
    assert "processo administrativo em tramitacao" in phrases
    # A bare theme is a legitimate portal subject, not a PROA sign.
    assert not phrases & {"convenio", "contrato", "adiantamento", "parcerias"}


def test_default_taxonomy_is_loaded_once():
    assert default_taxonomy() is default_taxonomy()
    assert len(default_taxonomy().categories("servicos")) == 30


# -- the loader on broken files ------------------------------------------------------------------

MINIMAL = """
[[types]]
key = "servicos"
name = "Serviços"
subject_mode = "service"

[[types]]
key = "orientacao"
name = "Orientação"
subject_mode = "free"

[[types]]
key = "sistemas"
name = "Suporte Sistemas"
subject_mode = "system"

[[categories]]
type = "servicos"
key = "srv-receita"
name = "Receita"
aliases = ["arrecadação"]

[[categories]]
type = "orientacao"
key = "ori-contratos"
name = "Contratos"

[[categories]]
type = "sistemas"
key = "sis-painel"
name = "Manutenção Painel"
systems = ["cage-gerencial"]

[[services]]
key = "estorno-receita"
name = "Estorno de receita"
category = "srv-receita"

[[services]]
key = "outro"
name = "Outro"

[[systems]]
key = "cage-gerencial"
name = "CAGE Gerencial"

[[systems]]
key = "fpe"
name = "FPE"

[[organs]]
key = "sefaz"
name = "Secretaria da Fazenda"
acronym = "SEFAZ"

[proa]
phrases = ["registro de despesa"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "anexo_i.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_loads(tmp_path):
    tax = load(write(tmp_path, MINIMAL))
    assert [s.key for s in tax.subjects("servicos", "srv-receita")] == ["estorno-receita", "outro"]
    assert [s.key for s in tax.subjects("sistemas", "sis-painel")] == ["cage-gerencial"]
    assert tax.organ("sefaz").aliases == ("SEFAZ",)
    assert tax.proa_phrases == ("registro de despesa",)


def test_the_shipped_file_is_the_default():
    assert DEFAULT_PATH.name == "anexo_i.toml"
    assert load(DEFAULT_PATH).types == default_taxonomy().types


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # markup debris in a name
        ('name = "Receita"', 'name = "<b>Receita</b>"', "'srv-receita'"),
        ('name = "Receita"', 'name = "Receita "', "'srv-receita'"),
        ('name = "Estorno de receita"', 'name = "Estorno  de receita"', "'estorno-receita'"),
        # aliases
        ('aliases = ["arrecadação"]', 'aliases = [""]', "'srv-receita'"),
        ('aliases = ["arrecadação"]', 'aliases = ["**GA**"]', "'srv-receita'"),
        ('aliases = ["arrecadação"]', 'aliases = "arrecadação"', "'srv-receita'"),
        ('aliases = ["arrecadação"]', 'aliases = ["RECEITA"]', "'srv-receita'"),
        # a duplicate key within a level
        ('key = "fpe"', 'key = "cage-gerencial"', "'cage-gerencial'"),
        # bad keys
        ('key = "fpe"', 'key = "FPE"', "'FPE'"),
        ('key = "fpe"', 'key = "fpé"', "'fpé'"),
        ('key = "fpe"', 'key = "' + "f" * 41 + '"', "'" + "f" * 41 + "'"),
        # services must be filed under an existing Serviços category
        ('category = "srv-receita"', 'category = "srv-nada"', "'estorno-receita'"),
        ('category = "srv-receita"', 'category = "ori-contratos"', "'estorno-receita'"),
        ('category = "srv-receita"\n', "", "'estorno-receita'"),
        # structure
        ('key = "outro"\nname = "Outro"', 'key = "outros"\nname = "Outro"\ncategory = "srv-receita"', "'outro'"),
        ('key = "outro"\nname = "Outro"', 'key = "outro"\nname = "Outro"\ncategory = "srv-receita"', "'outro'"),
        ('type = "orientacao"', 'type = "orientacoes"', "'ori-contratos'"),
        ('systems = ["cage-gerencial"]', 'systems = ["mina"]', "'sis-painel'"),
        ('subject_mode = "free"', 'subject_mode = "livre"', "'orientacao'"),
        ('subject_mode = "free"', 'subject_mode = "service"', "'orientacao'"),
        ('name = "FPE"', 'name = "FPE"\nalias = ["Finanças"]', "'fpe'"),
        ('name = "FPE"\n', "", "'fpe'"),
        ('type = "orientacao"', 'type = ["orientacao"]', "'ori-contratos'"),
        ('category = "srv-receita"', "category = 7", "'estorno-receita'"),
        ('[proa]', '[proaa]', "proaa"),
        ('phrases = ["registro de despesa"]', 'phrases = ["registro de despesa", "Registro de Despesa"]', "[proa]"),
        ('phrases = ["registro de despesa"]', 'phrases = ["registro  de despesa"]', "[proa]"),
        ('phrases = ["registro de despesa"]', 'phrases = ["registro de despesa "]', "[proa]"),
        # the one search of all texts together still finds what one text holds
        ('aliases = ["arrecadação"]', 'aliases = ["arrecadação", "\\u00a0GA"]', "'srv-receita'"),
        ('aliases = ["arrecadação"]', 'aliases = ["arrecadação\\t"]', "'srv-receita'"),
        ('aliases = ["arrecadação"]', 'aliases = ["arreca\\u0000dação", "__GA"]', "'srv-receita'"),
        ('name = "Receita"', 'name = "Receita"\ndescription = "Ajuda __aqui__."', "'srv-receita'"),
    ],
)
def test_loader_names_the_entry_to_fix(tmp_path, old, new, expected):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ValueError) as error:
        load(path)
    message = str(error.value)
    assert str(path) in message
    assert expected in message


def test_alias_clash_names_both_entries(tmp_path):
    text = MINIMAL.replace('name = "FPE"', 'name = "FPE"\naliases = ["Gerencial", "cage gerencial"]')
    with pytest.raises(ValueError) as error:
        load(write(tmp_path, text))
    assert "'fpe'" in str(error.value) and "'cage-gerencial'" in str(error.value)


def test_same_alias_is_fine_across_types_and_levels(tmp_path):
    text = MINIMAL.replace('name = "Contratos"', 'name = "Contratos"\naliases = ["arrecadação"]')
    text = text.replace('name = "FPE"', 'name = "FPE"\naliases = ["Receita"]')
    tax = load(write(tmp_path, text))
    assert "arrecadação" in tax.category("ori-contratos").aliases


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="TOML"):
        loads('[[types]]\nkey = "servicos', source="quebrado.toml")
    with pytest.raises(ValueError, match="nao-existe.toml"):
        load(tmp_path / "nao-existe.toml")
