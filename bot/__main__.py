"""`python -m bot [subcommand]`: the command line of the service.

Each subcommand is one entry of SUBCOMMANDS (arguments + an async runner); adding a channel or an
operator tool means adding an entry. With no subcommand, every configured channel runs with the
notifier (bot.service); with none configured, the terminal shell opens on the embedded database.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.config import Config
from bot.logs import configure_logging


@dataclass(frozen=True)
class Subcommand:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Config], Awaitable[int]]
    # Serves turns: the attachments directory is checked at start too (bot.preflight).
    serves: bool = True
    # The start-up checks run first (all but `check`, which runs them itself and reports).
    preflight: bool = True


def _shell_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default=None, help="your user id in the shell channel (default: your login)")
    parser.add_argument("--name", default=None, help="the name the bot knows you by")
    parser.add_argument("--locale", default="pt-BR", choices=["pt-BR", "en"], help="language of the bot")


async def _run_shell(args: argparse.Namespace, config: Config) -> int:
    from bot import shell
    from bot.app import open_app
    from bot.notifier import deliver_shell_pushes
    from bot.notifier.beside import notifier_beside

    user = args.user or _login()
    async with open_app(config) as app, notifier_beside(config, app.store) as wake_notifier:
        async def show_pushes(current: shell.Shell) -> None:
            # This user's pushes here; e-mails and other chats' pushes by the notifier beside.
            await deliver_shell_pushes(app.store, current.user, current.show)
            wake_notifier()

        return await shell.run(app.dialogs, user=user, name=args.name or user, locale=args.locale,
                               after_turn=show_pushes)


def _service(channels: list[str] | None = None, notifier: bool = False):
    """A runner for a part of the service; channels=None means every configured channel. A
    subcommand with `--no-notifier` leaves the notifier to its own process."""

    async def run(args: argparse.Namespace, config: Config) -> int:
        from bot.app import open_app
        from bot.service import configured_channels, run_service

        async with open_app(config) as app:
            await run_service(config, app.dialogs, app.store,
                              notifier=notifier and not getattr(args, "no_notifier", False),
                              channels=configured_channels(config) if channels is None else channels,
                              owns_process=True)
        return 0

    return run


def _admin_arguments(parser: argparse.ArgumentParser) -> None:
    from bot import admin

    admin.add_arguments(parser)


async def _run_admin(args: argparse.Namespace, config: Config) -> int:
    from bot import admin

    return await admin.run(args, config)


async def _run_check(args: argparse.Namespace, config: Config) -> int:
    from bot.checks import run_checks

    return await run_checks(config, sys.stdout)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _notifier_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-notifier", action="store_true",
                        help="do not deliver the outbox here (a `python -m bot notifier` does)")


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "local"


SUBCOMMANDS: dict[str, Subcommand] = {
    "shell": Subcommand(help="talk to the bot in this terminal", add_arguments=_shell_arguments, run=_run_shell),
    "telegram": Subcommand(
        help="run the Telegram bot (long polling; webhook when TELEGRAM_WEBHOOK_URL is set)",
        add_arguments=_no_arguments, run=_service(["telegram"])),
    # With or without MICROSOFT_APP_ID (without: unauthenticated, to try it locally), and with
    # the notifier in-process, so that pushes and room cards work out of the box.
    "teams": Subcommand(help="serve the Microsoft Teams bot (POST /api/messages on ECAGE_HTTP_PORT) "
                             "and deliver pushes", add_arguments=_notifier_arguments,
                        run=_service(["teams"], notifier=True)),
    "notifier": Subcommand(help="deliver timeline pushes (Telegram, Teams, e-mail) from the outbox",
                           add_arguments=_no_arguments, run=_service([], notifier=True)),
    "admin": Subcommand(help="operator tasks: attendant role, outbox", add_arguments=_admin_arguments,
                        run=_run_admin, serves=False),
    "check": Subcommand(help="connect to everything configured and say what to fix; exit 0 when all pass",
                        add_arguments=_no_arguments, run=_run_check, serves=False, preflight=False),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="e-CAGE Chat")
    commands = parser.add_subparsers(dest="command", metavar="subcommand")
    for name, command in SUBCOMMANDS.items():
        command.add_arguments(commands.add_parser(name, help=command.help))
    return parser


async def _run_default(parser: argparse.ArgumentParser, config: Config) -> int:
    from bot.service import configured_channels

    if not configured_channels(config):
        return await SUBCOMMANDS["shell"].run(parser.parse_args(["shell"]), config)
    # Every configured channel on one HTTP server, and the notifier delivering their pushes.
    return await _service(notifier=True)(parser.parse_args([]), config)


def main(argv: list[str] | None = None) -> int:
    """Every start-up failure ends as one line on stderr and EXIT_NOT_READY, never a traceback."""
    from bot import preflight
    from bot.config import ConfigError

    configure_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    command = SUBCOMMANDS.get(args.command)
    config = None
    try:
        config = Config.from_env()
        if command is None or command.preflight:
            asyncio.run(preflight.check(config, serves=command is None or command.serves))
        if command is None:
            return asyncio.run(_run_default(parser, config))
        return asyncio.run(command.run(args, config))
    except (ConfigError, preflight.NotReady) as problem:
        return _cannot_start(problem)
    except Exception as error:
        problem = preflight.explain(error, config) if config is not None else None
        if problem is None:
            raise
        return _cannot_start(problem)


def _cannot_start(problem: Exception) -> int:
    from bot.preflight import EXIT_NOT_READY

    print(f"e-CAGE Chat cannot start: {problem}", file=sys.stderr)
    return EXIT_NOT_READY


def run_with_closed_pipe(entry: Callable[[], int]) -> int:
    """`python -m bot shell ... | head -1`: the reader leaving is not an error of ours."""
    try:
        return entry()
    except BrokenPipeError:
        # Nothing more can be written; stdout is pointed elsewhere so that its flush at exit
        # does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(run_with_closed_pipe(main))
