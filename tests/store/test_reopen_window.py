"""Reopening: at most 7 days after the closing, counted in whole days of Porto Alegre (the dates
the user reads), inclusive."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from store_support import raises_saying, said

from store import ReopenWindowClosed, Status

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SAO_PAULO)


async def _closed_demand(world, clock, closed_at: datetime, how: str = "solve") -> str:
    clock.set(local(2025, 1, 30, 9, 0))
    protocol = await world.open()
    clock.set(closed_at)
    if how == "solve":
        await world.run("solve", world.caio, protocol, "Feito.")
    else:
        await world.run("cancel", world.ana, protocol)
    return protocol


@pytest.mark.parametrize("how", ["solve", "cancel"])
@pytest.mark.parametrize("moment", [
    local(2025, 2, 2, 15, 0, 1),              # right after the closing
    local(2025, 2, 9, 15, 0),                 # exactly 7 days later
    local(2025, 2, 9, 23, 59, 59, 999999),    # the last instant of the 7th day
], ids=["same-day", "7-days", "end-of-7th-day"])
async def test_reopen_allowed_until_the_end_of_the_7th_day(world, clock, how, moment):
    protocol = await _closed_demand(world, clock, local(2025, 2, 2, 15, 0), how)
    clock.set(moment)
    demand = await world.run("reopen", world.ana, protocol, "Ainda com problema.")
    assert demand.status is Status.EM_ANDAMENTO


@pytest.mark.parametrize("how", ["solve", "cancel"])
async def test_reopen_refused_from_the_8th_day_saying_what_to_do(world, clock, how):
    protocol = await _closed_demand(world, clock, local(2025, 2, 2, 15, 0), how)
    clock.set(local(2025, 2, 10, 0, 0))
    with pytest.raises(ReopenWindowClosed) as refused:
        await world.run("reopen", world.ana, protocol, "Ainda com problema.")
    assert said(refused.value) == (
        "Esta demanda foi encerrada em 02/02/2025 e só podia ser reaberta até 09/02/2025 (7 dias). "
        f"Abra uma nova demanda citando o protocolo {protocol}.")
    demand = await world.run("get_demand", world.ana, protocol)
    assert demand.status is (Status.RESOLVIDO if how == "solve" else Status.CANCELADO)


async def test_days_are_counted_in_local_time(world, clock):
    # 01:30 UTC on 03/02 is still 02/02 in Porto Alegre (UTC-3): the window ends on 09/02.
    protocol = await _closed_demand(world, clock, local(2025, 2, 2, 22, 30))
    clock.set(local(2025, 2, 10, 0, 0, 1))
    with raises_saying(ReopenWindowClosed, "encerrada em 02/02/2025"):
        await world.run("reopen", world.ana, protocol, "Motivo.")


async def test_the_window_restarts_at_each_closing(world, clock):
    protocol = await _closed_demand(world, clock, local(2025, 2, 2, 15, 0))
    clock.set(local(2025, 2, 8, 10, 0))
    await world.run("reopen", world.ana, protocol, "Faltou um ajuste.")
    clock.set(local(2025, 2, 8, 11, 0))
    await world.run("solve", world.caio, protocol, "Ajustado.")
    clock.set(local(2025, 2, 15, 23, 0))  # 13 days after the first closing, 7 after the second
    demand = await world.run("reopen", world.ana, protocol, "De novo.")
    assert demand.status is Status.EM_ANDAMENTO
