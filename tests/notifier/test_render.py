"""Rendering of timeline pushes: every kind for every audience, both languages, and the one-tap
choices they carry work in the dialogs."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from samples import DRAFT

from dialogs import Dialogs, Incoming
from dialogs.events import render_email, render_push
from dialogs.render import when
from store import Actor, DemandView, EventKind, EventView, Status
from taxonomy import default_taxonomy

NOW = datetime(2025, 2, 6, 12, 48, tzinfo=timezone.utc)
DEMAND = DemandView(
    id=1, protocol="CAGE-08336-T2D3", title="Dúvidas documento credor", organ_key="sefaz",
    type_key="sistemas", category_key="sis-erros-duvidas", subject_key="fpe", subject_detail=None,
    description="Dúvidas documento credor", status=Status.RESOLVIDO, requester_id=1,
    requester_name="Ana Souza", assignee_id=2, assignee_name="Caio Prado", created_at=NOW,
    updated_at=NOW, closed_at=NOW, attachments=(), survey_pending=True)


def event(kind: EventKind, author_id: int = 2, text: str | None = "texto", rating: int | None = None) -> EventView:
    return EventView(id=9, kind=kind, author_id=author_id, author_name="Caio Prado" if author_id == 2 else "Ana Souza",
                     text=text, created_at=NOW, attachments=(), rating=rating)


@pytest.mark.parametrize("kind", list(EventKind))
@pytest.mark.parametrize("audience", ["requester", "attendants"])
@pytest.mark.parametrize("locale", ["pt-BR", "en"])
def test_every_kind_renders_for_every_audience(kind, audience, locale):
    author = 1 if kind in (EventKind.CREATED, EventKind.INFO_SENT, EventKind.CANCELLED, EventKind.REOPENED,
                           EventKind.SURVEY_ANSWERED) else 2
    [message] = render_push(event(kind, author, rating=4), DEMAND, audience, locale)
    first = message.text.split("\n")[0]
    label = "Protocolo" if locale == "pt-BR" else "Protocol"
    if kind == EventKind.CREATED and audience == "attendants":
        # The room gets the demand's card, with the buttons to act on it.
        assert first.endswith(f" | {label}: CAGE-08336-T2D3")
        assert message.card["kind"] == "attendant_card" and message.card["protocol"] == "CAGE-08336-T2D3"
    else:
        assert first.endswith(f" | {label}: CAGE-08336-T2D3 | Dúvidas documento credor")
    assert all(len(choice.id) <= 40 for choice in message.choices)


def test_a_new_demand_reaches_the_room_as_its_card():
    opened = DemandView(**{**DEMAND.__dict__, "status": Status.EM_ANDAMENTO, "assignee_id": None,
                           "assignee_name": None, "closed_at": None, "survey_pending": False})
    [card] = render_push(event(EventKind.CREATED, 1, text=None), opened, "attendants")
    lines = card.text.split("\n")
    assert lines[:2] == ["🆕 Nova Demanda | Protocolo: CAGE-08336-T2D3", "📄 CAGE-08336-T2D3 — Dúvidas documento credor"]
    for expected in ("Situação: Em Andamento", f"Aberta em: {when(opened.created_at)}", "Solicitante: Ana Souza",
                     "Atendente: ainda não atribuída", "Descrição: Dúvidas documento credor"):
        assert expected in lines
    assert [c.label for c in card.choices] == ["Receber", "Responder", "Solicitar informações", "Solucionar",
                                               "Linha do tempo"]
    assert card.choices[0].id == "atd:recv:CAGE-08336-T2D3"


def test_guide_wording_of_the_information_request():
    [message] = render_push(event(EventKind.INFO_REQUESTED, text="Envie o contrato."), DEMAND, "requester")
    assert message.text.startswith("Solicitação de Informações | Protocolo: CAGE-08336-T2D3 | Dúvidas documento "
                                   "credor\n\nSolicitamos informações e documentos adicionais.\n\nEnvie o contrato.")
    assert [c.id for c in message.choices] == ["dm:com:CAGE-08336-T2D3", "dm:show:CAGE-08336-T2D3"]
    subject, body = render_email(event(EventKind.SOLVED, text="Feito."), DEMAND)
    assert subject == "Solução de Demandas | Protocolo: CAGE-08336-T2D3 | Dúvidas documento credor"
    assert body.startswith("Demanda solucionada.\n\nFeito.\n\n-----\n\nDescrição da Ocorrência: Dúvidas documento credor")


async def test_the_survey_choice_of_a_solution_push_opens_the_survey(sqlite_store):
    async with sqlite_store.transaction() as tx:
        ana = await tx.ensure_person("shell", "ana", "Ana Souza")
        caio = await tx.ensure_person("shell", "caio", "Caio Prado")
        await tx.set_attendant(caio.id, True)
        protocol = (await tx.open_demand(Actor(ana.id), DRAFT)).protocol
        view = await tx.solve(Actor(caio.id, True), protocol, "Feito.")
        solved = (await tx.timeline(Actor(ana.id), protocol))[0]
    [push] = render_push(solved, view, "requester")
    survey = push.choices[0]
    replies = await Dialogs(sqlite_store, default_taxonomy()).handle(
        Incoming(channel="shell", chat_id="ana", user_id="ana", user_name="Ana Souza", choice=survey.id))
    assert f"Como você avalia o atendimento da demanda {protocol}" in replies[-1].text
    assert [c.id for c in replies[-1].choices][:5] == [f"r:{n}" for n in range(1, 6)]
