"""Engine and session factory. Built once by the composition root and passed down."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_database_url(url: str) -> str:
    """Force the asyncpg driver whatever scheme the operator wrote (postgres://, postgresql://...)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        async_database_url(url),
        echo=echo,
        pool_size=pool_size,
        pool_pre_ping=True,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the unit of work commits.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
