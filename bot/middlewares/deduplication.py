"""Handle each update once, across restarts and across worker processes.

Updates are acknowledged to Telegram only after they are handled (polling confirms a batch once
handled; the webhook answers after handling), so nothing is lost when the bot stops mid-update.
The price is that an update can come again: after a restart, or to another webhook worker while
the first is still on it. Before handling, a worker claims the update id in Redis with one
``SET NX`` (atomic: of two workers, exactly one wins). The claim expires after
``claim_seconds`` so that a worker dying mid-update does not block the update for good; once
handled, the id is marked done for a day (as long as Telegram keeps updates) and skipped.

The same round trip reads the chat's dialog state, which aiogram's FSM middleware (placed after
this one) would otherwise fetch on its own (bot/fsm_storage.py). A claim that fails returns who
holds it instead, so a duplicate costs no second round trip either.

An update another worker is still handling raises :class:`UpdateInProgress`: the webhook answers
500 so Telegram delivers it again later (by then it is done, or the dead worker's claim has
expired), and polling retries it. A failed update releases its claim so it can be tried again.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.cancellation import keep_cancellation
from bot.fsm_storage import read_with_claim

log = logging.getLogger(__name__)

HANDLED_UPDATE_TTL_SECONDS = 24 * 3600
CLAIM_SECONDS = 60
DONE = b"done"

# SET NX the claim (KEYS[1]); claimed: {1, the dialog state at KEYS[2] if given}, else {0, the holder}.
CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  if KEYS[2] then return {1, redis.call('GET', KEYS[2])} end
  return {1, false}
end
return {0, redis.call('GET', KEYS[1])}
"""

# Deletes the claim only if it is still ours (it may have expired and been taken by another worker).
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class UpdateInProgress(Exception):
    """Another worker holds the claim on this update: deliver it again later."""


# The Redis key of the update's dialog state (None: the update has no dialog), from the handler data.
DialogStateKey = Callable[[dict[str, Any]], str | None]


class DeduplicationMiddleware(BaseMiddleware):
    def __init__(
        self, redis: Redis, *, claim_seconds: int = CLAIM_SECONDS, dialog_state_key: DialogStateKey | None = None
    ) -> None:
        self._redis = redis
        self._claim_seconds = claim_seconds
        self._dialog_state_key = dialog_state_key
        self._worker = f"{os.getpid()}:{uuid.uuid4().hex[:8]}".encode()
        self._claim_script = redis.register_script(CLAIM)
        self._release = redis.register_script(RELEASE)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = f"tg:handled-update:{data['bot'].id}:{event.update_id}"
        state_key = self._dialog_state_key(data) if self._dialog_state_key is not None else None
        claimed, value = await self._claim(key, state_key)
        if claimed is False:
            if value == DONE:
                log.info("Skipping update %s: it was handled already", event.update_id)
                return None
            raise UpdateInProgress(f"update {event.update_id} is being handled by another worker")
        try:
            with read_with_claim(state_key, value) if claimed and state_key else nullcontext():
                result = await handler(event, data)
        except BaseException:
            if claimed:
                await self._unclaim(key)
            raise
        await self._mark_done(key)
        return result

    async def _claim(self, key: str, state_key: str | None) -> tuple[bool | None, bytes | None]:
        """(True, the dialog state): ours; (False, the holder): someone else's (or done);
        (None, None): Redis is down, handle unclaimed."""
        keys = [key] if state_key is None else [key, state_key]
        try:
            claimed, value = await keep_cancellation(
                self._claim_script(keys=keys, args=[self._worker, self._claim_seconds])
            )
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, handling an update without claiming it: %s", error)
            return None, None
        return bool(claimed), value

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
