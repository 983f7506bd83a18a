"""Showing a screen in place of the message whose button was tapped."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show(callback: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the tapped message; send a new one when it is too old to edit (inaccessible) or gone."""
    message = callback.message
    bot = callback.bot
    assert bot is not None  # updates from the dispatcher are bound to their bot
    if not isinstance(message, Message):
        await bot.send_message(callback.from_user.id, text, reply_markup=reply_markup)
        return
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        # A double tap re-renders the same screen; Telegram refuses a no-op edit.
        if "message is not modified" in error.message:
            return
        # Deleted since the tap, or no longer editable: the screen comes as a new message.
        if "message to edit not found" in error.message or "message can't be edited" in error.message:
            await bot.send_message(callback.from_user.id, text, reply_markup=reply_markup)
            return
        raise
