"""Protocols as users type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import find_protocols, parse_protocol
from store.protocol import PROTOCOL_RE, format_protocol, random_suffix


@pytest.mark.parametrize("typed", [
    "CAGE-08336-T2D3", "cage 08336 t2d3", "CAGE08336T2D3", "08336-t2d3", "cage-08336-t2d3",
    " Cage 08336-T2D3. ", "cage_08336_t2d3", "CAGE 8336 T2D3", "cage – 08336 – t2d3",
])
def test_loosely_typed_protocols(typed):
    assert parse_protocol(typed) == "CAGE-08336-T2D3"


def test_long_numbers_keep_their_digits():
    assert parse_protocol("cage 123456 a1b2") == "CAGE-123456-A1B2"


@pytest.mark.parametrize("typed", [
    "", None, "cage", "08336", "CAGE-08336-TT33", "CAGE-08336-T2D", "CAGE-00000-T2D3",
    "minha demanda CAGE-08336-T2D3", "XCAGE-08336-T2D3",
])
def test_not_a_protocol(typed):
    assert parse_protocol(typed) is None


def test_protocols_in_a_sentence():
    text = ("Sobre a cage 08336 t2d3 e a CAGE-02221-Q0H7 (e de novo cage08336t2d3), "
            "além da 02220-d4n3; 12 a1b2 não é protocolo.")
    assert find_protocols(text) == ["CAGE-08336-T2D3", "CAGE-02221-Q0H7", "CAGE-02220-D4N3"]
    assert find_protocols("nada aqui") == []


@given(number=st.integers(min_value=1, max_value=10**8))
def test_every_generated_protocol_is_well_formed_and_parses_back(number):
    protocol = format_protocol(number, random_suffix())
    assert PROTOCOL_RE.match(protocol)
    assert parse_protocol(protocol.lower().replace("-", " ")) == protocol
    assert find_protocols(f"veja {protocol}, por favor") == [protocol]


@pytest.mark.parametrize("typed", [
    "CAGE-00001-0102", "cage 00001 0102", "cage-00001-o1o2", "CAGE 1 0102", "CAGE000010102",
    "cage 00001 O102", "cage 00001 01o2", " Cage 00001-0102. ",
])
def test_digits_typed_at_letter_positions_after_the_prefix_are_letters(typed):
    assert parse_protocol(typed) == "CAGE-00001-O1O2"


def test_only_zero_and_one_stand_for_letters_and_only_at_letter_positions():
    assert parse_protocol("CAGE-00007-1000") == "CAGE-00007-I0O0"
    assert parse_protocol("CAGE-00007-I0O0") == "CAGE-00007-I0O0"
    assert parse_protocol("CAGE-00007-2030") is None  # 2 looks like no letter
    assert parse_protocol("CAGE-00007-0I0I") is None  # letters at digit positions stay wrong
    assert parse_protocol("CAGE-00000-0102") is None


@pytest.mark.parametrize("typed", ["00001 0102", "00001-0102", "000010102", "12345 0101", "1 0102"])
def test_without_the_prefix_digits_are_not_letters(typed):
    assert parse_protocol(typed) is None


def test_digits_for_letters_in_a_sentence():
    assert find_protocols("status of CAGE-00001-0102, please") == ["CAGE-00001-O1O2"]
    assert find_protocols("qual a situação da cage 00001 0102?") == ["CAGE-00001-O1O2"]
    assert find_protocols("a CAGE-00001-O1O2 e a cage 00001 0102") == ["CAGE-00001-O1O2"]
    # Phone-like runs of digits without the prefix are no protocols.
    assert find_protocols("ligue 12345 0101 ou 98765-1010") == []


@given(number=st.integers(min_value=1, max_value=10**8), data=st.data())
def test_a_protocol_with_o_and_i_typed_as_digits_parses_back(number, data):
    suffix = data.draw(st.sampled_from("OI")) + "3" + data.draw(st.sampled_from("OIK")) + "4"
    protocol = format_protocol(number, suffix)
    typed = protocol.replace("O", "0").replace("I", "1")
    assert parse_protocol(typed) == protocol
    assert parse_protocol(typed.lower().replace("-", " ")) == protocol
    assert find_protocols(f"veja {typed}, por favor") == [protocol]
