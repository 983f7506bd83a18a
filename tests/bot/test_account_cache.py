"""The registration cache (bot/account_cache.py): kept accounts skip the statement, and any
change made here or in another process is seen by the next update."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot import accounts
from bot.account_cache import AccountCache
from bot.middlewares.registration import RegistrationMiddleware
from bot.middlewares.update_log import UpdateLogMiddleware
from bot.rate_limiter import RateLimiter
from bot.settings import Settings
from db.repositories.telegram import DailyUsage, TelegramUserRepository
from domain.enums import TelegramUserStatus
from tests.bot.fakes import context, message, update_of


@pytest.fixture
async def cache(redis_client):
    cache = AccountCache(redis_client)
    await cache.start()
    await asyncio.wait_for(cache.subscribed(), 5)
    yield cache
    await cache.stop()


def _registration(uow_factory, cache, **kwargs):
    return RegistrationMiddleware(uow_factory, Settings(env_file=None).security, accounts=cache, **kwargs)


async def _send(uow_factory, registration, event):
    """One update through the message log and registration, as the dispatcher runs them: what
    the handler saw as the current user (None when registration stopped the update)."""
    seen = {}

    async def handler(_update, data):
        seen["user"] = data["current_user"]

    async def registered(update, data):
        return await registration(handler, update, data)

    await UpdateLogMiddleware(uow_factory)(registered, update_of(event), context(event))
    return seen.get("user")


async def _rename_behind_its_back(session_factory, telegram_id: int, username: str) -> None:
    """A change the cache cannot hear of: what the registration statement would overwrite."""
    async with session_factory() as session:
        await session.execute(text("UPDATE telegram_users SET username = :u WHERE telegram_id = :t"),
                              {"u": username, "t": telegram_id})
        await session.commit()


async def _account(session_factory, telegram_id: int = 1001):
    async with session_factory() as session:
        return await TelegramUserRepository(session).get_by_telegram_id(telegram_id)


async def test_a_known_sender_skips_the_statement_and_is_counted_by_the_log(bot, uow_factory, session_factory, cache):
    registration = _registration(uow_factory, cache)
    await _send(uow_factory, registration, message(bot, "/start"))  # first contact: the statement
    await _rename_behind_its_back(session_factory, 1001, "renamed-in-db")
    user = await _send(uow_factory, registration, message(bot, "price of btc"))
    await _send(uow_factory, registration, message(bot, "/help"))

    account = await _account(session_factory)
    assert account.username == "renamed-in-db"  # the statement did not run again
    assert (account.daily_message_count, account.daily_command_count) == (3, 2)  # counted by the log's batch
    assert (account.total_messages, account.total_commands) == (3, 2)
    assert user.daily_usage.messages == 2 and user.daily_usage.resets_at == account.rate_limit_reset_at


async def test_a_changed_profile_runs_the_statement(bot, uow_factory, session_factory, cache):
    registration = _registration(uow_factory, cache)
    await _send(uow_factory, registration, message(bot))
    await _send(uow_factory, registration, message(bot, username="new_name"))
    assert (await _account(session_factory)).username == "new_name"


async def test_a_ban_in_this_process_stops_the_next_update(bot, uow_factory, cache):
    registration = _registration(uow_factory, cache)
    assert await _send(uow_factory, registration, message(bot)) is not None
    async with uow_factory() as uow:
        await accounts.set_banned(uow, 1001, True)
    assert await _send(uow_factory, registration, message(bot)) is None


async def test_accepting_the_terms_and_a_language_change_are_seen_at_once(bot, uow_factory, cache):
    registration = _registration(uow_factory, cache)
    user = await _send(uow_factory, registration, message(bot))
    assert user.status is TelegramUserStatus.PENDING
    async with uow_factory() as uow:
        await accounts.accept_terms(uow, user.id)
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).get(user.id)
        account.language = "ru"
        await uow.commit()
    user = await _send(uow_factory, registration, message(bot))
    assert (user.status, user.language, user.user_id is not None) == (TelegramUserStatus.ACTIVE, "ru", True)


async def test_a_ban_made_by_another_process_is_heard_through_redis(bot, uow_factory, session_factory, cache,
                                                                    redis_client):
    registration = _registration(uow_factory, cache)
    await _send(uow_factory, registration, message(bot))
    # The other process bans with its own session (this process hears nothing from the database)
    # and its cache publishes the change, as below.
    async with session_factory() as session:
        await session.execute(text("UPDATE telegram_users SET status = 'banned' WHERE telegram_id = 1001"))
        await session.commit()
    assert await redis_client.publish(cache.channel, "1001") >= 1
    for _ in range(100):  # the listener drops the copy when the message arrives
        if cache.get(1001, (1001, "user1001", "User1001", None, None)) is None:
            break
        await asyncio.sleep(0.01)
    assert await _send(uow_factory, registration, message(bot)) is None


async def test_a_commit_here_is_published_for_the_other_processes(bot, uow_factory, cache, redis_client):
    registration = _registration(uow_factory, cache)
    user = await _send(uow_factory, registration, message(bot))
    async with redis_client.pubsub() as other_process:
        await other_process.subscribe(cache.channel)
        await other_process.get_message(timeout=1)  # the subscription's confirmation
        async with uow_factory() as uow:
            await accounts.accept_terms(uow, user.id)
        heard = await other_process.get_message(ignore_subscribe_messages=True, timeout=2)
        async with uow_factory() as uow:  # a chat that blocked the bot: a bulk update, everyone
            await uow.repo(TelegramUserRepository).mark_blocked(1001)
            await uow.commit()
        heard_all = await other_process.get_message(ignore_subscribe_messages=True, timeout=2)
    assert heard["data"] == b"1001" and heard_all["data"] == b"*"


async def test_the_blocked_flag_is_cleared_by_the_next_message(bot, uow_factory, session_factory, cache):
    registration = _registration(uow_factory, cache)
    await _send(uow_factory, registration, message(bot))
    async with uow_factory() as uow:
        await uow.repo(TelegramUserRepository).mark_blocked(1001)
        await uow.commit()
    await _send(uow_factory, registration, message(bot))
    assert not (await _account(session_factory)).is_bot_blocked


async def test_copies_expire(bot, uow_factory, session_factory, redis_client):
    now = [0.0]
    cache = AccountCache(redis_client, ttl_seconds=30, clock=lambda: now[0])
    await cache.start()
    await asyncio.wait_for(cache.subscribed(), 5)
    try:
        registration = _registration(uow_factory, cache)
        await _send(uow_factory, registration, message(bot))
        await _rename_behind_its_back(session_factory, 1001, "renamed-in-db")
        now[0] = 31.0
        await _send(uow_factory, registration, message(bot))
        assert (await _account(session_factory)).username == "user1001"  # read (and refreshed) again
    finally:
        await cache.stop()


async def test_without_the_change_channel_nothing_is_served_from_the_cache(bot, uow_factory, session_factory,
                                                                          redis_client):
    cache = AccountCache(redis_client)  # not started: changes elsewhere could not be heard
    registration = _registration(uow_factory, cache)
    await _send(uow_factory, registration, message(bot))
    await _rename_behind_its_back(session_factory, 1001, "renamed-in-db")
    await _send(uow_factory, registration, message(bot))
    assert (await _account(session_factory)).username == "user1001"


async def test_the_daily_limit_holds_for_cached_senders_and_a_new_day_starts_again(bot, uow_factory, cache,
                                                                                 redis_client):
    clock = [datetime(2026, 3, 1, 23, 59, tzinfo=UTC)]
    registration = _registration(uow_factory, cache, clock=lambda: clock[0])
    limits = Settings(env_file=None).telegram.model_copy(update={"daily_message_limit": 2})
    limiter = RateLimiter(redis_client, uow_factory, limits)
    verdicts = []
    for _ in range(3):
        user = await _send(uow_factory, registration, message(bot))
        verdicts.append(await limiter.check(user, is_command=False))
    assert verdicts[:2] == [None, None] and "limit of 2 messages" in verdicts[2].message

    clock[0] = datetime(2026, 3, 2, 0, 1, tzinfo=UTC)
    user = await _send(uow_factory, registration, message(bot))
    assert user.daily_usage == DailyUsage(messages=1, commands=0, resets_at=datetime(2026, 3, 3, tzinfo=UTC))
