"""Outbound pacing shared by every process through Redis: about one message per second per chat
and about thirty per second overall (both configurable), the limits Telegram enforces with 429s.

``reserve`` books the earliest slot that respects both and returns how long to wait for it:
- per chat, the next free time (``pace:chat:{chat_id}``, ms): slots follow one another;
- overall, a count per 100 ms bucket (``pace:global:{bucket}``): a slot goes to the first bucket
  with room, so one chat waiting for its turn never holds up the others.
The script runs atomically on Redis's own clock, so concurrent senders on several hosts share
one schedule. ``pause_chat`` pushes a chat's next slot out, after Telegram's ``retry_after``.
"""

from __future__ import annotations

import asyncio
import math

from redis.asyncio import Redis

CHAT_KEY = "pace:chat:{chat_id}"
GLOBAL_PREFIX = "pace:global"
BUCKET_MS = 100

_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local chat_interval = tonumber(ARGV[1])
local bucket_ms = tonumber(ARGV[2])
local per_bucket = tonumber(ARGV[3])
local t = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local b = math.floor(t / bucket_ms)
while true do
  local key = KEYS[2] .. ':' .. b
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, bucket_ms + 60000) end
  if n <= per_bucket then break end
  b = b + 1
end
local slot = math.max(t, b * bucket_ms)
redis.call('SET', KEYS[1], slot + chat_interval, 'PX', chat_interval + 60000)
return slot - now
"""

_PAUSE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 60000)
end
return until_ms
"""


class Pacer:
    def __init__(self, redis: Redis, *, per_chat_per_second: float = 1.0, global_per_second: float = 30.0) -> None:
        if per_chat_per_second <= 0 or global_per_second <= 0:
            raise ValueError("send rates must be positive")
        self._redis = redis
        self._chat_interval_ms = max(1, round(1000 / per_chat_per_second))
        # Whole messages per bucket; rates under 10/s get longer buckets instead of a zero count.
        self._bucket_ms = max(BUCKET_MS, math.ceil(1000 / global_per_second))
        self._per_bucket = max(1, math.floor(global_per_second * self._bucket_ms / 1000))
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)

    async def reserve(self, chat_id: int) -> float:
        """Book this chat's next slot; seconds until it comes."""
        wait_ms = await self._reserve(
            keys=[CHAT_KEY.format(chat_id=chat_id), GLOBAL_PREFIX],
            args=[self._chat_interval_ms, self._bucket_ms, self._per_bucket],
        )
        return max(0, int(wait_ms)) / 1000

    async def wait_turn(self, chat_id: int) -> None:
        wait = await self.reserve(chat_id)
        if wait > 0:
            await asyncio.sleep(wait)

    async def pause_chat(self, chat_id: int, seconds: float) -> None:
        await self._pause(keys=[CHAT_KEY.format(chat_id=chat_id)], args=[max(1, round(seconds * 1000))])
