from __future__ import annotations

import pytest

from bot.middlewares.registration import RegistrationMiddleware
from bot.settings import Settings
from db.models import TelegramUser
from db.repositories.telegram import TelegramUserRepository
from domain.enums import TelegramUserStatus
from tests.bot.fakes import context, message, update_of


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
