from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy import select

from bot.client import close_bot
from bot.message_log import UpdateTrace, tracing
from bot.middlewares.outgoing_log import OutgoingLogMiddleware
from bot.middlewares.update_log import UpdateLogMiddleware
from db.engine import create_engine, create_session_factory
from db.models import TelegramMessage
from db.repositories.telegram import TelegramUserRepository
from db.uow import UnitOfWork
from tests.bot.fakes import message, update_of


@pytest.fixture
async def account(uow_factory):
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).upsert_profile(
            telegram_id=1001, chat_id=1001, username=None, first_name="A", last_name=None, language_code=None
        )
        await uow.commit()
    return account


async def _rows(session_factory) -> list[TelegramMessage]:
    async with session_factory() as session:
        return list((await session.scalars(select(TelegramMessage))).all())


async def test_sent_and_edited_messages_are_recorded(bot, api_session, uow_factory, session_factory, account):
    api_session.middleware(OutgoingLogMiddleware(uow_factory))
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text="OK", callback_data="menu:main")
    with tracing(UpdateTrace(update_id=77, closed=True)):  # a send after its update's row was written
        sent = await bot.send_message(1001, "<b>hi</b>", reply_markup=keyboard.as_markup())
    await bot.edit_message_text("<b>bye</b>", chat_id=1001, message_id=sent.message_id)

    (row,) = await _rows(session_factory)
    assert (row.direction, row.chat_id, row.message_id, row.update_id) == ("out", 1001, sent.message_id, 77)
    assert row.telegram_user_id == account.id and row.text == "<b>bye</b>" and row.edited_at is not None
    assert row.extra["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "menu:main"


async def test_replies_are_written_with_their_updates_row_in_its_statement(
    bot, api_session, uow_factory, session_factory, account
):
    api_session.middleware(OutgoingLogMiddleware(uow_factory))
    update_log = UpdateLogMiddleware(uow_factory)

    async def replying(event, data):
        await bot.send_message(1001, "pong")
        await bot.send_message(1001, "and more")
        assert await _rows(session_factory) == []  # not a transaction of their own
        assert [row["text"] for row in data["update_trace"].sent] == ["pong", "and more"]

    update = update_of(message(bot, "ping", user_id=1001))
    await update_log(replying, update, {})

    rows = sorted(await _rows(session_factory), key=lambda row: row.created_at)
    assert [(row.direction, row.text) for row in rows] == [("in", "ping"), ("out", "pong"), ("out", "and more")]
    assert {(row.update_id, row.telegram_user_id) for row in rows} == {(update.update_id, account.id)}


async def test_what_an_interrupted_update_sent_is_still_written(bot, api_session, uow_factory, session_factory, account):
    api_session.middleware(OutgoingLogMiddleware(uow_factory))
    update_log = UpdateLogMiddleware(uow_factory)

    async def interrupted(event, data):
        await bot.send_message(1001, "sent before the shutdown")
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await update_log(interrupted, update_of(message(bot, "ping", user_id=1001)), {})
    await update_log.close()
    # the update's own row comes with its next delivery; the message it sent is kept now
    assert [(row.direction, row.text) for row in await _rows(session_factory)] == [("out", "sent before the shutdown")]


async def test_a_403_marks_the_user_blocked(bot, api_session, uow_factory, session_factory, account):
    api_session.middleware(OutgoingLogMiddleware(uow_factory))
    api_session.fail_with.append(TelegramForbiddenError(SendMessage(chat_id=1001, text="x"), "bot was blocked by the user"))
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1001, "hello?")
    async with uow_factory() as uow:
        assert await uow.repo(TelegramUserRepository).is_blocked(1001)
    assert await _rows(session_factory) == []


async def test_a_database_outage_does_not_fail_the_send(bot, api_session):
    engine = create_engine("postgresql://postgres@127.0.0.1:1/nowhere")
    session_factory = create_session_factory(engine)
    api_session.middleware(OutgoingLogMiddleware(lambda: UnitOfWork(session_factory)))
    assert (await bot.send_message(1001, "still sent")).text == "still sent"
    await engine.dispose()


class _GatedUnitOfWork:
    """A real unit of work that opens only once the gate is open: a slow database."""

    def __init__(self, gate: asyncio.Event, uow: UnitOfWork) -> None:
        self._gate, self._uow = gate, uow

    async def __aenter__(self) -> UnitOfWork:
        await self._gate.wait()
        return await self._uow.__aenter__()

    async def __aexit__(self, *exc_info: object) -> None:
        await self._uow.__aexit__(*exc_info)


async def test_a_shutdown_writes_the_rows_of_sends_already_made(bot, api_session, uow_factory, session_factory, account):
    gate = asyncio.Event()
    api_session.middleware(OutgoingLogMiddleware(lambda: _GatedUnitOfWork(gate, uow_factory())))
    sending = asyncio.create_task(bot.send_message(1001, "sent just before the shutdown"))
    while not api_session.sent_texts():
        await asyncio.sleep(0)
    sending.cancel()  # the shutdown stops the handler while its row waits for the database
    gate.set()
    await close_bot(bot)
    assert [row.text for row in await _rows(session_factory)] == ["sent just before the shutdown"]
