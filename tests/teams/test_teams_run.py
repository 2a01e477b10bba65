"""`run_teams`, what `python -m bot teams` runs: serves until told to stop."""

from __future__ import annotations

import asyncio
import os
import signal

import aiohttp
from fakes.connector import TeamsUser, visible_text

from bot.config import Config
from bot.teams import run_teams


async def test_run_teams_serves_the_endpoint_and_health_until_stopped(file_dialogs, file_store, connector, http_port):
    config = Config(http_port=http_port)
    stop = asyncio.Event()
    running = asyncio.create_task(run_teams(config, file_dialogs, file_store, stop=stop))
    base = f"http://127.0.0.1:{config.http_port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
    replies = await TeamsUser(f"{base}/api/messages", connector).adds_the_bot()
    assert "Olá, Maria Souza" in "\n".join(visible_text(r) for r in replies)
    stop.set()
    await asyncio.wait_for(running, 5)
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get(f"{base}/healthz"):
                raise AssertionError("still serving after stop")
        except aiohttp.ClientConnectionError:
            pass


async def test_python_m_bot_teams_without_an_app_id_serves_teams_and_delivers_pushes(tmp_path, connector, http_port):
    from bot.__main__ import SUBCOMMANDS, build_parser

    from store import Store

    config = Config(http_port=http_port, database_url=f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
                    attachments_dir=tmp_path / "files")
    args = build_parser().parse_args(["teams"])
    running = asyncio.create_task(SUBCOMMANDS["teams"].run(args, config))
    maria = TeamsUser(f"http://127.0.0.1:{http_port}/api/messages", connector)
    try:
        for _ in range(200):
            try:
                replies = await maria.adds_the_bot()
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        assert "Olá, Maria Souza" in "\n".join(visible_text(r) for r in replies)
        store = await Store.open(config.database_url, attachments_dir=config.attachments_dir)
        try:
            await _a_push_to(store, "aad-maria")
        finally:
            await store.close()
        for _ in range(200):
            if any("pushed" in visible_text(a) for a in connector.to(maria.conversation_id)):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("no push reached the requester")
    finally:
        # What an operator's Ctrl-C does: the service's own signal handler stops it cleanly.
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(running, 30) == 0


async def _a_push_to(store, requester_account: str) -> None:
    """An attendant answers the requester's demand: the answer is pushed to her."""
    from samples import PLAIN_DRAFT, PROFILE_FIELDS

    from store import Actor

    async with store.transaction() as tx:
        attendant = await tx.ensure_person("teams", "aad-ana", "Ana")
        await tx.set_attendant(attendant.id, True)
        requester = await tx.person_for_account("teams", requester_account)
        await tx.update_profile(requester.id, **PROFILE_FIELDS)
        protocol = (await tx.open_demand(Actor(requester.id), PLAIN_DRAFT)).protocol
        await tx.answer(Actor(attendant.id, is_attendant=True), protocol, "pushed answer")
