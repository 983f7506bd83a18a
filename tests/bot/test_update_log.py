from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.types import Chat, MessageOriginChannel
from sqlalchemy import select

from bot.message_log import current_trace
from bot.middlewares.update_log import UpdateLogMiddleware
from bot import accounts
from db.engine import create_engine, create_session_factory
from db.models import AICommand, TelegramMessage, TelegramUser, User, UserSession
from db.repositories.sessions import SESSION_IDLE, UserSessionRepository
from db.repositories.telegram import TelegramUserRepository
from db.uow import UnitOfWork
from domain.enums import CommandType
from tests.bot.fakes import callback, message, update_of


async def _register(uow_factory, telegram_id: int = 1001) -> TelegramUser:
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).upsert_profile(
            telegram_id=telegram_id, chat_id=telegram_id, username=None, first_name="A", last_name=None, language_code=None
        )
        await uow.commit()
    return account


async def _rows(session_factory) -> list[TelegramMessage]:
    async with session_factory() as session:
        return list((await session.scalars(select(TelegramMessage))).all())


async def _done(event, data):
    return "done"


async def test_a_message_is_stored_with_its_arrival_time_and_counted(bot, uow_factory, session_factory):
    account = await _register(uow_factory)
    arrived = datetime.now(UTC)

    async def slow_handler(event, data):
        assert current_trace() is data["update_trace"]  # outgoing messages see the same trace
        await asyncio.sleep(0.05)
        return "done"

    update = update_of(message(bot, "/help"))
    assert await UpdateLogMiddleware(uow_factory)(slow_handler, update, {}) == "done"

    (row,) = await _rows(session_factory)
    assert (row.direction, row.message_type, row.text, row.update_id) == ("in", "command", "/help", update.update_id)
    assert row.telegram_user_id == account.id
    assert (row.created_at - arrived).total_seconds() < 0.05  # arrival, not the end of handling
    async with session_factory() as session:
        counted = await session.get(TelegramUser, account.id)
    assert counted.total_messages == 1 and counted.last_activity_at is not None
    assert counted.total_commands == 1  # "/help" is a command


async def test_an_accepted_user_has_a_session_extended_while_active_and_renewed_after_a_pause(
    bot, uow_factory, session_factory
):
    account = await _register(uow_factory)
    async with uow_factory() as uow:
        await accounts.accept_terms(uow, account.id)
    for text in ("hello", "price of btc"):
        await UpdateLogMiddleware(uow_factory)(_done, update_of(message(bot, text)), {})
    async with session_factory() as session:
        counted = await session.get(TelegramUser, account.id)
        [live] = (await session.scalars(select(UserSession))).all()
        user = await session.get(User, counted.user_id)
    assert counted.total_commands == 0 and counted.is_verified and counted.verified_at is not None
    assert live.user_id == user.id and user.last_activity_at == live.last_used_at
    assert live.expires_at == live.last_used_at + SESSION_IDLE and live.device_info["client"] == "telegram"

    later = live.expires_at + timedelta(seconds=1)  # after a pause, the next message starts a new session
    async with uow_factory() as uow:
        await uow.repo(UserSessionRepository).touch(user.id, later, device_info={"client": "telegram"})
        await uow.commit()
        assert await uow.repo(UserSessionRepository).count(user.id) == 2


async def test_a_message_is_stored_even_when_handling_fails(bot, uow_factory, session_factory):
    async def failing(event, data):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await UpdateLogMiddleware(uow_factory)(failing, update_of(message(bot, "hi")), {})
    assert [r.text for r in await _rows(session_factory)] == ["hi"]


async def test_an_interrupted_update_is_not_stored_it_will_come_again(bot, uow_factory, session_factory):
    async def interrupted(event, data):
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await UpdateLogMiddleware(uow_factory)(interrupted, update_of(message(bot, "hi")), {})
    assert await _rows(session_factory) == []


async def test_a_forwarded_post_records_where_it_came_from(bot, uow_factory, session_factory):
    origin = MessageOriginChannel(
        date=int(time.time()), chat=Chat(id=-100, type="channel", title="Signals", username="signals"), message_id=3
    )
    await UpdateLogMiddleware(uow_factory)(_done, update_of(message(bot, "BTC LONG", forward_origin=origin)), {})
    (row,) = await _rows(session_factory)
    assert (row.message_type, row.is_forwarded, row.forward_from_chat) == ("forward", True, "@signals")


async def test_a_button_tap_records_its_callback_data(bot, uow_factory, session_factory):
    await UpdateLogMiddleware(uow_factory)(_done, update_of(callback(bot, "menu:help")), {})
    (row,) = await _rows(session_factory)
    assert (row.message_type, row.callback_data, row.text) == ("callback", "menu:help", None)


async def test_the_ai_command_a_handler_produced_is_linked(bot, uow_factory, session_factory):
    async with session_factory() as session:
        user = User(username="tg_1001")
        session.add(user)
        await session.flush()
        command = AICommand(input_text="buy btc", user_id=user.id, command_type=CommandType.TRADE_EXECUTION)
        session.add(command)
        await session.commit()

    async def nlp_handler(event, data):
        data["update_trace"].ai_command_id = command.id

    await UpdateLogMiddleware(uow_factory)(nlp_handler, update_of(message(bot, "buy btc")), {})
    assert (await _rows(session_factory))[0].ai_command_id == command.id


async def test_an_unreachable_database_fails_the_writers_and_the_update_log_reports_it(bot, caplog):
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing listens there
    try:
        def uow_factory():
            return UnitOfWork(create_session_factory(engine))

        async def handled(_event, _data):
            return "answered"

        update = update_of(message(bot, "price of btc"))
        with caplog.at_level(logging.WARNING):
            result = await UpdateLogMiddleware(uow_factory)(handled, update, {})
        assert result == "answered"  # the user got their answer
        assert f"Could not store incoming update {update.update_id}" in caplog.text  # and the loss is reported
    finally:
        await engine.dispose()
