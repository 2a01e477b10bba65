"""Operator commands for the attendant role: grant-attendant, revoke-attendant, list.

Mounted under `python -m bot admin`; also runnable alone: `python -m bot.roles grant-attendant
--channel telegram --user-id 123456 --name "Ana Atendente"` or `... grant-attendant --email
ana@sefaz.rs.gov.br` (or `--subject <gov.br subject>`). A person is named by a channel account
(created when the bot has never met them, so the role can be granted before their first message),
or by a verified identity: an e-mail or an OpenID subject the role waits for, given only to the
person who proves it (store/identity.py), never to whoever merely typed it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Config
from store import Store
from store.attendance import attendants
from store.identity import EMAIL, OIDC, oidc_value

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
        who.add_argument("--email", help="an e-mail: the role goes to whoever verifies it (now or later)")
        who.add_argument("--subject", help="an OpenID subject of ECAGE_OIDC_ISSUER, likewise")
        parser.add_argument("--channel", choices=CHANNELS, help="the channel of --user-id (required with it)")
        parser.add_argument("--name", default=None, help="name for a person the bot has not met yet")
    parser = subparsers.add_parser(LIST, help="list the attendants")
    parser.set_defaults(roles_command=LIST)


async def run(args: argparse.Namespace, config: Config) -> int:
    if getattr(args, "user_id", None) and not args.channel:
        # A user id means nothing without its channel: the same number may be two people.
        args.roles_parser.error(f"--user-id needs --channel ({', '.join(CHANNELS)})")
    if getattr(args, "subject", None) and not config.oidc_issuer:
        args.roles_parser.error("--subject needs ECAGE_OIDC_ISSUER (a subject is unique only within its issuer)")
    store = await Store.open(config.database_url, attachments_dir=config.attachments_dir)
    try:
        if args.roles_command == LIST:
            return await _list(store)
        if args.email or args.subject:
            identity = (EMAIL, args.email) if args.email else (OIDC, oidc_value(config.oidc_issuer, args.subject))
            return await _set_role_by_identity(store, *identity, args.roles_command == GRANT)
        return await _set_role(store, args, args.roles_command == GRANT)
    finally:
        await store.close()


async def _set_role(store: Store, args: argparse.Namespace, grant: bool) -> int:
    async with store.transaction() as tx:
        if grant:
            person = await tx.ensure_person(args.channel, args.user_id, args.name or args.user_id)
        else:
            person = await tx.person_for_account(args.channel, args.user_id)
            if person is None:
                print(f"No person with the {args.channel} account {args.user_id}.", file=sys.stderr)
                return 1
        was = person.is_attendant
        person = await tx.set_attendant(person.id, grant)
    _said(person.name, grant, was)
    return 0


def _said(name: str, grant: bool, was: bool) -> None:
    if grant:
        print(f"{name} {'was already' if was else 'is now'} an attendant.")
    else:
        print(f"{name} {'is no longer' if was else 'was not'} an attendant.")


async def _set_role_by_identity(store: Store, kind: str, value: str, grant: bool) -> int:
    async with store.transaction() as tx:
        before = {person.id: person.is_attendant for person in await tx.people_by_identity(kind, value)}
        existed, people = await tx.grant_by_identity(kind, value, grant)
    for person in people:
        _said(person.name, grant, before[person.id])
    if grant and not people:
        print(f"Whoever verifies the {_KIND_NAMES[kind]} {value} will be an attendant.")
    if not grant and not people and not existed:
        print(f"No grant and no verified person with the {_KIND_NAMES[kind]} {value}.", file=sys.stderr)
        return 1
    return 0


_KIND_NAMES = {EMAIL: "e-mail", OIDC: "subject"}


async def _list(store: Store) -> int:
    async with store.transaction() as tx:
        found = await attendants(tx)
        proofs = {item.person.id: await tx.identities(item.person.id) for item in found}
        waiting = await tx.waiting_grants()
    if not found:
        print("No attendants.")
    for item in found:
        accounts = ", ".join(f"{channel}:{user}" for channel, user in item.accounts) or "no account"
        email = f" <{item.person.email}>" if item.person.email else ""
        verified = "; ".join(f"{proof.kind} {proof.value} by {proof.how}" for proof in proofs[item.person.id])
        print(f"{item.person.name}{email} — {accounts} — {'verified: ' + verified if verified else 'not verified'}")
    for kind, value in waiting:
        print(f"(waiting for whoever verifies the {_KIND_NAMES.get(kind, kind)} {value})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.roles", description="e-CAGE Chat: attendant role")
    add_arguments(parser.add_subparsers(dest="command", required=True, metavar="command"))
    args = parser.parse_args(argv)
    return asyncio.run(run(args, Config.from_env()))


if __name__ == "__main__":
    sys.exit(main())
