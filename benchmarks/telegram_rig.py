"""Telegram load for the benchmarks: the tests' local Bot API server, bot processes behind their
webhooks, and simulated requesters who post updates as Telegram does and wait for the answers.

    async with BotAPI() as api:
        async with bot_processes(api, "full", database_url, count=2) as bots:
            figures = await drive(api, bots, chat_ids, counts)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from benchmarks.common import ROOT, SCRIPT, cpu_seconds
from fakes.telegram_api import FakeTelegramAPI

SECRET = "bench-" + secrets.token_hex(8)
TURN_TIMEOUT_S = 60.0


class BotAPI(FakeTelegramAPI):
    """The fake Bot API, plus what a driver of hundreds of chats needs: per-chat counts of the
    messages the bot sent and a future per waiting requester (the fake's own wait_for wakes every
    waiter on every call, which costs quadratic time at this scale)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: dict[int, int] = defaultdict(int)
        self.last: dict[int, dict] = {}  # chat -> latest bot message with buttons (or any, for the echo)
        self.repeats: dict[int, int] = defaultdict(int)
        self._shown: dict[int, tuple] = {}
        self._waiting: dict[int, tuple[int, asyncio.Future]] = {}

    async def __aenter__(self) -> BotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _notify(self) -> None:
        pass  # nobody uses wait_for here

    def _bot_message(self, params: dict, content: dict) -> dict:
        message = super()._bot_message(params, content)
        chat = message["chat"]["id"]
        shown = (message.get("text"), message.get("caption"), json.dumps(message.get("reply_markup"), sort_keys=True))
        if self._shown.get(chat) == shown:
            # The message just sent, again: a send repeated because the bot died before recording
            # it. Counted apart, so a requester waits for the answers it has not seen yet.
            self.repeats[chat] += 1
            return message
        self._shown[chat] = shown
        self.sent[chat] += 1
        if message.get("reply_markup") or chat not in self.last or not self.last[chat].get("reply_markup"):
            self.last[chat] = message
        waiting = self._waiting.get(chat)
        if waiting and self.sent[chat] >= waiting[0] and not waiting[1].done():
            waiting[1].set_result(None)
        return message

    async def until_sent(self, chat: int, count: int) -> None:
        if self.sent[chat] >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiting[chat] = (count, future)
        try:
            await asyncio.wait_for(future, TURN_TIMEOUT_S)
        finally:
            self._waiting.pop(chat, None)

    def update_for(self, chat: int, text: str, choice: str | None) -> dict:
        user = self.user(chat)
        if choice is None:
            return {"update_id": next(self._update_ids), "message": self._user_message(chat, user, {"text": text})}
        shown = {k: v for k, v in self.last[chat].items() if k != "html"}
        return {"update_id": next(self._update_ids), "callback_query": {
            "id": f"q{chat}-{shown['message_id']}", "from": user, "chat_instance": str(chat), "data": choice,
            "message": shown}}


@dataclass
class BotProcess:
    process: subprocess.Popen
    url: str

    @property
    def pid(self) -> int:
        return self.process.pid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _start(api: BotAPI, mode: str, database_url: str, attachments: str, profile: str | None) -> BotProcess:
    port = _free_port()
    command = [sys.executable, "-m", "benchmarks.botproc", "--mode", mode, "--api", api.base_url, "--token", api.token,
               "--port", str(port), "--database", database_url, "--secret", SECRET, "--attachments", attachments]
    if profile:
        command += ["--profile", profile]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = await asyncio.get_running_loop().run_in_executor(None, process.stdout.readline)
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"the {mode} bot process did not start (exit {process.wait()})")
    return BotProcess(process, f"http://127.0.0.1:{port}/telegram/hook")


@asynccontextmanager
async def bot_processes(api: BotAPI, mode: str, database_url: str = "", count: int = 1,
                        attachments: str = "/tmp", profile: str | None = None) -> AsyncIterator[list[BotProcess]]:
    """`count` bot processes; with `profile`, the first one writes cProfile statistics there."""
    bots: list[BotProcess] = []
    try:
        for number in range(count):
            bots.append(await _start(api, mode, database_url, attachments, profile if number == 0 else None))
        yield bots
    finally:
        for bot in bots:
            bot.process.send_signal(signal.SIGTERM)
        for bot in bots:
            try:
                await asyncio.get_running_loop().run_in_executor(None, bot.process.wait, 30)
            except subprocess.TimeoutExpired:
                bot.process.kill()


async def _requester(api: BotAPI, http: aiohttp.ClientSession, url: str, chat: int, counts: list[int],
                     turns: int, latencies: list[float]) -> None:
    expected = api.sent[chat]
    for (text, choice), count in itertools.islice(zip(SCRIPT, counts), turns):
        update = api.update_for(chat, text, choice)
        started = time.perf_counter()
        async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")
        expected += count
        await api.until_sent(chat, expected)
        latencies.append(time.perf_counter() - started)


async def drive(api: BotAPI, bots: list[BotProcess], chats: list[int], counts: list[int],
                turns: int = len(SCRIPT)) -> dict:
    """Every chat runs the first `turns` turns of the script at once; a chat always talks to the
    same process (as behind a load balancer hashing on the chat). Returns wall time, latencies and
    the CPU seconds the bot processes and this driver (with the Bot API server) used meanwhile."""
    latencies: list[float] = []
    cpu_before = [cpu_seconds(bot.pid) for bot in bots]
    driver_before = cpu_seconds(os.getpid())
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(_requester(api, http, bots[i % len(bots)].url, chat, counts, turns, latencies)
                               for i, chat in enumerate(chats)))
        elapsed = time.perf_counter() - started
    cpu = sum(cpu_seconds(bot.pid) - before for bot, before in zip(bots, cpu_before))
    driver_cpu = cpu_seconds(os.getpid()) - driver_before
    return {"updates": len(latencies), "elapsed_s": elapsed, "latencies": latencies, "bot_cpu_s": cpu,
            "driver_cpu_s": driver_cpu}
