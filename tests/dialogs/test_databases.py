"""The dialogs on both databases (SQLite and PostgreSQL): the state is JSON both accept."""

from __future__ import annotations

import pytest

from dialogs import Dialogs
from dialog_support import Conversation, complete_profile


@pytest.fixture
async def conv_any(store, taxonomy):
    conv = Conversation(Dialogs(store, taxonomy))
    await complete_profile(conv)
    return conv


async def test_open_and_follow_a_demand(conv_any):
    conv = conv_any
    await conv.press("menu:new")
    await conv.say("Título com \x00 caractere nulo e emoji 😀")
    await conv.press("yes")
    await conv.press("type:orientacao")
    await conv.say("contratos")
    await conv.say("aditivo")
    await conv.say("Descrição\x07 com controle e “aspas” {chaves}")
    await conv.press("skip")
    assert "Título: Título com caractere nulo e emoji 😀" in conv.text
    await conv.press("send")
    protocol = conv.text.split("Protocolo: ")[1].split()[0]
    await conv.say(f"status da {protocol}")
    assert "Descrição: Descrição com controle e “aspas” {chaves}" in conv.text
