"""Telegram load for the benchmarks: the tests' local Bot API server (in this process, `BotAPI`,
or in its own, `RemoteBotAPI`), bot processes behind their webhooks, and simulated requesters
who post updates as Telegram does and wait for the answers.

    async with RemoteBotAPI() as api:
        async with bot_processes(api, "full", database_url, count=2) as bots:
            figures = await drive(api, bots, chat_ids, counts)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from benchmarks.checkout import target
from benchmarks.common import ROOT, SCRIPT, cpu_seconds
from fakes.telegram_api import FakeTelegramAPI

SECRET = "bench-" + secrets.token_hex(8)
TURN_TIMEOUT_S = 60.0
PYSPY_VARIABLE = "ECAGE_BENCH_PYSPY"


class Tally:
    """What a driver of hundreds of chats knows of the messages the bot sent: per-chat counts,
    the latest message with buttons (or any, for the echo), when the latest arrived at the Bot
    API server, and a future per waiting requester (the fake's own wait_for wakes every waiter on
    every call, which costs quadratic time at this scale)."""

    def __init__(self, updates: FakeTelegramAPI) -> None:
        self.sent: dict[int, int] = defaultdict(int)
        self.last: dict[int, dict] = {}
        self.arrived: dict[int, list[float]] = defaultdict(list)  # chat -> time.perf_counter() of each message
        self._update_maker = updates  # whose users and message ids the updates are made of
        self._waiting: dict[int, tuple[int, asyncio.Future]] = {}
        # How long a chat may wait for its turn's messages: a benchmark's figure, a fault test's
        # patience (a test fails on a lost message, not on a loaded machine).
        self.turn_timeout = TURN_TIMEOUT_S

    def count(self, chat: int, shown: dict | None, at: float) -> None:
        """A bot message arrived at the server `at`; `shown`: it, if it becomes the chat's last."""
        self.sent[chat] += 1
        self.arrived[chat].append(at)
        if shown is not None:
            self.last[chat] = shown
        waiting = self._waiting.get(chat)
        if waiting and self.sent[chat] >= waiting[0] and not waiting[1].done():
            waiting[1].set_result(None)

    def keeps(self, chat: int, message: dict) -> bool:
        return bool(message.get("reply_markup")) or chat not in self.last or not self.last[chat].get("reply_markup")

    async def until_sent(self, chat: int, count: int) -> float:
        """Once the chat has `count` bot messages: the instant the latest arrived at the server."""
        if self.sent[chat] < count:
            future = asyncio.get_running_loop().create_future()
            self._waiting[chat] = (count, future)
            try:
                await asyncio.wait_for(future, self.turn_timeout)
            except TimeoutError:
                raise RuntimeError(f"chat {chat}: {self.sent[chat]} bot messages of {count} after "
                                   f"{self.turn_timeout:g} s") from None
            finally:
                self._waiting.pop(chat, None)
        return self.arrived[chat][-1]

    def update_for(self, chat: int, text: str, choice: str | None) -> dict:
        fake = self._update_maker
        user = fake.user(chat)
        if choice is None:
            return {"update_id": next(fake._update_ids), "message": fake._user_message(chat, user, {"text": text})}
        shown = {k: v for k, v in self.last[chat].items() if k != "html"}
        return {"update_id": next(fake._update_ids), "callback_query": {
            "id": f"q{chat}-{shown['message_id']}", "from": user, "chat_instance": str(chat), "data": choice,
            "message": shown}}


class BotAPI(FakeTelegramAPI, Tally):
    """The fake Bot API in this process, counting what the bot sends (`Tally`)."""

    def __init__(self) -> None:
        FakeTelegramAPI.__init__(self)
        Tally.__init__(self, self)
        self.repeats: dict[int, int] = defaultdict(int)
        self._shown: dict[int, tuple] = {}

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
        self.count(chat, message if self.keeps(chat, message) else None, time.perf_counter())
        return message


class RemoteBotAPI(Tally):
    """The fake Bot API in a process of its own (benchmarks/apiproc.py), as the driver sees it."""

    def __init__(self) -> None:
        updates = FakeTelegramAPI()
        # The driver numbers its users' messages, the server the bot's: apart, so they never meet.
        updates._message_ids = defaultdict(lambda: itertools.count(10**6))
        super().__init__(updates)
        self.base_url = self.token = ""
        self._process: asyncio.subprocess.Process | None = None
        self._reading: asyncio.Task | None = None

    async def __aenter__(self) -> RemoteBotAPI:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.apiproc", cwd=ROOT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"},
            limit=16 * 1024 * 1024)
        hello = json.loads(await self._process.stdout.readline())
        self.base_url, self.token = hello["base_url"], hello["token"]
        self._reading = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        self._process.stdin.close()
        await self._process.wait()
        await asyncio.gather(self._reading, return_exceptions=True)

    async def _read(self) -> None:
        while line := await self._process.stdout.readline():
            sent = json.loads(line)
            self.count(sent["chat"], sent["message"], sent["at"])


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


async def _start(api: Tally, mode: str, database_url: str, attachments: str, profile: str | None) -> BotProcess:
    port = _free_port()
    checkout = target()
    command = [checkout.python, "-m", "benchmarks.botproc", "--mode", mode, "--api", api.base_url, "--token", api.token,
               "--port", str(port), "--database", database_url, "--secret", SECRET, "--attachments", attachments]
    if profile:
        command += ["--profile", profile]
    process = subprocess.Popen(command, cwd=checkout.root, stdout=subprocess.PIPE, text=True, env=checkout.env)
    line = await asyncio.get_running_loop().run_in_executor(None, process.stdout.readline)
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"the {mode} bot process did not start (exit {process.wait()})")
    return BotProcess(process, f"http://127.0.0.1:{port}/telegram/hook")


@asynccontextmanager
async def bot_processes(api: Tally, mode: str, database_url: str = "", count: int = 1,
                        attachments: str = "/tmp", profile: str | None = None) -> AsyncIterator[list[BotProcess]]:
    """`count` bot processes of the target checkout (benchmarks/checkout.py); with `profile`, the
    first one writes cProfile statistics there. With ECAGE_BENCH_PYSPY set to a folder, py-spy
    samples the first one meanwhile and writes its stacks there (collapsed, for flame graphs)."""
    bots: list[BotProcess] = []
    sampler: subprocess.Popen | None = None
    try:
        for number in range(count):
            bots.append(await _start(api, mode, database_url, attachments, profile if number == 0 else None))
        sampler = _sample(bots[0].pid, mode)
        yield bots
    finally:
        if sampler is not None:
            sampler.send_signal(signal.SIGINT)  # py-spy writes what it sampled, then exits
            await asyncio.get_running_loop().run_in_executor(None, sampler.wait, 30)
        for bot in bots:
            bot.process.send_signal(signal.SIGTERM)
        for bot in bots:
            try:
                await asyncio.get_running_loop().run_in_executor(None, bot.process.wait, 30)
            except subprocess.TimeoutExpired:
                bot.process.kill()


def _sample(pid: int, mode: str) -> subprocess.Popen | None:
    folder = os.environ.get(PYSPY_VARIABLE)
    if not folder:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    output = Path(folder) / f"{mode}-{pid}.txt"
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "250",
                             "--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _requester(api: Tally, http: aiohttp.ClientSession, url: str, chat: int, counts: list[int],
                     turns: int, latencies: list[float]) -> None:
    expected = api.sent[chat]
    for (text, choice), count in itertools.islice(zip(SCRIPT, counts), turns):
        update = api.update_for(chat, text, choice)
        started = time.perf_counter()
        async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")
        expected += count
        latencies.append(await api.until_sent(chat, expected) - started)


async def drive(api: Tally, bots: list[BotProcess], chats: list[int], counts: list[int],
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
