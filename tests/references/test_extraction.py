"""Document references in free text (taxonomy/references.py over references.toml): each kind,
check digits, several in one text, and the loader's errors."""

from __future__ import annotations

import pytest

from taxonomy.references import Reference, default_references, loads, valid_cnpj, valid_cpf

REFS = default_references()


def extract(text: str) -> list[tuple[str, str]]:
    return [(ref.kind, ref.value) for ref in REFS.extract(text)]


@pytest.mark.parametrize("text, expected", [
    ("empenho 2025NE000123", ("ne", "2025NE000123")),
    ("a nota 2025ne123 não liquida", ("ne", "2025NE000123")),  # case and zeros do not matter
    ("empenho 2025 NE 000123.", ("ne", "2025NE000123")),
    ("liquidação 2025NL000456", ("nl", "2025NL000456")),
    ("NF 2024NF001234 paga", ("nf", "2024NF001234")),
    ("requisição 2025RQ000077", ("rq", "2025RQ000077")),
    ("processo PROA 25/1300-0001234-5", ("proa", "25/1300-0001234-5")),
    ("CNPJ 11.222.333/0001-81", ("cnpj", "11222333000181")),
    ("cnpj 11222333000181", ("cnpj", "11222333000181")),
    ("CPF 529.982.247-25", ("cpf", "52998224725")),
    ("cpf 52998224725", ("cpf", "52998224725")),
    ("na UO 12.01", ("uo", "12.01")),
    ("UO: 2401", ("uo", "24.01")),
])
def test_each_kind_is_recognised_in_its_canonical_form(text, expected):
    assert extract(text) == [expected]


@pytest.mark.parametrize("text", [
    "CNPJ 11.222.333/0001-82",  # last check digit wrong
    "CNPJ 11.222.333/0001-91",  # first check digit wrong
    "CNPJ 11.111.111/1111-11",  # all equal digits
    "CPF 529.982.247-24",
    "CPF 123.456.789-00",
    "cpf 00000000000",
])
def test_invalid_check_digits_are_no_reference(text):
    assert extract(text) == []


@pytest.mark.parametrize("text", [
    "telefone (51) 3214-5200", "2025NE0001234567", "X2025NE000123", "o valor 12.01 subiu",
    "protocolo CAGE-08336-T2D3", "25/1300-0001234", "em 2025 não houve NE",
])
def test_lookalikes_are_no_reference(text):
    assert extract(text) == []


def test_several_references_in_one_text_once_each_in_order():
    text = ("Empenho 2025NE000123 e liquidação 2025NL000456 do CNPJ 11.222.333/0001-81; "
            "de novo 2025NE123, CPF 529.982.247-25 (e o inválido 529.982.247-24), PROA 25/1300-0001234-5, UO 12.01")
    assert extract(text) == [("ne", "2025NE000123"), ("nl", "2025NL000456"), ("cnpj", "11222333000181"),
                             ("cpf", "52998224725"), ("proa", "25/1300-0001234-5"), ("uo", "12.01")]


def test_several_texts_are_read_together():
    assert REFS.extract("título 2025NE000123", None, "descrição 2025NE000123 e 2025RQ000001") == (
        Reference("ne", "2025NE000123"), Reference("rq", "2025RQ000001"))


def test_shown_formats_cpf_and_cnpj():
    assert REFS.shown(Reference("cnpj", "11222333000181")) == "11.222.333/0001-81"
    assert REFS.shown(Reference("cpf", "52998224725")) == "529.982.247-25"
    assert REFS.shown(Reference("ne", "2025NE000123")) == "2025NE000123"


def test_check_digit_rules():
    assert valid_cpf("52998224725") and valid_cpf("11144477735")
    assert not valid_cpf("52998224726") and not valid_cpf("5299822472")
    assert valid_cnpj("11222333000181") and not valid_cnpj("11222333000180")


@pytest.mark.parametrize("text, problem", [
    ("", "nenhum [[kind]]"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\n', "campos faltando"),
    ('[[kind]]\nkey = "NE"\npattern = "x"\ncanonical = "x"\n', "letras minúsculas"),
    ('[[kind]]\nkey = "ne"\npattern = "(unclosed"\ncanonical = "x"\n', "pattern inválido"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\ncanonical = "{m}"\n', "grupos que o pattern não tem"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\ncanonical = "{n:>4}"\n', "sem formato"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\ncanonical = "{n}"\ncheck = "iban"\n', "check 'iban'"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\ncanonical = "{n}"\nzfill = { m = 6 }\n', "zfill"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d+)"\ncanonical = "{n}"\ncolor = 1\n', "desconhecidos"),
    ('[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d)"\ncanonical = "{n}"\n'
     '[[kind]]\nkey = "ne"\npattern = "(?P<n>\\\\d)"\ncanonical = "{n}"\n', "chave repetida: ne"),
    ("kind = [", "TOML inválido"),
])
def test_the_loader_names_what_to_fix(text, problem):
    with pytest.raises(ValueError, match=problem.replace("[", r"\[")):
        loads(text)


def test_every_kind_has_its_name_in_both_languages():
    from dialogs.texts import CATALOGUE

    assert all(f"ref.kind.{key}" in CATALOGUE for key in REFS.keys)
