"""The bot's HTTP session sends plain calls as JSON and uploads as multipart, with the same parameters."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.json_session import JsonBodySession
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[
    InlineKeyboardButton(text="Confirm", callback_data="t:abcdefabcdef:c"),
    InlineKeyboardButton(text="Cancel", callback_data="t:abcdefabcdef:x"),
]])


async def test_a_message_goes_as_json_with_every_parameter(bot_api: FakeBotApi) -> None:
    bot = Bot(TOKEN, session=JsonBodySession(api=TelegramAPIServer.from_base(bot_api.base_url)))
    try:
        sent = await bot.send_message(42, "<b>1,234.5</b> &amp; 100", parse_mode="HTML", reply_markup=KEYBOARD,
                                      disable_notification=False)
    finally:
        await bot.session.close()
    call = bot_api.calls[-1]
    assert (call.method, call.content_type) == ("sendMessage", "application/json")
    assert call.params == {
        "chat_id": 42, "text": "<b>1,234.5</b> &amp; 100", "parse_mode": "HTML", "disable_notification": False,
        "reply_markup": {"inline_keyboard": [[{"text": "Confirm", "callback_data": "t:abcdefabcdef:c"},
                                              {"text": "Cancel", "callback_data": "t:abcdefabcdef:x"}]]},
    }
    assert sent.text == "<b>1,234.5</b> &amp; 100" and sent.chat.id == 42


async def test_an_upload_still_goes_as_multipart(bot_api: FakeBotApi) -> None:
    bot = Bot(TOKEN, session=JsonBodySession(api=TelegramAPIServer.from_base(bot_api.base_url)))
    try:
        await bot.send_photo(42, BufferedInputFile(b"\x89PNG fake", "chart.png"), caption="BTC 4h",
                             reply_markup=KEYBOARD)
    finally:
        await bot.session.close()
    call = bot_api.calls[-1]
    assert (call.method, call.content_type) == ("sendPhoto", "multipart/form-data")
    assert call.params["caption"] == "BTC 4h"
    assert call.params["reply_markup"]["inline_keyboard"][0][1]["text"] == "Cancel"
