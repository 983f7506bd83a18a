"""Buttons no handler recognises: from an old version, an expired screen, or forged data."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot import texts
from bot.flags import PUBLIC
from bot.i18n import _


def build_router() -> Router:
    router = Router(name="stale_buttons")
    router.callback_query.register(answer_stale_button, flags=PUBLIC)
    return router


async def answer_stale_button(callback: CallbackQuery) -> None:
    await callback.answer(_(texts.STALE_BUTTON), show_alert=True)
