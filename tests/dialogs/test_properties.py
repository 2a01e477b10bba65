"""Random messages at random steps: the handler never fails, always answers, keeps a valid state."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import Dialogs, Incoming, IncomingFile, load_state
from store import Actor, DemandDraft, Store
from store.db import migrate_url
from taxonomy import default_taxonomy

# Ways into the dialogs, each a script of (text, choice) messages after a completed profile.
PREFIXES = {
    "fresh": [],
    "menu": [("menu", None)],
    "title": [(None, "menu:new")],
    "type": [(None, "menu:new"), ("Título", None), ("sim", None)],
    "category": [(None, "menu:new"), ("Título", None), ("sim", None), (None, "type:servicos")],
    "subject": [(None, "menu:new"), ("Título", None), ("sim", None), (None, "type:sistemas"),
                (None, "cat:sis-erros-duvidas")],
    "description": [(None, "menu:new"), ("Título", None), ("sim", None), (None, "type:orientacao"),
                    ("contratos", None), ("aditivo", None)],
    "summary": [(None, "menu:new"), ("Título", None), ("sim", None), (None, "type:orientacao"),
                ("contratos", None), ("aditivo", None), ("Descrição.", None), ("pular", None)],
    "demand": [("nova", None)],  # replaced by a real protocol below
    "lookup": [(None, "menu:lookup")],
    "list": [(None, "menu:all")],
    "profile": [(None, "menu:profile"), (None, "pf:email")],
}

protocols = st.from_regex(r"\A(cage|CAGE)?[ -]?\d{1,6}[ -]?[A-Za-z]\d[A-Za-z]\d\Z")
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["sim", "não", "voltar", "cancelar", "menu", "ajuda", "/start", "1", "2", "9", "0", "mais",
                     "pular", "enviar", "linha do tempo", "status", "preciso liberar uma liquidação no FPE",
                     "😀🎉", "\x00\x1b[31m", "reabrir", "avaliar 5"]),
    protocols.map(lambda p: f"status da {p}"),
    protocols,
    st.integers(min_value=2001, max_value=10_000).map(lambda n: ("ção " * n)[:n]),
)
messages = st.one_of(
    texts.map(lambda text: ("text", text)),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=40).map(lambda c: ("choice", c)),
    st.integers(min_value=0, max_value=20).map(lambda n: ("offered", n)),
    st.binary(max_size=64).map(lambda data: ("file", data)),
)

_users = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One event loop, store and dialogs for every example (opening a store per example is slow)."""
    loop = asyncio.new_event_loop()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('props') / 'ecage.db'}"
    loop.run_until_complete(migrate_url(url))
    store = loop.run_until_complete(Store.open(url, migrate=False,
                                               attachments_dir=tmp_path_factory.mktemp("files")))
    yield loop, Dialogs(store, default_taxonomy())
    loop.run_until_complete(store.close())
    loop.close()


async def _setup_person(dialogs: Dialogs, user: str) -> str:
    async with dialogs.store.transaction() as tx:
        person = await tx.ensure_person("prop", user, "Pessoa")
        await tx.update_profile(person.id, email="p@rs.gov.br", phone="(51) 3214-5200", cargo="Analista",
                                organ_key="sefaz")
        demand = await tx.open_demand(Actor(person.id), DemandDraft(
            title="T", organ_key="sefaz", type_key="orientacao", category_key="ori-contratos",
            subject_key=None, subject_detail="tema", description="d"))
    return demand.protocol


async def _converse(dialogs: Dialogs, prefix: str, script: list) -> None:
    user = f"u{next(_users)}"
    protocol = await _setup_person(dialogs, user)
    offered: list[str] = []
    steps = [("text" if text is not None else "choice", text if text is not None else choice)
             for text, choice in PREFIXES[prefix]]
    if prefix == "demand":
        steps = [("text", protocol)]
    for kind, value in steps + script:
        incoming = Incoming(channel="prop", chat_id=user, user_id=user, user_name="Pessoa")
        if kind == "text":
            incoming = Incoming(**{**incoming.__dict__, "text": value})
        elif kind == "choice":
            incoming = Incoming(**{**incoming.__dict__, "choice": value})
        elif kind == "offered":
            if not offered:
                continue
            incoming = Incoming(**{**incoming.__dict__, "choice": offered[value % len(offered)]})
        else:
            incoming = Incoming(**{**incoming.__dict__, "files": (IncomingFile("f.bin", value or b"x"),)})
        replies = await dialogs.handle(incoming)
        assert replies, f"no answer to {kind} {value!r}"
        for reply in replies:
            assert reply.text.strip()
            assert "algo deu errado" not in reply.text, f"unexpected failure on {kind} {value!r}"
            for choice in reply.choices:
                assert choice.id.isascii() and len(choice.id.encode()) <= 40 and choice.label
        shown = [reply.choices for reply in replies if reply.choices]
        offered = [c.id for c in shown[-1]] if shown else []
        async with dialogs.store.transaction() as tx:
            state = await tx.load_conversation("prop", user, user)
        load_state(state, dialogs.taxonomy)  # raises InvalidState when it cannot be continued
        json.dumps(state)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(prefix=st.sampled_from(sorted(PREFIXES)), script=st.lists(messages, min_size=1, max_size=6))
def test_random_messages_never_break_the_conversation(world, prefix, script):
    loop, dialogs = world
    loop.run_until_complete(_converse(dialogs, prefix, script))
