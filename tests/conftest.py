"""Shared fixtures: a real PostgreSQL database and a real Redis, isolated per test.

- One database per pytest process (``tsr_test_<pid>``), migrated to head once; after each test
  that used it every table is truncated, so tests never see each other's rows.
- Redis: a logical database chosen per process, flushed after each test that used it.

Servers: ``TEST_POSTGRES_URL`` (an admin URL, default the local trust-auth server) and
``TEST_REDIS_URL``. ``.ci/run`` makes sure both are answering. On a machine with neither set nor
a local server answering, the embedded servers of the quick start are used instead.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import redis as sync_redis
import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_session_factory
from db.local_servers import LocalServers
from db.migrate import upgrade
from db.models import Base
from db.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent

# test.sh runs these a second time on the embedded servers of ./run.sh's default path (Redis
# 6.2 there): the bot core (middlewares, rate limiter, dialog storage, sender, update log) and
# whole conversations, assistant and local chat.
EMBEDDED_PASS = ("tests/bot/", "tests/assistant/test_conversations.py", "tests/e2e/test_local_chat.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(EMBEDDED_PASS):
            item.add_marker(pytest.mark.embedded)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _test_servers() -> tuple[str, str]:
    postgres_url = os.environ.get("TEST_POSTGRES_URL") or None
    redis_url = os.environ.get("TEST_REDIS_URL") or None
    use_local = os.environ.get("TEST_EMBEDDED_SERVERS") != "1"
    if postgres_url is None and use_local and _answers(5432):
        postgres_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    if redis_url is None and use_local and _answers(6379):
        redis_url = "redis://127.0.0.1:6379"
    if postgres_url is None or redis_url is None:
        embedded = LocalServers(ROOT / ".data" / "test", postgres_url, redis_url)
        atexit.register(embedded.stop)
        postgres_url, redis_url = embedded.database_url(), embedded.redis_url()
    return postgres_url, redis_url


ADMIN_URL, REDIS_URL = _test_servers()


def _claim_redis_database() -> int:
    """Claims a Redis logical database (1-15) for this process with SET NX in database 0.

    Parallel pytest runs on one machine must not flush each other's keys; a claim is atomic
    where ``pid % 15`` collides. The claim expires on its own if the process dies.
    """
    client = sync_redis.Redis.from_url(REDIS_URL, db=0)
    try:
        for _ in range(600):
            for number in range(1, 16):
                key = f"tsr:test-redis-db:{number}"
                if client.set(key, os.getpid(), nx=True, ex=3600):
                    atexit.register(lambda k=key: _release(client, k))
                    return number
            time.sleep(1)
    except sync_redis.RedisError:
        pass
    return 1 + os.getpid() % 15


def _release(client, key: str) -> None:
    try:
        if client.get(key) == str(os.getpid()).encode():
            client.delete(key)
    except Exception:  # the server may already be gone at exit
        pass


REDIS_DB = _claim_redis_database()


def redis_url_of_test_database() -> str:
    """This process's Redis database as a URL for a child process: ``redis://host:port/N``, or
    ``unix:///path?db=N`` for the embedded server's socket (where a ``/N`` suffix is a bad path)."""
    if REDIS_URL.startswith("unix://"):
        separator = "&" if "?" in REDIS_URL else "?"
        return f"{REDIS_URL}{separator}db={REDIS_DB}"
    return f"{REDIS_URL.rstrip('/')}/{REDIS_DB}"


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _recreate_database(name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _fresh_database(name: str) -> Iterator[str]:
    asyncio.run(_recreate_database(name))
    yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_drop_database(name))


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A fresh, empty database for one test (no migrations applied): for migration tests."""
    yield from _fresh_database(f"tsr_scratch_{os.getpid()}")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """The shared test database of this process, migrated to head once."""
    for url in _fresh_database(f"tsr_test_{os.getpid()}"):
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session_factory(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield create_session_factory(engine)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture
def uow_factory(session_factory: async_sessionmaker[AsyncSession]):
    """Builds a new UnitOfWork per call, as the bot does per update."""
    return lambda: UnitOfWork(session_factory)


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL, db=REDIS_DB, decode_responses=False)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()
