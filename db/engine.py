"""Engine and session factory. Built once by the composition root and passed down."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, Pool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_database_url(url: str) -> str:
    """Force the asyncpg driver whatever scheme the operator wrote (postgres://, postgresql://...)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


# A pooled connection idle for longer than this is pinged before use (the server may have
# restarted meanwhile); busier ones are not: a ping is three round trips (BEGIN, ";", ROLLBACK)
# on every checkout, more than most units of work cost. A connection that breaks while busy is
# still detected: the failed statement invalidates the pool.
PING_AFTER_IDLE_SECONDS = 1.0


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    engine = create_async_engine(async_database_url(url), echo=echo, pool_size=pool_size, max_overflow=max_overflow)
    _ping_idle_connections(engine.sync_engine.pool)
    return engine


def _ping_idle_connections(pool: Pool) -> None:
    @event.listens_for(pool, "checkin")
    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:  # the pool replaces the connection and tries again
            raise DisconnectionError(str(error)) from error


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the unit of work commits.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
