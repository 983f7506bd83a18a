from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.middlewares.registration import RegistrationMiddleware
from bot.rate_limiter import RateLimiter
from bot.settings import Settings
from db.models import TelegramUser
from db.repositories.telegram import DailyUsage, TelegramUserRepository
from domain.enums import TelegramUserStatus
from tests.bot.fakes import callback, context, message, update_of


def _security(admin_ids=(), allowed_user_ids=()):
    security = Settings(env_file=None).security
    return security.model_copy(update={"admin_ids": list(admin_ids), "allowed_user_ids": list(allowed_user_ids)})


async def _run(middleware, event) -> dict | None:
    """The data the handler saw, or None when the middleware stopped the update."""
    seen = {}

    async def handler(update, data):
        seen.update(data)

    await middleware(handler, update_of(event), context(event))
    return seen or None


async def _account(session_factory, telegram_id: int) -> TelegramUser | None:
    async with session_factory() as session:
        return await TelegramUserRepository(session).get_by_telegram_id(telegram_id)


async def test_first_contact_creates_a_pending_account(bot, uow_factory, session_factory):
    data = await _run(RegistrationMiddleware(uow_factory, _security(admin_ids=[1001])), message(bot))
    user = data["current_user"]
    assert user.status is TelegramUserStatus.PENDING and user.is_admin and not user.may_trade
    account = await _account(session_factory, 1001)
    assert (account.id, account.username, account.chat_id) == (user.id, "user1001", 1001)


async def test_writing_again_refreshes_the_profile_and_clears_the_blocked_flag(bot, uow_factory, session_factory):
    middleware = RegistrationMiddleware(uow_factory, _security())
    await _run(middleware, message(bot))
    async with uow_factory() as uow:
        await uow.repo(TelegramUserRepository).mark_blocked(1001)
        await uow.commit()
    await _run(middleware, message(bot, username="renamed"))
    account = await _account(session_factory, 1001)
    assert account.username == "renamed" and not account.is_bot_blocked


@pytest.mark.parametrize(("allow_list", "may_trade"), [([], True), ([1001], True), ([5], False)])
async def test_trading_is_for_active_users_on_the_allow_list(bot, uow_factory, allow_list, may_trade):
    middleware = RegistrationMiddleware(uow_factory, _security(allowed_user_ids=allow_list))
    await _run(middleware, message(bot))
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).get_by_telegram_id(1001)
        account.status = TelegramUserStatus.ACTIVE
        await uow.commit()
    assert (await _run(middleware, message(bot)))["current_user"].may_trade is may_trade


async def test_banned_users_get_no_processing(bot, uow_factory):
    middleware = RegistrationMiddleware(uow_factory, _security())
    await _run(middleware, message(bot))
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).get_by_telegram_id(1001)
        account.status = TelegramUserStatus.BANNED
        await uow.commit()
    assert await _run(middleware, message(bot)) is None


async def test_group_chats_are_ignored(bot, uow_factory, session_factory):
    assert await _run(RegistrationMiddleware(uow_factory, _security()), message(bot, chat_type="group")) is None
    assert await _account(session_factory, 1001) is None


async def test_each_update_is_added_to_todays_counters_in_the_same_statement(bot, uow_factory, session_factory):
    clock = [datetime(2026, 3, 1, 22, 0, tzinfo=UTC)]
    middleware = RegistrationMiddleware(uow_factory, _security(), clock=lambda: clock[0])
    await _run(middleware, message(bot, "/portfolio"))  # the first contact counts too
    await _run(middleware, message(bot, "price of btc"))
    user = (await _run(middleware, callback(bot)))["current_user"]
    assert user.daily_usage == DailyUsage(messages=3, commands=1, resets_at=datetime(2026, 3, 2, tzinfo=UTC))
    account = await _account(session_factory, 1001)
    assert (account.daily_message_count, account.daily_command_count) == (3, 1)

    clock[0] = datetime(2026, 3, 2, 0, 1, tzinfo=UTC)  # a new day starts the counters again
    user = (await _run(middleware, message(bot, "/help")))["current_user"]
    assert user.daily_usage == DailyUsage(messages=1, commands=1, resets_at=datetime(2026, 3, 3, tzinfo=UTC))


async def test_the_rate_limiter_refuses_on_the_count_registration_made(bot, uow_factory, redis_client):
    middleware = RegistrationMiddleware(uow_factory, _security())
    limits = Settings(env_file=None).telegram.model_copy(update={"daily_message_limit": 2})
    limiter = RateLimiter(redis_client, uow_factory, limits)
    verdicts = []
    for _ in range(3):
        user = (await _run(middleware, message(bot)))["current_user"]
        verdicts.append(await limiter.check(user, is_command=False))
    assert verdicts[:2] == [None, None] and "limit of 2 messages" in verdicts[2].message
    async with uow_factory() as uow:  # counted once per update, not again by the limiter
        account = await uow.repo(TelegramUserRepository).get_by_telegram_id(1001)
        assert account.daily_message_count == 3
