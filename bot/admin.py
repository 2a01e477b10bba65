"""``python -m bot admin ...``: operator commands.

    python -m bot admin outbox             pending, in-flight, failed and skipped deliveries
                                           (skipped: the chat blocked the bot)
    python -m bot admin outbox retry ID    send a failed, skipped (or waiting) delivery again now

    python -m bot admin grant-attendant | revoke-attendant | list    (bot/roles.py)

Each command here is one entry of COMMANDS (its arguments and an async runner taking the open
store), so adding one is adding an entry; bot/roles.py mounts its own commands beside them.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Awaitable, Callable, TextIO

from bot.config import Config
from store import Store
from store import outbox


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Store, TextIO], Awaitable[int]]


def _outbox_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="outbox_action", metavar="action")
    retry = actions.add_parser("retry", help="send one delivery again now")
    retry.add_argument("id", type=int, help="the delivery id shown by `admin outbox`")


async def _outbox(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    if getattr(args, "outbox_action", None) == "retry":
        if await outbox.retry(store, args.id):
            print(f"Delivery {args.id} will be sent again.", file=out)
            return 0
        print(f"No failed or pending delivery {args.id}.", file=out)
        return 1
    entries = await outbox.list_outbox(store)
    if not entries:
        print("Nothing pending or failed.", file=out)
        return 0
    print(f"{'id':>6}  {'status':<8} {'tries':>5}  {'chat':<28} {'event':<16} {'protocol':<16} "
          f"{'next attempt (UTC)':<19}  last error", file=out)
    for entry in entries:
        chat = f"{entry.channel}:{entry.chat_id}"[:28]
        print(f"{entry.id:>6}  {entry.status:<8} {entry.attempts:>5}  {chat:<28} {entry.kind:<16} "
              f"{entry.protocol or '-':<16} {entry.next_attempt_at:%Y-%m-%d %H:%M:%S}  "
              f"{(entry.last_error or '')[:80]}", file=out)
    return 0


COMMANDS: dict[str, Command] = {
    "outbox": Command(help="deliveries pending, failed or skipped; `retry ID` sends one again",
                      add_arguments=_outbox_arguments, run=_outbox),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from bot import roles

    commands = parser.add_subparsers(dest="admin_command", metavar="command", required=True)
    for name, command in COMMANDS.items():
        command.add_arguments(commands.add_parser(name, help=command.help))
    roles.add_arguments(commands)


async def run(args: argparse.Namespace, config: Config, out: TextIO | None = None) -> int:
    if args.admin_command not in COMMANDS:
        from bot import roles

        return await roles.run(args, config)
    store = await Store.open(config.database_url, attachments_dir=config.attachments_dir, migrate=True)
    try:
        return await COMMANDS[args.admin_command].run(args, store, out or sys.stdout)
    finally:
        await store.close()
