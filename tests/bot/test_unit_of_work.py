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


async def test_an_autocommit_unit_commits_each_statement_and_the_next_unit_is_a_transaction_again(uow_factory, session_factory):
    async with uow_factory() as uow:
        await uow.autocommit()
        uow.session.add(TelegramUser(telegram_id=3))
        await uow.flush()
        assert await _count(session_factory) == 1  # committed by the statement itself, no BEGIN
        connection = await (await uow.session.connection()).get_raw_connection()
        assert connection.driver_connection.is_in_transaction() is False
    async with uow_factory() as uow:  # the same pooled connection, reset when it came back
        uow.session.add(TelegramUser(telegram_id=4))
        await uow.flush()
        assert await _count(session_factory) == 1  # in a transaction again: not visible yet
    assert await _count(session_factory) == 1  # and rolled back, never committed


async def test_autocommit_lasts_until_the_commit_and_joins_an_open_transaction(uow_factory, session_factory):
    async with uow_factory() as uow:
        await uow.autocommit()
        uow.session.add(TelegramUser(telegram_id=5))
        await uow.flush()
        await uow.commit()  # nothing left to commit: the INSERT committed itself
        uow.session.add(TelegramUser(telegram_id=6))
        await uow.flush()
        assert await _count(session_factory) == 1  # after the commit, a transaction again
        await uow.autocommit()  # a transaction is open: the next statement joins it
        uow.session.add(TelegramUser(telegram_id=7))
        await uow.flush()
        assert await _count(session_factory) == 1
        await uow.commit()
    assert await _count(session_factory) == 3
