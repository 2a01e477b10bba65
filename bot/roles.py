"""Operator commands for the attendant role: grant-attendant, revoke-attendant, list.

Mounted under `python -m bot admin`; also runnable alone: `python -m bot.roles grant-attendant
--channel telegram --user-id 123456 --name "Ana Atendente"` or `... grant-attendant --email
ana@sefaz.rs.gov.br`. A person is named by a channel account (created when the bot has never met
them, so the role can be granted before their first message) or by the e-mail of a known profile.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Config
from store import Store
from store.attendance import attendants

GRANT, REVOKE, LIST = "grant-attendant", "revoke-attendant", "list"
CHANNELS = ("telegram", "teams", "shell")


def add_arguments(subparsers) -> None:
    """Add the three commands to an argparse subparsers object."""
    for name, help_text in ((GRANT, "give a person the attendant role"),
                            (REVOKE, "take the attendant role away")):
        parser = subparsers.add_parser(name, help=help_text)
        parser.set_defaults(roles_command=name, roles_parser=parser)
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user-id", help="the person's user id in --channel")
        who.add_argument("--email", help="the e-mail of a person who already filled in the profile")
        parser.add_argument("--channel", choices=CHANNELS, help="the channel of --user-id (required with it)")
        parser.add_argument("--name", default=None, help="name for a person the bot has not met yet")
    parser = subparsers.add_parser(LIST, help="list the attendants")
    parser.set_defaults(roles_command=LIST)


async def run(args: argparse.Namespace, config: Config) -> int:
    if getattr(args, "user_id", None) and not args.channel:
        # A user id means nothing without its channel: the same number may be two people.
        args.roles_parser.error(f"--user-id needs --channel ({', '.join(CHANNELS)})")
    store = await Store.open(config.database_url, attachments_dir=config.attachments_dir)
    try:
        if args.roles_command == LIST:
            return await _list(store)
        return await _set_role(store, args, args.roles_command == GRANT)
    finally:
        await store.close()


async def _set_role(store: Store, args: argparse.Namespace, grant: bool) -> int:
    async with store.transaction() as tx:
        if args.email:
            person = await tx.find_person_by_email(args.email)
            if person is None:
                print(f"No person with the e-mail {args.email}: use --channel and --user-id.", file=sys.stderr)
                return 1
        elif grant:
            person = await tx.ensure_person(args.channel, args.user_id, args.name or args.user_id)
        else:
            person = await tx.person_for_account(args.channel, args.user_id)
            if person is None:
                print(f"No person with the {args.channel} account {args.user_id}.", file=sys.stderr)
                return 1
        was = person.is_attendant
        person = await tx.set_attendant(person.id, grant)
    if grant:
        print(f"{person.name} {'was already' if was else 'is now'} an attendant.")
    else:
        print(f"{person.name} {'is no longer' if was else 'was not'} an attendant.")
    return 0


async def _list(store: Store) -> int:
    async with store.transaction() as tx:
        found = await attendants(tx)
    if not found:
        print("No attendants.")
    for item in found:
        accounts = ", ".join(f"{channel}:{user}" for channel, user in item.accounts) or "no account"
        email = f" <{item.person.email}>" if item.person.email else ""
        print(f"{item.person.name}{email} — {accounts}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.roles", description="e-CAGE Chat: attendant role")
    add_arguments(parser.add_subparsers(dest="command", required=True, metavar="command"))
    args = parser.parse_args(argv)
    return asyncio.run(run(args, Config.from_env()))


if __name__ == "__main__":
    sys.exit(main())
