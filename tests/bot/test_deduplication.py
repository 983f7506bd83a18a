from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from bot.middlewares.deduplication import DeduplicationMiddleware
from tests.bot.fakes import message, update_of


async def _count_calls(middleware, update, bot, times: int) -> list[int]:
    calls: list[int] = []

    async def handler(event, data):
        calls.append(event.update_id)

    for _ in range(times):
        await middleware(handler, update, {"bot": bot})
    return calls


async def test_a_redelivered_update_is_handled_once(bot, redis_client):
    update = update_of(message(bot))
    assert await _count_calls(DeduplicationMiddleware(redis_client), update, bot, 2) == [update.update_id]


async def test_a_failed_update_may_be_handled_again(bot, redis_client):
    middleware = DeduplicationMiddleware(redis_client)
    update = update_of(message(bot))

    async def failing(event, data):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await middleware(failing, update, {"bot": bot})
    assert await _count_calls(middleware, update, bot, 1) == [update.update_id]


async def test_without_redis_every_update_is_handled(bot):
    redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    update = update_of(message(bot))
    assert len(await _count_calls(DeduplicationMiddleware(redis), update, bot, 2)) == 2
    await redis.aclose()
