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
from db.repositories.ai_commands import AICommandRepository
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


async def test_a_batch_writes_each_row_and_adds_up_each_senders_counters_in_one_statement(
    bot, uow_factory, session_factory
):
    """Many updates of several senders in one batch (db/group_commit.py): every row, each
    sender's totals and today's counters, one session per user, the responses."""
    from bot.message_log import incoming_record
    from bot.middlewares.update_log import _Entry, _write_batch
    from db.repositories.ai_commands import new_response

    accepted = await _register(uow_factory, 1001)
    async with uow_factory() as uow:
        await accounts.accept_terms(uow, accepted.id)
    counting = await _register(uow_factory, 1002)  # its day has ended: counted for a new day
    async with session_factory() as session:
        row = await session.get(TelegramUser, counting.id)
        row.daily_message_count, row.daily_command_count = 7, 3
        row.rate_limit_reset_at = datetime.now(UTC) - timedelta(minutes=1)
        accepted_user_id = (await session.get(TelegramUser, accepted.id)).user_id
        command = AICommand(input_text="price of btc", user_id=accepted_user_id, command_type=CommandType.GENERAL_QUERY)
        session.add(command)
        await session.commit()
    start = datetime.now(UTC)
    sent = [("hello", 1001, False), ("/help", 1001, False), ("price of btc", 1001, False),
            ("/start", 1002, True), ("hi", 1002, True), ("who am i", 1003, False)]  # 1003: not registered
    entries = []
    for i, (text, sender, count_daily) in enumerate(sent):
        update = update_of(message(bot, text, user_id=sender))
        is_priced = text == "price of btc"
        entries.append(_Entry(
            incoming_record(update), update.update_id, command.id if is_priced else None,
            start + timedelta(milliseconds=i), count_daily=count_daily,
            responses=(new_response(command.id, "BTC 1"),) if is_priced else (),
        ))
    async with uow_factory() as uow:
        await _write_batch(uow, entries)
        await uow.commit()  # as GroupCommit does

    rows = sorted(await _rows(session_factory), key=lambda row: row.created_at)
    assert [(row.text, row.update_id, row.created_at) for row in rows] == [
        (entry.record.text, entry.update_id, entry.received_at) for entry in entries]
    assert [row.telegram_user_id for row in rows] == [accepted.id] * 3 + [counting.id] * 2 + [None]
    assert [row.ai_command_id for row in rows] == [None, None, command.id, None, None, None]
    assert [row.message_type for row in rows] == ["text", "command", "text", "command", "text", "text"]
    assert all(row.direction == "in" and row.extra == {} for row in rows)
    async with session_factory() as session:
        first = await session.get(TelegramUser, accepted.id)
        second = await session.get(TelegramUser, counting.id)
        [live] = (await session.scalars(select(UserSession))).all()
        user = await session.get(User, accepted_user_id)
    async with uow_factory() as uow:
        assert [r.response_text for r in await uow.repo(AICommandRepository).responses(command.id)] == ["BTC 1"]
    assert (first.total_messages, first.total_commands, first.last_activity_at) == (3, 1, entries[2].received_at)
    assert (second.total_messages, second.total_commands, second.last_activity_at) == (2, 1, entries[4].received_at)
    # The new day starts with this batch's counted updates; the reset moves to the next midnight.
    assert (second.daily_message_count, second.daily_command_count) == (2, 1)
    assert second.rate_limit_reset_at > start
    assert (live.user_id, live.last_used_at, live.device_info) == (
        accepted_user_id, entries[2].received_at, {"client": "telegram", "chat_id": 1001})
    assert live.expires_at == live.last_used_at + SESSION_IDLE and user.last_activity_at == live.last_used_at
    assert (first.daily_message_count, first.daily_command_count) == (accepted.daily_message_count,
                                                                       accepted.daily_command_count)

    # The next batch extends the live session; one after a pause starts a new one.
    for at in (entries[-1].received_at + timedelta(minutes=1), live.expires_at + timedelta(minutes=31)):
        update = update_of(message(bot, "again", user_id=1001))
        async with uow_factory() as uow:
            await _write_batch(uow, [_Entry(incoming_record(update), update.update_id, None, at)])
            await uow.commit()
    async with session_factory() as session:
        sessions = sorted((await session.scalars(select(UserSession))).all(), key=lambda s: s.created_at)
    assert [(s.created_at, s.last_used_at) for s in sessions] == [
        (live.created_at, entries[-1].received_at + timedelta(minutes=1)),
        (live.expires_at + timedelta(minutes=31),) * 2,
    ]
    assert sessions[0].session_token != sessions[1].session_token
