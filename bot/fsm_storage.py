"""Dialog state (aiogram FSM) in Redis, surviving a Redis outage for everything but dialogs.

aiogram reads the state of every incoming update. With plain RedisStorage a Redis outage would
fail every update; here reads fall back to "no dialog" (logged), so commands keep working, while
writes still fail loudly because a dialog that cannot be saved cannot go on.

The update's claim (bot/middlewares/deduplication.py) reads the chat's state in the same Redis
round trip; bot/claim_reads.py hands it to the first ``get_state`` of that update.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import claim_reads
from bot.cancellation import keep_cancellation

log = logging.getLogger(__name__)

DIALOG_TTL_SECONDS = 24 * 3600


class DialogStorage(BaseStorage):
    def __init__(self, redis: Redis) -> None:
        self._redis_storage = RedisStorage(
            redis,
            key_builder=DefaultKeyBuilder(with_bot_id=True),
            state_ttl=DIALOG_TTL_SECONDS,
            data_ttl=DIALOG_TTL_SECONDS,
        )

    def state_key(self, key: StorageKey) -> str:
        """The Redis key of the dialog state of ``key``'s chat."""
        return self._redis_storage.key_builder.build(key, "state")

    async def get_state(self, key: StorageKey) -> str | None:
        value = claim_reads.take(self.state_key(key))
        if value is not claim_reads.NOT_READ:
            return value.decode() if isinstance(value, bytes) else value  # type: ignore[union-attr,return-value]
        try:
            return await keep_cancellation(self._redis_storage.get_state(key))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, treating chat %s as outside any dialog: %s", key.chat_id, error)
            return None

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        try:
            return await keep_cancellation(self._redis_storage.get_data(key))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, dialog data of chat %s not read: %s", key.chat_id, error)
            return {}

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        claim_reads.forget(self.state_key(key))  # a later read must see this change
        await keep_cancellation(self._redis_storage.set_state(key, state))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await keep_cancellation(self._redis_storage.set_data(key, data))

    async def close(self) -> None:
        """The Redis client belongs to the composition root, which closes it."""
