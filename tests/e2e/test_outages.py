"""A database or Redis outage while handling an update: a clear reply, never silence or a traceback."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot import texts
from db.engine import create_engine, create_session_factory
from db.uow import UnitOfWork

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/nowhere"


async def test_database_outage_gets_a_temporarily_unavailable_reply(bot_api, start_bot):
    engine = create_engine(UNREACHABLE_DATABASE)
    session_factory = create_session_factory(engine)
    try:
        await start_bot(uow_factory=lambda: UnitOfWork(session_factory))
        bot_api.send_text(201, "/help")
        text = await bot_api.wait_for_text(201, "temporarily unavailable")
        assert text == texts.TEMPORARILY_UNAVAILABLE
    finally:
        await engine.dispose()


async def test_redis_outage_does_not_stop_the_bot(bot_api, start_bot):
    redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    try:
        await start_bot(redis=redis)
        bot_api.send_text(202, "/start")
        await bot_api.wait_for_text(202, "Before we start")  # FSM, rate limit, dedup all fail open
        bot_api.tap(202, "I accept")
        await bot_api.wait_for(lambda: bot_api.calls_of("editMessageText", 202))
    finally:
        await redis.aclose()
