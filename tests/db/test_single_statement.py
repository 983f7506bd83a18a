"""A statement run on its own, straight on the driver (db/single_statement.py)."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from sqlalchemy import bindparam, func, insert, select

from db.models import TelegramUser
from db.repositories.telegram import TelegramUserRepository
from db.single_statement import run_alone
from domain.enums import TelegramUserStatus

_USERS = TelegramUser.__table__
_INSERT = insert(_USERS).values(telegram_id=bindparam("telegram_id"), status=bindparam("status")).returning(
    _USERS.c.id, _USERS.c.status, _USERS.c.notification_types
)


async def _count(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(TelegramUser))


async def test_outside_a_transaction_it_commits_on_its_own_and_reads_back_typed_values(uow_factory, session_factory):
    async with uow_factory() as uow:
        (row,) = await run_alone(uow.session, _INSERT, {"telegram_id": 1, "status": TelegramUserStatus.ACTIVE})
        assert await _count(session_factory) == 1  # no commit() called: committed already
        assert uow.session.in_transaction() is False
    assert isinstance(row["id"], uuid.UUID)
    assert row["status"] is TelegramUserStatus.ACTIVE
    assert isinstance(row["notification_types"], dict)  # JSONB decoded as the session would


async def test_in_an_open_transaction_it_joins_it_and_rolls_back_with_it(uow_factory, session_factory):
    async with uow_factory() as uow:
        uow.session.add(TelegramUser(telegram_id=2))
        await uow.flush()  # a transaction is open now
        (row,) = await run_alone(uow.session, _INSERT, {"telegram_id": 3, "status": TelegramUserStatus.PENDING})
        assert row["status"] is TelegramUserStatus.PENDING
        assert await _count(session_factory) == 0  # not visible outside the transaction
    assert await _count(session_factory) == 0  # never committed


async def test_a_refused_statement_raises_and_the_pool_stays_usable(uow_factory, session_factory):
    parameters = {"telegram_id": 4, "status": TelegramUserStatus.ACTIVE}
    async with uow_factory() as uow:
        await run_alone(uow.session, _INSERT, parameters)
        with pytest.raises(asyncpg.UniqueViolationError):
            await run_alone(uow.session, _INSERT, parameters)
        await run_alone(uow.session, _INSERT, {**parameters, "telegram_id": 5})
    assert await _count(session_factory) == 2


async def test_the_registration_upsert_returns_the_account_it_wrote(uow_factory):
    async with uow_factory() as uow:
        users = uow.repo(TelegramUserRepository)
        first = await users.upsert_profile(
            telegram_id=6, chat_id=6, username="a", first_name="A", last_name=None, language_code="ru", language="ru"
        )
        again = await users.upsert_profile(
            telegram_id=6, chat_id=6, username="b", first_name="A", last_name=None, language_code="en"
        )
    assert again.id == first.id and again.status is TelegramUserStatus.PENDING
    assert (again.username, again.language) == ("b", "ru")  # the profile refreshed, the language kept


async def test_a_statement_whose_sql_changes_per_call_is_refused(uow_factory):
    expanding = select(_USERS.c.id).where(_USERS.c.telegram_id.in_(bindparam("ids", expanding=True)))
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="not a fixed statement"):
            await run_alone(uow.session, expanding, {"ids": [1]})


async def test_a_missing_parameter_is_an_error_not_a_null(uow_factory, session_factory):
    async with uow_factory() as uow:
        with pytest.raises(KeyError, match="status"):
            await run_alone(uow.session, _INSERT, {"telegram_id": 7})
    assert await _count(session_factory) == 0
