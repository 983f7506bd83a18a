"""Alembic environment: async engine, URL from the bot's own settings.

The URL comes, in order, from ``config.attributes["database_url"]`` (set by ``main.py migrate``
and the tests), ``-x database_url=...`` on the command line, or the application settings
(``DATABASE_URL``, else the embedded server).
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from db.engine import create_engine
from db.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url") or context.get_x_argument(as_dictionary=True).get("database_url")
    if url:
        return url
    from bot.settings import load_settings
    from db.local_servers import LocalServers

    settings = load_settings()
    configured = settings.database.url.get_secret_value() if settings.database.url else None
    servers = LocalServers(settings.app.data_dir, configured, redis_url="unused")
    return servers.database_url()


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_database_url(), pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
