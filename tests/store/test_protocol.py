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
