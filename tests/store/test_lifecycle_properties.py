"""Random sequences of actions by anyone, at any time: whatever happens, a refusal is a typed
error with a sentence and changes nothing, and a demand's fields always agree with its status."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_support import said

from store import DemandNotFound, EventKind, Status, StoreError
from store.lifecycle import waits_for_attendant

ACTIONS = {
    "receive": (), "answer": ("Resposta.",), "request_info": ("Envie.",), "comment": ("Nota.",),
    "solve": ("Feito.",), "cancel": (), "reopen": ("Motivo.",), "answer_survey": (4, None),
}
steps = st.lists(st.tuples(
    st.sampled_from(["ana", "bia", "caio", "dora"]),
    st.sampled_from(sorted(ACTIONS)),
    st.sampled_from([0, 1, 24 * 6, 24 * 8]),  # hours that pass before the action
), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
async def test_any_sequence_keeps_the_demand_consistent(sqlite_world, clock, steps):
    world = sqlite_world
    protocol = await world.open(world.ana)
    for who, action, hours in steps:
        clock.advance(hours=hours)
        before = await world.run("get_demand", world.caio, protocol)
        events_before = len(await world.run("timeline", world.caio, protocol))
        try:
            await world.run(action, getattr(world, who), protocol, *ACTIONS[action])
        except StoreError as refusal:
            assert said(refusal).strip()[-1] in ".!"
            if who == "bia":
                assert isinstance(refusal, DemandNotFound)
            assert await world.run("get_demand", world.caio, protocol) == before
            assert len(await world.run("timeline", world.caio, protocol)) == events_before
            continue
        assert who != "bia"
        after = await world.run("get_demand", world.caio, protocol)
        events = await world.run("timeline", world.caio, protocol)
        # An attendant who writes on a demand nobody holds receives it first: one event more.
        written = action in ("answer", "request_info", "solve")
        received_first = written and waits_for_attendant(before.status, before.assignee_id)
        assert len(events) == events_before + 1 + received_first
        assert not received_first or (events[1].kind is EventKind.RECEIVED and after.assignee_id is not None)
        assert events[0].author_id == getattr(world, who).person_id
        assert events[0].created_at == after.updated_at == clock.now
        closed = after.status in (Status.RESOLVIDO, Status.CANCELADO)
        assert (after.closed_at is not None) == closed
        assert not after.survey_pending or after.status is Status.RESOLVIDO
