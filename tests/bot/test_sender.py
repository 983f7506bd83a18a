from __future__ import annotations

from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.html import MESSAGE_LIMIT
from bot.sender import Sender
from db.repositories.telegram import TelegramUserRepository


def _keyboard():
    builder = InlineKeyboardBuilder()
    builder.button(text="OK", callback_data="menu:main")
    return builder.as_markup()


async def _register(uow_factory, *, blocked: bool = False) -> None:
    async with uow_factory() as uow:
        users = uow.repo(TelegramUserRepository)
        await users.upsert_profile(
            telegram_id=1001, chat_id=1001, username=None, first_name="A", last_name=None, language_code=None
        )
        if blocked:
            await users.mark_blocked(1001)
        await uow.commit()


async def test_a_long_text_goes_out_in_parts_with_the_keyboard_on_the_last(bot, api_session, uow_factory):
    text = "\n".join(f"<b>{n}</b> " + "x" * 90 for n in range(120))
    sent = await Sender(bot, uow_factory).send(1001, text, _keyboard())
    requests = [r for r in api_session.requests if isinstance(r, SendMessage)]
    assert len(sent) == len(requests) > 1
    assert all(len(r.text) <= MESSAGE_LIMIT for r in requests)
    assert [r.reply_markup is not None for r in requests] == [False] * (len(requests) - 1) + [True]


async def test_notifications_skip_users_who_blocked_the_bot(bot, api_session, uow_factory):
    await _register(uow_factory, blocked=True)
    assert await Sender(bot, uow_factory).send_to_user(1001, "BTC hit 70k") is False
    assert api_session.requests == []


async def test_a_notification_refused_with_403_reports_not_delivered(bot, api_session, uow_factory):
    await _register(uow_factory)
    api_session.fail_with.append(TelegramForbiddenError(SendMessage(chat_id=1001, text="x"), "blocked"))
    assert await Sender(bot, uow_factory).send_to_user(1001, "BTC hit 70k") is False
    assert await Sender(bot, uow_factory).send_to_user(1001, "BTC hit 71k") is True
