"""Fault tests: the whole bot on servers of its own that the tests stop and start mid-run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import pytest
import redis.asyncio as aioredis

from db.engine import create_engine, create_session_factory
from db.migrate import upgrade
from tests.assistant.conftest import App, running_app
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused from the e2e harness)
from tests.faults.servers import ThrowawayPostgres, ThrowawayRedis


@pytest.fixture
def own_redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture
async def own_redis_client(own_redis: ThrowawayRedis) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(own_redis.url)  # as main.py builds it
    yield client
    await client.aclose()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres.create()
    if server is None:
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (the postgresql package)")
    server.start()
    upgrade(server.url)
    yield server
    server.close()


@pytest.fixture
async def own_session_factory(own_postgres: ThrowawayPostgres):
    engine = create_engine(own_postgres.url, pool_size=3)  # as main.py builds it: idle connections pinged
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def launch(bot_api, settings, session_factory, redis_client) -> AsyncIterator:  # noqa: F811
    """Starts the whole bot on the given servers; stopped before the databases are cleaned (the
    shared ones are dependencies here, and tests list their own servers before ``launch``)."""
    async with AsyncExitStack() as apps:

        async def start(session_factory, redis_client, **options) -> App:
            return await apps.enter_async_context(
                running_app(bot_api, settings, session_factory, redis_client, **options))

        yield start
