"""Who may see and do what: requesters their own demands only, attendants all of them; someone
else's protocol looks exactly like one that does not exist."""

from __future__ import annotations

import pytest
from store_support import draft, PDF, raises_saying, said

from store import Actor, DemandNotFound, NewAttachment, NotAllowed

MISSING = "CAGE-99999-Z9Z9"

# Every call that names a protocol, with arguments that would otherwise be accepted.
CALLS = [
    ("get_demand", ()),
    ("timeline", ()),
    ("comment", ("Olá",)),
    ("cancel", ()),
    ("reopen", ("Motivo",)),
    ("answer_survey", (5, None)),
    ("receive", ()),
    ("answer", ("Resposta",)),
    ("request_info", ("Envie",)),
    ("solve", ("Feito",)),
]


def _shape(error: Exception, protocol: str) -> tuple[type, str]:
    return type(error), said(error).replace(protocol, "<protocolo>")


@pytest.mark.parametrize("method,args", CALLS, ids=[c[0] for c in CALLS])
async def test_someone_elses_demand_looks_missing(world, method, args):
    protocol = await world.open(world.ana)
    with pytest.raises(DemandNotFound) as hidden:
        await world.run(method, world.bia, protocol, *args)
    with pytest.raises(DemandNotFound) as missing:
        await world.run(method, world.bia, MISSING, *args)
    assert _shape(hidden.value, protocol) == _shape(missing.value, MISSING)
    assert protocol in said(hidden.value)


async def test_attendants_see_every_demand(world):
    protocol = await world.open(world.ana)
    demand = await world.run("get_demand", world.caio, protocol)
    assert demand.requester_name == "Ana Souza"
    assert len(await world.run("timeline", world.dora, protocol)) == 1


@pytest.mark.parametrize("method,args", [c for c in CALLS if c[0] in
                                         ("receive", "answer", "request_info", "solve")])
async def test_requesters_cannot_act_as_attendants_on_their_own_demand(world, method, args):
    protocol = await world.open(world.ana)
    with raises_saying(NotAllowed, "Somente atendentes da CAGE"):
        await world.run(method, world.ana, protocol, *args)


async def test_the_database_decides_who_is_an_attendant(world):
    """A caller claiming the attendant role does not get it."""
    protocol = await world.open(world.ana)
    pretender = Actor(world.bia.person_id, is_attendant=True)
    async with world.store.transaction() as tx:
        with pytest.raises(DemandNotFound):
            await tx.get_demand(pretender, protocol)
        with pytest.raises(NotAllowed):
            await tx.queue(pretender)


@pytest.mark.parametrize("method,args", [("cancel", ()), ("reopen", ("Motivo",)),
                                         ("answer_survey", (5, None))])
async def test_attendants_cannot_act_as_the_requester(world, method, args):
    protocol = await world.open(world.ana)
    if method != "cancel":
        await world.run("solve", world.caio, protocol, "Feito.")
    with raises_saying(NotAllowed, "Somente quem abriu a demanda"):
        await world.run(method, world.caio, protocol, *args)


async def test_attachment_content_follows_the_demand(world):
    async with world.store.transaction() as tx:
        demand = await tx.open_demand(world.ana.actor(), draft(),
                                      [NewAttachment("nota.pdf", PDF)])
    attachment_id = demand.attachments[0].id
    assert await world.run("attachment_content", world.ana, attachment_id) == PDF
    assert await world.run("attachment_content", world.caio, attachment_id) == PDF
    with pytest.raises(DemandNotFound):
        await world.run("attachment_content", world.bia, attachment_id)
    with pytest.raises(DemandNotFound):
        await world.run("attachment_content", world.ana, attachment_id + 1000)


async def test_rooms_are_bound_by_attendants_only(world):
    async with world.store.transaction() as tx:
        group = await tx.ensure_chat("teams", "19:abc@thread.tacv2", "group")
        with pytest.raises(NotAllowed):
            await tx.bind_room(world.ana.actor(), group.id)
        assert (await tx.bind_room(world.dora.actor(), group.id)).is_attendant_room
        assert not (await tx.unbind_room(world.dora.actor(), group.id)).is_attendant_room

