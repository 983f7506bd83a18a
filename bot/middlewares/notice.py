"""Answering from a middleware, whether the update is a message or a button tap."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from bot.html import html_to_terminal

ALERT_LIMIT = 200


async def tell(
    event: TelegramObject,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    alert: str | None = None,
) -> None:
    """Reply with ``text``; a button tap gets ``alert`` (default: ``text`` as plain text) instead."""
    if isinstance(event, CallbackQuery):
        # A tap must be answered or the button keeps spinning.
        plain = alert or html_to_terminal(text, styled=False)
        await event.answer(plain[:ALERT_LIMIT], show_alert=True)
    elif isinstance(event, Message):
        await event.answer(text, reply_markup=reply_markup)
