"""Skip updates that were already handled.

Updates are acknowledged to Telegram only after they are handled (polling advances the offset
after each update; the webhook answers after handling), so nothing is lost when the bot stops
mid-update. The price is that a restart can deliver the last few handled updates again; this
middleware remembers handled update ids in Redis for a day (as long as Telegram keeps updates)
so they are not answered twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.cancellation import keep_cancellation

log = logging.getLogger(__name__)

HANDLED_UPDATE_TTL_SECONDS = 24 * 3600


class DeduplicationMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = f"tg:handled-update:{data['bot'].id}:{event.update_id}"
        if await self._already_handled(key):
            log.info("Skipping update %s: it was handled before a restart", event.update_id)
            return None
        result = await handler(event, data)
        await self._remember(key)
        return result

    async def _already_handled(self, key: str) -> bool:
        try:
            return bool(await keep_cancellation(self._redis.exists(key)))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, not checking for a redelivered update: %s", error)
            return False

    async def _remember(self, key: str) -> None:
        try:
            await keep_cancellation(self._redis.set(key, 1, ex=HANDLED_UPDATE_TTL_SECONDS))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, cannot remember a handled update: %s", error)
