from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.methods import AnswerCallbackQuery

from bot.current_user import CurrentUser
from bot.flags import RATE_LIMIT_EXEMPT
from bot.middlewares.rate_limit import RateLimitMiddleware
from bot.rate_limiter import RateLimiter, Refusal
from bot.settings import Settings
from db.models import TelegramUser
from db.repositories.telegram import TelegramUserRepository
from tests.bot.fakes import callback, message


def _limits(**limits):
    return Settings(env_file=None).telegram.model_copy(update=limits)


@pytest.fixture
async def current_user(uow_factory) -> CurrentUser:
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).upsert_profile(
            telegram_id=1001, chat_id=1001, username=None, first_name="A", last_name=None, language_code=None
        )
        await uow.commit()
    return CurrentUser.of(account, admin_ids=[], allowed_user_ids=[])


async def test_the_short_window_refuses_and_says_when_to_try_again(redis_client, uow_factory, current_user):
    limiter = RateLimiter(redis_client, uow_factory, _limits(rate_limit_messages=2, rate_limit_window_seconds=30))
    assert await limiter.check(current_user, is_command=False) is None
    assert await limiter.check(current_user, is_command=False) is None
    first, second = [await limiter.check(current_user, is_command=False) for _ in range(2)]
    assert first.notify and not second.notify  # told once, not once per message
    assert first.retry_in <= timedelta(seconds=30) and "try again in 30 seconds" in first.message


async def test_the_window_counter_is_the_designs_key_and_always_expires(redis_client, uow_factory, current_user):
    limiter = RateLimiter(redis_client, uow_factory, _limits(rate_limit_messages=5, rate_limit_window_seconds=60))
    await limiter.check(current_user, is_command=False)
    key = "rate_limit:telegram:1001"
    assert await redis_client.get(key) == b"1" and 0 < await redis_client.ttl(key) <= 60
    await redis_client.persist(key)  # a counter left without an expiry (e.g. by an older release) gets one
    await limiter.check(current_user, is_command=False)
    assert await redis_client.get(key) == b"2" and 0 < await redis_client.ttl(key) <= 60


async def test_daily_counters_live_on_the_account_and_reset_at_midnight(redis_client, uow_factory, session_factory, current_user):
    clock = [datetime(2026, 3, 1, 22, 0, tzinfo=UTC)]
    limiter = RateLimiter(redis_client, uow_factory, _limits(daily_message_limit=3, daily_command_limit=1), lambda: clock[0])
    assert await limiter.check(current_user, is_command=True) is None
    refusal = await limiter.check(current_user, is_command=True)
    assert "limit of 1 commands" in refusal.message and refusal.retry_in == timedelta(hours=2)
    assert await limiter.check(current_user, is_command=False) is None
    assert "limit of 3 messages" in (await limiter.check(current_user, is_command=False)).message

    async with session_factory() as session:
        account = await session.get(TelegramUser, current_user.id)
    assert (account.daily_message_count, account.daily_command_count) == (4, 2)
    assert account.rate_limit_reset_at == datetime(2026, 3, 2, tzinfo=UTC)

    clock[0] = datetime(2026, 3, 2, 0, 1, tzinfo=UTC)
    assert await limiter.check(current_user, is_command=True) is None


async def test_a_redis_outage_skips_the_short_window(uow_factory, current_user):
    redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    limiter = RateLimiter(redis, uow_factory, _limits(rate_limit_messages=1))
    assert [await limiter.check(current_user, is_command=False) for _ in range(3)] == [None, None, None]
    await redis.aclose()


class _AlwaysRefuses:
    def __init__(self, notify: bool) -> None:
        self.notify = notify

    async def check(self, user, *, is_command, counted=None):
        return Refusal("slow down", timedelta(seconds=5), self.notify)


async def _handled(event, data):
    return "handled"


def _data(current_user, flags=None) -> dict:
    return {"current_user": current_user, "handler": HandlerObject(callback=_handled, flags=flags or {})}


async def test_confirm_and_cancel_taps_are_never_limited(bot, current_user):
    middleware = RateLimitMiddleware(_AlwaysRefuses(notify=True))
    assert await middleware(_handled, callback(bot), _data(current_user, RATE_LIMIT_EXEMPT)) == "handled"


async def test_the_first_refusal_is_answered_the_next_ones_are_not(bot, api_session, current_user):
    assert await RateLimitMiddleware(_AlwaysRefuses(notify=True))(_handled, message(bot), _data(current_user)) is None
    assert await RateLimitMiddleware(_AlwaysRefuses(notify=False))(_handled, message(bot), _data(current_user)) is None
    assert api_session.sent_texts() == ["slow down"]


async def test_a_refused_tap_still_stops_the_spinner(bot, api_session, current_user):
    await RateLimitMiddleware(_AlwaysRefuses(notify=False))(_handled, callback(bot), _data(current_user))
    (answer,) = api_session.requests
    assert isinstance(answer, AnswerCallbackQuery) and answer.text is None
