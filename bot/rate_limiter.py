"""How much a user may send: a short window in Redis plus daily counters on their account.

- Short window: at most ``rate_limit_messages`` per ``rate_limit_window_seconds`` (a fixed
  window counter in Redis at the design's ``rate_limit:telegram:{telegram_id}``, counted and
  given its expiry by one Lua script, so it works on every Redis from 6.2 (the embedded one) up
  and a counter can never be left without an expiry). The update's claim counts it in the same
  round trip (bot/middlewares/deduplication.py, :class:`WindowCount`). If Redis is down this check is skipped (fail open, logged): a
  flood of messages is a smaller problem than a bot that stops answering.
- Daily: ``daily_message_limit`` updates and ``daily_command_limit`` commands per UTC day,
  counted on ``telegram_users`` and reset at ``rate_limit_reset_at``. The registration
  middleware counts each update in the statement that refreshes the account (one round trip
  instead of two); a user it did not count is counted here.

A refused user is told once per period, not once per message: the first refusal claims a
notice key that lives until the user may write again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from aiogram.types import Message
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import texts
from bot.cancellation import keep_cancellation
from bot.current_user import CurrentUser
from bot.settings import TelegramSettings
from db.repositories.telegram import DailyUsage, TelegramUserRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

# INCR, and EXPIRE only when the counter has none yet (a fresh window, or one left behind
# without an expiry): what ``EXPIRE ... NX`` does on Redis 7, in commands Redis 6.2 has.
# Leaves the count and the seconds until the window ends in ``count`` and ``ttl``. A fragment,
# so that the update's claim can count in the same script (bot/middlewares/deduplication.py).
COUNT_IN_WINDOW_LUA = """
local count = redis.call('INCR', {key})
local ttl = redis.call('TTL', {key})
if ttl < 0 then
  redis.call('EXPIRE', {key}, {window})
  ttl = tonumber({window})
end
"""
COUNT_IN_WINDOW = COUNT_IN_WINDOW_LUA.format(key="KEYS[1]", window="ARGV[1]") + "return {count, ttl}\n"
# Takes back a count the limits turned out not to apply to (the counter may have expired since).
GIVE_BACK_LUA = "if redis.call('EXISTS', {key}) == 1 then redis.call('DECR', {key}) end\n"


def next_reset(now: datetime) -> datetime:
    """When today's counters start again: the next midnight, UTC."""
    return datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)


def is_slash_command(message: Message) -> bool:
    return (message.text or "").startswith("/")


def window_key(telegram_id: int) -> str:
    return f"rate_limit:telegram:{telegram_id}"


@dataclass
class WindowCount:
    """This update's count in its sender's short window, taken with the update's claim before
    routing could tell whether the limits apply. ``applied`` is set once the rate-limit middleware
    used it; otherwise (an exempt handler, no handler at all) the claim gives it back when the
    update is done, so only updates the limits apply to are counted, as before."""

    count: int
    ttl: int
    applied: bool = False


# Where the claim leaves the WindowCount in the handler data.
WINDOW_COUNT = "rate_limit_window_count"


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_in: timedelta
    # True for the first refusal of the period: only that one is answered.
    notify: bool = True


class RateLimiter:
    def __init__(
        self,
        redis: Redis,
        uow_factory: Callable[[], UnitOfWork],
        settings: TelegramSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._redis = redis
        self._uow_factory = uow_factory
        self._settings = settings
        self._clock = clock
        self._count_in_window = redis.register_script(COUNT_IN_WINDOW)

    async def check(
        self, user: CurrentUser, *, is_command: bool, counted: WindowCount | None = None
    ) -> Refusal | None:
        """Count this update (``counted``: already counted in the short window); None when it may
        be handled, else why not."""
        refusal = await self._check_window(user.telegram_id, counted) or await self._check_daily(user, is_command)
        if refusal is None:
            return None
        notify = await self._claim_notice(user.telegram_id, refusal.retry_in)
        return Refusal(refusal.message, refusal.retry_in, notify)

    async def _check_window(self, telegram_id: int, counted: WindowCount | None) -> Refusal | None:
        window = self._settings.rate_limit_window_seconds
        if counted is not None:
            counted.applied = True
            count, ttl = counted.count, counted.ttl
        else:
            try:
                count, ttl = await keep_cancellation(
                    self._count_in_window(keys=[window_key(telegram_id)], args=[window])
                )
            except (RedisError, OSError) as error:
                log.warning("Redis unavailable, short-window rate limit skipped: %s", error)
                return None
        if count <= self._settings.rate_limit_messages:
            return None
        retry_in = timedelta(seconds=ttl if ttl > 0 else window)
        return Refusal(texts.rate_limited(retry_in), retry_in)

    async def _check_daily(self, user: CurrentUser, is_command: bool) -> Refusal | None:
        now = self._clock()
        usage = user.daily_usage or await self._count(user, is_command, now)
        retry_in = usage.resets_at - now
        if usage.messages > self._settings.daily_message_limit:
            limit = self._settings.daily_message_limit
            return Refusal(texts.daily_limit_reached("messages", limit, usage.resets_at, retry_in), retry_in)
        if is_command and usage.commands > self._settings.daily_command_limit:
            limit = self._settings.daily_command_limit
            return Refusal(texts.daily_limit_reached("commands", limit, usage.resets_at, retry_in), retry_in)
        return None

    async def _count(self, user: CurrentUser, is_command: bool, now: datetime) -> DailyUsage:
        async with self._uow_factory() as uow:
            return await uow.repo(TelegramUserRepository).count_daily_usage(
                user.id, is_command=is_command, now=now, next_reset=next_reset(now)
            )

    async def _claim_notice(self, telegram_id: int, period: timedelta) -> bool:
        seconds = max(1, int(period.total_seconds()))
        try:
            notice = self._redis.set(f"{window_key(telegram_id)}:notice", 1, nx=True, ex=seconds)
            return bool(await keep_cancellation(notice))
        except (RedisError, OSError):
            return True  # better a repeated notice than a silent refusal
