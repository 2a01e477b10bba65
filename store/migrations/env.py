"""Alembic environment of the store.

Normally run through ``store.db.migrate`` (``python -m store migrate`` or ``Store.open``), which
hands over an open connection in ``config.attributes["connection"]``. Without one (the plain
``alembic`` command), it connects to ``sqlalchemy.url`` itself.
"""

import asyncio

from alembic import context

from store.db import create_engine
from store.models import Base, UTCDateTime


def render_item(type_, obj, autogen_context):
    # Migrations spell our timestamp type as the plain column type it stores.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_with_own_engine(context.config.get_main_option("sqlalchemy.url")))
