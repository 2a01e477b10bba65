"""``python -m store migrate`` upgrades the database of ECAGE_DATABASE_URL (or --url) to the latest
schema; ``python -m store revision -m "what changed"`` writes a new migration from the models."""

from __future__ import annotations

import argparse
import asyncio
import sys

from alembic import command
from alembic.script import ScriptDirectory

from . import db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    migrate = commands.add_parser("migrate", help="upgrade the database to the latest schema")
    migrate.add_argument("--url", help="database URL (default: ECAGE_DATABASE_URL)")
    migrate.add_argument("--revision", default="head", help="the revision to upgrade to (default: head)")
    revision = commands.add_parser("revision", help="generate a migration (developers)")
    revision.add_argument("--url", help="an up-to-date database to compare the models with")
    revision.add_argument("-m", "--message", required=True, help="what the migration changes")
    args = parser.parse_args(argv)

    url = db.database_url(args.url)
    if args.command == "migrate":
        asyncio.run(db.migrate_url(url, args.revision))
        print(f"Database {db.safe_url(url)} is at the latest schema.")
    else:
        config = db.alembic_config(url)
        # Numbered revisions (0001, 0002, ...) read in order in the versions folder.
        number = len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1
        command.revision(config, message=args.message, autogenerate=True, rev_id=f"{number:04d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
