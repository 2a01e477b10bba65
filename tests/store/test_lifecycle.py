"""The lifecycle of DESIGN.md: every transition, every refusal, the timeline and the survey."""

from __future__ import annotations

import pytest

from store import (
    RULES,
    AlreadyAssigned,
    EventKind,
    InvalidField,
    InvalidTransition,
    NotAllowed,
    Status,
    SurveyNotAvailable,
)
from store.lifecycle import RECEIVED_TEXT
from store.protocol import PROTOCOL_RE
from store_support import draft, raises_saying, said


async def test_open_demand_starts_em_andamento_with_a_creation_event(world, clock):
    async with world.store.transaction() as tx:
        demand = await tx.open_demand(world.ana.actor("tg"), draft())
    assert PROTOCOL_RE.match(demand.protocol)
    assert demand.status is Status.EM_ANDAMENTO
    assert (demand.requester_id, demand.requester_name) == (world.ana.person_id, "Ana Souza")
    assert demand.assignee_id is None and demand.closed_at is None and not demand.survey_pending
    assert demand.created_at == demand.updated_at == clock.now
    events = await world.run("timeline", world.ana, demand.protocol)
    assert [(e.kind, e.author_id, e.created_at) for e in events] == [
        (EventKind.CREATED, world.ana.person_id, clock.now)]


async def test_receive_sets_the_assignee_and_keeps_the_status(world):
    protocol = await world.open()
    demand = await world.run("receive", world.caio, protocol)
    assert demand.status is Status.EM_ANDAMENTO
    assert (demand.assignee_id, demand.assignee_name) == (world.caio.person_id, "Caio Prado")
    [received, _] = await world.run("timeline", world.ana, protocol)
    assert (received.kind, received.text, received.author_name) == (
        EventKind.RECEIVED, RECEIVED_TEXT, "Caio Prado")


async def test_receiving_a_held_demand_needs_reassign(world):
    protocol = await world.open()
    await world.run("receive", world.caio, protocol)
    with pytest.raises(AlreadyAssigned) as refused:
        await world.run("receive", world.dora, protocol)
    assert refused.value.holder_name == "Caio Prado"
    assert "Caio Prado" in said(refused.value)
    demand = await world.run("receive", world.dora, protocol, reassign=True)
    assert demand.assignee_name == "Dora Reis"
    with raises_saying(InvalidTransition, "já está com você"):
        await world.run("receive", world.dora, protocol)


async def test_answer_keeps_the_status_and_its_author_receives_a_demand_nobody_held(world):
    protocol = await world.open()
    demand = await world.run("answer", world.caio, protocol, "Verifique o cadastro do credor.")
    assert demand.status is Status.EM_ANDAMENTO and demand.assignee_name == "Caio Prado"
    [answered, received, _] = await world.run("timeline", world.ana, protocol)
    assert (answered.kind, answered.text) == (EventKind.ANSWERED, "Verifique o cadastro do credor.")
    assert (received.kind, received.text, received.author_name) == (EventKind.RECEIVED, RECEIVED_TEXT, "Caio Prado")
    # Held now: another attendant's answer leaves the demand with Caio, and is only an answer.
    demand = await world.run("answer", world.dora, protocol, "Complementando.")
    assert demand.assignee_name == "Caio Prado"
    assert [e.kind for e in await world.run("timeline", world.ana, protocol)][:2] == [EventKind.ANSWERED] * 2


async def test_request_info_then_requester_comment_is_information_sent(world):
    protocol = await world.open()
    demand = await world.run("request_info", world.caio, protocol, "Envie a nota de empenho.")
    assert demand.status is Status.AGUARDANDO
    # An attendant's comment meanwhile is just a comment: still waiting for the requester.
    demand = await world.run("comment", world.dora, protocol, "Pode ser em PDF.")
    assert demand.status is Status.AGUARDANDO
    demand = await world.run("comment", world.ana, protocol, "Segue o número: 2025NE000123.")
    assert demand.status is Status.EM_ANDAMENTO
    kinds = [e.kind for e in await world.run("timeline", world.ana, protocol)]
    assert kinds == [EventKind.INFO_SENT, EventKind.COMMENT, EventKind.INFO_REQUESTED, EventKind.RECEIVED,
                     EventKind.CREATED]


async def test_requester_comment_while_em_andamento_is_a_comment(world):
    protocol = await world.open()
    demand = await world.run("comment", world.ana, protocol, "Mais um detalhe.")
    assert demand.status is Status.EM_ANDAMENTO
    [comment, _] = await world.run("timeline", world.ana, protocol)
    assert comment.kind is EventKind.COMMENT


async def test_solve_closes_and_offers_the_survey(world, clock):
    protocol = await world.open()
    clock.advance(hours=2)
    demand = await world.run("solve", world.caio, protocol, "Retenção liberada.")
    assert demand.status is Status.RESOLVIDO
    assert demand.closed_at == clock.now and demand.survey_pending


async def test_cancel_closes_without_survey(world, clock):
    protocol = await world.open()
    demand = await world.run("cancel", world.ana, protocol)
    assert demand.status is Status.CANCELADO
    assert demand.closed_at == clock.now and not demand.survey_pending


@pytest.mark.parametrize("close", ["solve", "cancel"])
async def test_reopen_returns_to_em_andamento(world, close):
    protocol = await world.open()
    await _close(world, protocol, close)
    demand = await world.run("reopen", world.ana, protocol, "A retenção voltou a falhar.")
    assert demand.status is Status.EM_ANDAMENTO
    assert demand.closed_at is None and not demand.survey_pending
    [reopened, *_] = await world.run("timeline", world.ana, protocol)
    assert (reopened.kind, reopened.text) == (EventKind.REOPENED, "A retenção voltou a falhar.")


async def test_reopen_needs_a_reason(world):
    protocol = await world.open()
    await world.run("cancel", world.ana, protocol)
    with raises_saying(InvalidField, "motivo"):
        await world.run("reopen", world.ana, protocol, "   ")


async def test_survey_is_answered_once_per_solution(world):
    protocol = await world.open()
    await world.run("solve", world.caio, protocol, "Feito.")
    demand = await world.run("answer_survey", world.ana, protocol, 5, "Muito rápido!")
    assert not demand.survey_pending and demand.status is Status.RESOLVIDO
    [answer, *_] = await world.run("timeline", world.ana, protocol)
    assert (answer.kind, answer.rating, answer.text) == (
        EventKind.SURVEY_ANSWERED, 5, "Muito rápido!")
    with raises_saying(SurveyNotAvailable, "já foi respondida"):
        await world.run("answer_survey", world.ana, protocol, 4, None)
    # A new solution after a reopening is rated again.
    await world.run("reopen", world.ana, protocol, "Faltou um ajuste.")
    with raises_saying(SurveyNotAvailable, "depois que ela é solucionada"):
        await world.run("answer_survey", world.ana, protocol, 4, None)
    await world.run("solve", world.caio, protocol, "Ajustado.")
    demand = await world.run("answer_survey", world.ana, protocol, 3, None)
    assert not demand.survey_pending


@pytest.mark.parametrize("rating", [0, 6, True, "5", 4.5])
async def test_survey_rating_is_1_to_5(world, rating):
    protocol = await world.open()
    await world.run("solve", world.caio, protocol, "Feito.")
    with raises_saying(InvalidField, "de 1 a 5"):
        await world.run("answer_survey", world.ana, protocol, rating, None)


async def test_timeline_is_newest_first_with_authors(world, clock):
    protocol = await world.open()
    clock.advance(minutes=1)
    await world.run("receive", world.caio, protocol)
    clock.advance(minutes=1)
    await world.run("solve", world.caio, protocol, "Feito.")
    events = await world.run("timeline", world.ana, protocol)
    assert [e.kind for e in events] == [EventKind.SOLVED, EventKind.RECEIVED, EventKind.CREATED]
    assert [e.author_name for e in events] == ["Caio Prado", "Caio Prado", "Ana Souza"]
    assert events[0].created_at > events[1].created_at > events[2].created_at
    assert all(e.visibility == "public" for e in events)


# --- the whole table: each change from each status, allowed exactly where DESIGN.md says ---------

# DESIGN.md's table, transcribed: for each change, the statuses it may start from -> the result.
O, A, R, C = Status.EM_ANDAMENTO, Status.AGUARDANDO, Status.RESOLVIDO, Status.CANCELADO
DESIGN_TABLE = {
    EventKind.RECEIVED: {O: O},
    EventKind.ANSWERED: {O: O, A: A},
    EventKind.INFO_REQUESTED: {O: A, A: A},
    EventKind.INFO_SENT: {A: O},
    EventKind.COMMENT: {O: O, A: A},
    EventKind.SOLVED: {O: R, A: R},
    EventKind.CANCELLED: {O: C, A: C},
    EventKind.REOPENED: {R: O, C: O},
    EventKind.SURVEY_ANSWERED: {R: R},
}
# Who does it, and how.
CHANGES = {
    EventKind.RECEIVED: ("caio", "receive", ()),
    EventKind.ANSWERED: ("caio", "answer", ("Resposta.",)),
    EventKind.INFO_REQUESTED: ("caio", "request_info", ("Envie o documento.",)),
    EventKind.INFO_SENT: ("ana", "comment", ("Segue o documento.",)),
    EventKind.COMMENT: ("caio", "comment", ("Um comentário.",)),
    EventKind.SOLVED: ("caio", "solve", ("Resolvido.",)),
    EventKind.CANCELLED: ("ana", "cancel", ()),
    EventKind.REOPENED: ("ana", "reopen", ("Não resolveu.",)),
    EventKind.SURVEY_ANSWERED: ("ana", "answer_survey", (4, "Bom")),
}
WRITTEN = {EventKind.ANSWERED, EventKind.INFO_REQUESTED, EventKind.SOLVED}


def test_the_rules_are_the_design_table():
    def as_rule(moves):
        """(statuses it starts from, resulting status or None when the status stays)."""
        keeps = all(start is end for start, end in moves.items())
        [target] = set(moves.values()) if not keeps else [None]
        return frozenset(moves), target

    assert {kind: (rule.allowed_from, rule.to) for kind, rule in RULES.items()} == {
        kind: as_rule(moves) for kind, moves in DESIGN_TABLE.items()}


@pytest.mark.parametrize("kind", list(CHANGES), ids=lambda k: k.value)
@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.name)
async def test_transition_table(world, kind, status):
    protocol = await world.open()
    await _bring_to(world, protocol, status)
    who, method, args = CHANGES[kind]
    before = await world.run("timeline", world.ana, protocol)
    if kind is EventKind.INFO_SENT and status is Status.EM_ANDAMENTO:
        # Nothing was asked: the requester's words are an ordinary comment.
        kind = EventKind.COMMENT
    expected_status = DESIGN_TABLE[kind].get(status)
    if expected_status is not None:
        demand = await world.run(method, getattr(world, who), protocol, *args)
        assert demand.status is expected_status
        events = await world.run("timeline", world.ana, protocol)
        # An attendant who writes on a demand nobody holds receives it first (one event more).
        received_first = who == "caio" and kind in WRITTEN and status is Status.EM_ANDAMENTO
        assert events[0].kind is kind and len(events) == len(before) + 1 + received_first
    else:
        expected = SurveyNotAvailable if kind is EventKind.SURVEY_ANSWERED else InvalidTransition
        with pytest.raises(expected) as refused:
            await world.run(method, getattr(world, who), protocol, *args)
        assert protocol in said(refused.value)
        assert (await world.run("get_demand", world.ana, protocol)).status is status
        assert len(await world.run("timeline", world.ana, protocol)) == len(before)


async def test_refusal_messages_say_what_to_do(world):
    protocol = await world.open()
    await world.run("solve", world.caio, protocol, "Feito.")
    with pytest.raises(InvalidTransition) as refused:
        await world.run("comment", world.ana, protocol, "Ainda preciso de ajuda.")
    assert said(refused.value) == (
        f"Não é possível comentar na demanda {protocol}: ela está com status “Resolvido”. "
        "Se ainda precisar de algo, reabra a demanda (até 7 dias após o encerramento) "
        "ou abra uma nova citando este protocolo.")
    with pytest.raises(InvalidTransition) as refused:
        await world.run("reopen", world.ana, await world.open(), "Motivo")
    assert "não precisa ser reaberta" in said(refused.value)


async def test_requester_actions_refused_to_attendants(world):
    protocol = await world.open()
    with raises_saying(NotAllowed, "Somente quem abriu a demanda pode cancelar"):
        await world.run("cancel", world.caio, protocol)


async def _bring_to(world, protocol, status):
    if status is Status.AGUARDANDO:
        await world.run("request_info", world.caio, protocol, "Envie o documento.")
    elif status is Status.RESOLVIDO:
        await world.run("solve", world.caio, protocol, "Resolvido.")
    elif status is Status.CANCELADO:
        await world.run("cancel", world.ana, protocol)


async def _close(world, protocol, how):
    if how == "solve":
        await world.run("solve", world.caio, protocol, "Resolvido.")
    else:
        await world.run("cancel", world.ana, protocol)
