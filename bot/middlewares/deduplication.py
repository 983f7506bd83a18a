"""Handle each update once, across restarts and across worker processes.

Updates are acknowledged to Telegram only after they are handled (polling confirms a batch once
handled; the webhook answers after handling), so nothing is lost when the bot stops mid-update.
The price is that an update can come again: after a restart, or to another webhook worker while
the first is still on it. Before handling, a worker claims the update id in Redis with one
``SET NX`` (atomic: of two workers, exactly one wins). The claim expires after
``claim_seconds`` so that a worker dying mid-update does not block the update for good; once
handled, the id is marked done for a day (as long as Telegram keeps updates) and skipped.

Updates handled at the same time claim together, in one round trip (a polled batch arrives
at once). The same round trip reads the chat's dialog state, which aiogram's FSM middleware (placed after
this one) would otherwise fetch on its own (bot/fsm_storage.py), and any other key the update is
sure to read (the assistant's open question): bot/claim_reads.py hands the values over. A claim that fails returns who
holds it instead, so a duplicate costs no second round trip either.

An update another worker is still handling raises :class:`UpdateInProgress`: the webhook answers
500 so Telegram delivers it again later (by then it is done, or the dead worker's claim has
expired), and polling retries it. A failed update releases its claim so it can be tried again.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import nullcontext
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.cancellation import keep_cancellation
from bot.claim_reads import read_with_claim
from bot.rate_limiter import COUNT_IN_WINDOW_LUA, GIVE_BACK_LUA, WINDOW_COUNT, WindowCount, window_key
from db.group_commit import GroupWrite

log = logging.getLogger(__name__)

HANDLED_UPDATE_TTL_SECONDS = 24 * 3600
CLAIM_SECONDS = 60
DONE = b"done"

# The claims of the updates handled together, one round trip for all (db/group_commit.py's
# GroupWrite). Per update, KEYS: the claim, the sender's rate-limit window ('' where there is
# none), then the keys to read (the chat's dialog state, the assistant's open question...);
# ARGV[4] the number of updates, then each update's number of keys to read.
# Per update, claimed: {1, the window count, its seconds left (both false without a window), the
# keys' values}; else {0, who holds the claim}.
CLAIM = """
local replies = {}
local k = 1
for u = 1, tonumber(ARGV[4]) do
  local reads = tonumber(ARGV[4 + u])
  local reply
  if not redis.call('SET', KEYS[k], ARGV[1], 'NX', 'EX', ARGV[2]) then
    reply = {0, redis.call('GET', KEYS[k])}
  else
    reply = {1, false, false}
    if KEYS[k + 1] ~= '' then
""" + COUNT_IN_WINDOW_LUA.format(key="KEYS[k + 1]", window="ARGV[3]") + """
      reply = {1, count, ttl}
    end
    for i = 1, reads do reply[#reply + 1] = redis.call('GET', KEYS[k + 1 + i]) end
  end
  replies[u] = reply
  k = k + 2 + reads
end
return replies
"""

# Handled: remembered as done; the window count is given back if the limits did not apply.
# KEYS: pairs of (claim, window or ''), one per handled update: concurrent updates are marked in
# one round trip (db/group_commit.py's GroupWrite), each waiting until its mark is written.
MARK_DONE = """
for i = 1, #KEYS, 2 do
  redis.call('SET', KEYS[i], ARGV[1], 'EX', ARGV[2])
  if KEYS[i + 1] ~= '' then """ + GIVE_BACK_LUA.format(key="KEYS[i + 1]") + """end
end
"""

# Failed: the claim is deleted only if it is still ours (it may have expired and been taken by
# another worker); the count is given back as above.
RELEASE = """
if KEYS[2] ~= '' then """ + GIVE_BACK_LUA.format(key="KEYS[2]") + """end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class UpdateInProgress(Exception):
    """Another worker holds the claim on this update: deliver it again later."""


# The Redis key of the update's dialog state (None: the update has no dialog), from the handler data.
DialogStateKey = Callable[[dict[str, Any]], str | None]
# More Redis keys the update will read, from the handler data; read with the claim.
KeysToRead = Callable[[dict[str, Any]], list[str]]


class DeduplicationMiddleware(BaseMiddleware):
    def __init__(
        self,
        redis: Redis,
        *,
        claim_seconds: int = CLAIM_SECONDS,
        dialog_state_key: DialogStateKey | None = None,
        rate_limit_window_seconds: int | None = None,
        also_read: KeysToRead | None = None,
    ) -> None:
        """``dialog_state_key``: read the dialog state with the claim; ``also_read``: more keys to
        read with it; ``rate_limit_window_seconds``: count the sender in the rate limiter's short
        window with it (bot/rate_limiter.py)."""
        self._redis = redis
        self._claim_seconds = claim_seconds
        self._dialog_state_key = dialog_state_key
        self._window_seconds = rate_limit_window_seconds
        self._also_read = also_read
        self._worker = f"{os.getpid()}:{uuid.uuid4().hex[:8]}".encode()
        self._claim_script = redis.register_script(CLAIM)
        self._mark_done_script = redis.register_script(MARK_DONE)
        # A Redis error is Redis's, not one update's: the batch's writers all get it at once.
        self._claims: GroupWrite[list[str], list[Any]] = GroupWrite(self._claim_together, narrow_failures=False)
        self._done_marks: GroupWrite[tuple[str, str], None] = GroupWrite(self._write_done_marks,
                                                                        narrow_failures=False)
        self._release = redis.register_script(RELEASE)

    async def close(self) -> None:
        """At shutdown: claims and done marks still queued are written (an update handled but
        not marked done would be handled again when delivered again)."""
        await self._claims.close()
        await self._done_marks.close()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = f"tg:handled-update:{data['bot'].id}:{event.update_id}"
        state_key = self._dialog_state_key(data) if self._dialog_state_key is not None else None
        to_read = ([state_key] if state_key else []) + (self._also_read(data) if self._also_read is not None else [])
        sender = data.get("event_from_user")
        window = window_key(sender.id) if sender is not None and self._window_seconds else None
        claim = await self._claim(key, window, to_read)
        if claim is not None and not claim[0]:
            if claim[1] == DONE:
                log.info("Skipping update %s: it was handled already", event.update_id)
                return None
            raise UpdateInProgress(f"update {event.update_id} is being handled by another worker")
        # None: Redis is down, the update is handled unclaimed (and the limiter counts on its own).
        counted = WindowCount(int(claim[1]), int(claim[2])) if claim is not None and window is not None else None
        if counted is not None:
            data[WINDOW_COUNT] = counted
        read = dict(zip(to_read, claim[3:], strict=True)) if claim is not None else {}
        try:
            with read_with_claim(read) if read else nullcontext():
                result = await handler(event, data)
        except BaseException:
            if claim is not None:
                await self._unclaim(key, _unused(counted, window))
            raise
        await self._mark_done(key, _unused(counted, window))
        return result

    async def _claim(self, key: str, window: str | None, to_read: list[str]) -> list[Any] | None:
        """[1, window count, seconds left, the values of ``to_read``]: ours; [0, holder]: someone
        else's (or done); None: Redis is down."""
        try:
            return await self._claims.write([key, window or "", *to_read])
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, handling an update without claiming it: %s", error)
            return None

    async def _claim_together(self, claims: Sequence[list[str]]) -> list[list[Any]]:
        keys = [key for claim in claims for key in claim]
        reads = [len(claim) - 2 for claim in claims]
        return await keep_cancellation(self._claim_script(
            keys=keys, args=[self._worker, self._claim_seconds, self._window_seconds or 0, len(claims), *reads],
        ))

    async def _unclaim(self, key: str, give_back: str | None) -> None:
        try:
            await keep_cancellation(self._release(keys=[key, give_back or ""], args=[self._worker]))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, the claim on %s expires on its own: %s", key, error)

    async def _mark_done(self, key: str, give_back: str | None) -> None:
        try:
            await self._done_marks.write((key, give_back or ""))
        except (RedisError, OSError) as error:
            log.warning("Redis unavailable, cannot remember a handled update: %s", error)

    async def _write_done_marks(self, marks: Sequence[tuple[str, str]]) -> None:
        keys = [key for mark in marks for key in mark]
        await keep_cancellation(self._mark_done_script(keys=keys, args=[DONE, HANDLED_UPDATE_TTL_SECONDS]))


def _unused(counted: WindowCount | None, window: str | None) -> str | None:
    """The window key whose count must be given back: the limits did not apply to the update."""
    return window if counted is not None and not counted.applied else None
