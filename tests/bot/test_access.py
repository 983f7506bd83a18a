from __future__ import annotations

import uuid

import pytest
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.methods import AnswerCallbackQuery, SendMessage

from bot import texts
from bot.current_user import CurrentUser
from bot.flags import PUBLIC
from bot.middlewares.access import AccessMiddleware
from domain.enums import TelegramUserStatus
from tests.bot.fakes import callback, message


async def _handler(event, data):
    return "handled"


def _data(status: TelegramUserStatus, flags: dict) -> dict:
    user = CurrentUser(
        id=uuid.uuid4(), telegram_id=1001, chat_id=1001, user_id=None, status=status,
        first_name="A", is_admin=False, may_trade=False,
    )
    return {"current_user": user, "handler": HandlerObject(callback=_handler, flags=flags)}


@pytest.mark.parametrize("status", list(TelegramUserStatus))
async def test_public_handlers_are_open_to_everyone_the_registration_let_through(bot, status):
    assert await AccessMiddleware()(_handler, message(bot), _data(status, PUBLIC)) == "handled"


async def test_active_users_reach_member_handlers(bot):
    assert await AccessMiddleware()(_handler, message(bot), _data(TelegramUserStatus.ACTIVE, {})) == "handled"


async def test_pending_users_are_shown_the_terms(bot, api_session):
    assert await AccessMiddleware()(_handler, message(bot), _data(TelegramUserStatus.PENDING, {})) is None
    (reply,) = api_session.requests
    assert isinstance(reply, SendMessage) and "accept the terms" in reply.text
    assert reply.reply_markup.inline_keyboard[0][0].callback_data == "terms:accept"


async def test_pending_users_tapping_a_button_get_an_alert(bot, api_session):
    assert await AccessMiddleware()(_handler, callback(bot), _data(TelegramUserStatus.PENDING, {})) is None
    (answer,) = api_session.requests
    assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert and answer.text == texts.TERMS_REQUIRED_ALERT


async def test_blocked_users_are_told_so(bot, api_session):
    assert await AccessMiddleware()(_handler, message(bot), _data(TelegramUserStatus.BLOCKED, {})) is None
    assert api_session.sent_texts() == [texts.BLOCKED]
