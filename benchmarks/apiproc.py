"""The local Bot API server of the benchmarks in a process of its own, so that neither the driver
(the simulated requesters) nor the bot shares its CPU time with it.

    python -m benchmarks.apiproc

Prints one JSON line with the server's base URL and token, then one line per message a bot sent
(a repeat of the message just sent is not counted: telegram_rig.BotAPI): the chat, the instant
it arrived (time.perf_counter, CLOCK_MONOTONIC: the same clock in every process of the machine,
so the driver measures a reply up to its arrival here, not up to when it heard of it) and the
message itself when the driver may press its buttons. Stops when its standard input closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.telegram_rig import BotAPI  # noqa: E402


class StreamedBotAPI(BotAPI):
    def count(self, chat: int, shown: dict | None, at: float) -> None:
        super().count(chat, shown, at)
        sys.stdout.write(json.dumps({"chat": chat, "at": at, "message": shown}) + "\n")
        sys.stdout.flush()


async def main_async() -> None:
    async with StreamedBotAPI() as api:
        print(json.dumps({"base_url": api.base_url, "token": api.token}), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # the driver closes it (or dies)


def main() -> int:
    asyncio.run(main_async())
    return 0


if __name__ == "__main__":
    sys.exit(main())
