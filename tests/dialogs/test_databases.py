"""The dialogs on both databases (SQLite and PostgreSQL): the state is JSON both accept."""

from __future__ import annotations

import pytest
from dialog_support import Conversation, complete_profile
from sqlalchemy import text

from dialogs import Dialogs
from store.db import create_engine


@pytest.fixture
async def conv_any(store, taxonomy):
    conv = Conversation(Dialogs(store, taxonomy))
    await complete_profile(conv)
    return conv


async def starts_a_demand_titled(conv, title: str) -> None:
    await conv.press("menu:new")
    await conv.say(title)
    await conv.press("yes")


async def files_it_as_an_orientation_about(conv, category: str, theme: str) -> None:
    await conv.press("type:orientacao")
    await conv.say(category)
    await conv.say(theme)


async def describes_it_and_attaches_nothing(conv, description: str) -> None:
    await conv.say(description)
    await conv.press("skip")


async def test_open_and_follow_a_demand(conv_any):
    conv = conv_any
    await starts_a_demand_titled(conv, "Título com \x00 caractere nulo e emoji 😀")
    await files_it_as_an_orientation_about(conv, "contratos", "aditivo")
    await describes_it_and_attaches_nothing(conv, "Descrição\x07 com controle e “aspas” {chaves}")
    assert "Título: Título com caractere nulo e emoji 😀" in conv.text
    await conv.press("send")
    protocol = conv.text.split("Protocolo: ")[1].split()[0]
    await conv.say(f"status da {protocol}")
    assert "Descrição: Descrição com controle e “aspas” {chaves}" in conv.text


@pytest.mark.postgres
async def test_a_turn_after_the_server_dropped_every_connection_goes_on_where_it_was(postgres_store, taxonomy):
    """A server restart leaves the pool's connections dead; the turn that meets one runs again on a
    new connection, and the half-written demand is still there."""
    conv = Conversation(Dialogs(postgres_store, taxonomy))
    await complete_profile(conv)
    await conv.press("menu:new")
    await conv.say("Liquidação travada no FPE")
    administrator = create_engine(postgres_store.engine.url.render_as_string(hide_password=False))
    try:
        async with administrator.connect() as connection:
            dropped = await connection.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        await administrator.dispose()
    assert dropped >= 1
    await conv.press("yes")  # Conversation.send fails the test on the "unexpected error" answer
    assert "Qual é o tipo da demanda?" in conv.text
