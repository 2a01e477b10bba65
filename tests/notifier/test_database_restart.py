"""The database going away under a running notifier (a restart, a network cut) is survived.

The shared PostgreSQL server must not be restarted (other suites use it), so a small TCP proxy
stands between the notifier and the server: cutting it drops every connection and refuses new
ones, exactly what the notifier sees while PostgreSQL restarts."""

from __future__ import annotations

import asyncio

import pytest
from notifier_support import ANA_TG, Running, build_world, fast_options

from bot.notifier import Notifier
from store import Store
from store.lifecycle import RECEIVED_TEXT


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        self.server.close()
        for writer in list(self.pipes):
            writer.transport.abort()
        self.pipes.clear()
        await self.server.wait_closed()

    async def _serve(self, reader, writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.pipes |= {writer, upstream_writer}
        await asyncio.gather(self._pump(reader, upstream_writer), self._pump(upstream_reader, writer))

    async def _pump(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()
            self.pipes.discard(writer)


@pytest.mark.postgres
async def test_postgres_restarting_under_a_running_notifier_is_survived(postgres_live_store, api, telegram, tmp_path):
    direct = postgres_live_store
    world = await build_world(direct)
    url = direct.engine.url
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = await Store.open(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
                               attachments_dir=tmp_path / "files", migrate=False)
    try:
        async with Running(Notifier(proxied, telegram, **fast_options())) as running:
            protocol = await world.open()
            await world.run("answer", "caio", protocol, "antes da queda")
            await running.drained()
            await proxy.cut()  # the database "restarts": connections die, new ones are refused
            for n in range(4):
                await world.run("answer", "caio", protocol, f"durante a queda {n}")
            await asyncio.sleep(1.5)
            await proxy.start()  # back, on the same address
            await running.drained(timeout=20)
    finally:
        await proxied.close()
        await proxy.cut()
    answers = [m["text"].rsplit("\n", 1)[-1] for m in api.sent_to(ANA_TG)]
    # The first answer received the demand (nobody held it): that push comes first.
    assert answers == [RECEIVED_TEXT, "antes da queda"] + [f"durante a queda {n}" for n in range(4)]


@pytest.mark.postgres
async def test_postgres_wakes_the_notifier_on_notify_without_waiting_for_the_poll(postgres_live_store, api, telegram):
    world = await build_world(postgres_live_store)
    notifier = Notifier(postgres_live_store, telegram, **fast_options(poll_interval=30))
    async with Running(notifier) as running:
        # LISTEN is up (waited for, not slept on: a loaded machine takes longer); the next poll is
        # 30 s away, so only the NOTIFY can deliver within the 10 s below.
        await asyncio.wait_for(notifier.listening.wait(), 30)
        protocol = await world.open()
        await world.run("answer", "caio", protocol, "acordou pelo NOTIFY")
        await running.drained(timeout=10)
    assert api.sent_to(ANA_TG)[-1]["text"].endswith("acordou pelo NOTIFY")
