"""Handle each update once, across restarts and across worker processes.

Updates are acknowledged to Telegram only after they are handled (polling confirms a batch once
handled; the webhook answers after handling), so nothing is lost when the bot stops mid-update.
The price is that an update can come again: after a restart, or to another webhook worker while
the first is still on it. Before handling, a worker claims the update id in Redis with one
``SET NX`` (atomic: of two workers, exactly one wins). The claim expires after
``claim_seconds`` so that a worker dying mid-update does not block the update for good; once
handled, the id is marked done for a day (as long as Telegram keeps updates) and skipped.

An update another worker is still handling raises :class:`UpdateInProgress`: the webhook answers
500 so Telegram delivers it again later (by then it is done, or the dead worker's claim has
expired), and polling retries it. A failed update releases its claim so it can be tried again.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.cancellation import keep_cancellation

log = logging.getLogger(__name__)

HANDLED_UPDATE_TTL_SECONDS = 24 * 3600
CLAIM_SECONDS = 60
DONE = b"done"

# Deletes the claim only if it is still ours (it may have expired and been taken by another worker).
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class UpdateInProgress(Exception):
    """Another worker holds the claim on this update: deliver it again later."""


class DeduplicationMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis, *, claim_seconds: int = CLAIM_SECONDS) -> None:
        self._redis = redis
        self._claim_seconds = claim_seconds
        self._worker = f"{os.getpid()}:{uuid.uuid4().hex[:8]}".encode()
        self._release = redis.register_script(RELEASE)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = f"tg:handled-update:{data['bot'].id}:{event.update_id}"
        claimed = await self._claim(key)
        if claimed is False:
            if await self._holder(key) == DONE:
                log.info("Skipping update %s: it was handled already", event.update_id)
                return None
            raise UpdateInProgress(f"update {event.update_id} is being handled by another worker")
        try:
            result = await handler(event, data)
        except BaseException:
            if claimed:
                await self._unclaim(key)
            raise
        await self._mark_done(key)
        return result

    async def _claim(self, key: str) -> bool | None:
        """True: ours; False: someone else's (or done); None: Redis is down, handle unclaimed."""
        try:
            return bool(await keep_cancellation(self._redis.set(key, self._worker, nx=True, ex=self._claim_seconds)))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, handling an update without claiming it: %s", error)
            return None

    async def _holder(self, key: str) -> bytes | None:
        try:
            return await keep_cancellation(self._redis.get(key))
        except (RedisError, OSError):
            return None

    async def _unclaim(self, key: str) -> None:
        try:
            await keep_cancellation(self._release(keys=[key], args=[self._worker]))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, the claim on %s expires on its own: %s", key, error)

    async def _mark_done(self, key: str) -> None:
        try:
            await keep_cancellation(self._redis.set(key, DONE, ex=HANDLED_UPDATE_TTL_SECONDS))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, cannot remember a handled update: %s", error)
