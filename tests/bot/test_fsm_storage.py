from __future__ import annotations

import pytest
import redis.asyncio as aioredis
from aiogram.fsm.storage.base import StorageKey
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.fsm_storage import DialogStorage

KEY = StorageKey(bot_id=1, chat_id=1001, user_id=1001)


async def test_dialog_state_round_trips_through_redis(redis_client):
    storage = DialogStorage(redis_client)
    await storage.set_state(KEY, "SettingsDialog:timezone")
    await storage.set_data(KEY, {"step": 2})
    assert await storage.get_state(KEY) == "SettingsDialog:timezone"
    assert await storage.get_data(KEY) == {"step": 2}


async def test_without_redis_reads_mean_no_dialog_and_writes_fail_loudly():
    redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    storage = DialogStorage(redis)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    with pytest.raises(RedisConnectionError):
        await storage.set_state(KEY, "SettingsDialog:timezone")
    await redis.aclose()


async def test_closing_the_dispatcher_leaves_the_shared_redis_client_open(redis_client):
    await DialogStorage(redis_client).close()
    assert await redis_client.ping()
