from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.middlewares.unit_of_work import UnitOfWorkMiddleware
from db.models import TelegramUser
from tests.bot.fakes import message


async def _count(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(TelegramUser))


async def test_a_handler_gets_a_unit_of_work_and_its_commit_persists(bot, uow_factory, session_factory):
    async def handler(event, data):
        data["uow"].session.add(TelegramUser(telegram_id=1))
        await data["uow"].commit()

    await UnitOfWorkMiddleware(uow_factory)(handler, message(bot), {})
    assert await _count(session_factory) == 1


async def test_what_a_failing_handler_did_not_commit_is_rolled_back(bot, uow_factory, session_factory):
    async def handler(event, data):
        data["uow"].session.add(TelegramUser(telegram_id=2))
        await data["uow"].flush()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await UnitOfWorkMiddleware(uow_factory)(handler, message(bot), {})
    assert await _count(session_factory) == 0
