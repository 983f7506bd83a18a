"""/cancel: leave whatever dialog is in progress. Included before every dialog's router."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import texts
from bot.flags import PUBLIC, RATE_LIMIT_EXEMPT


def build_router() -> Router:
    router = Router(name="cancel")
    router.message.register(cancel, Command("cancel"), flags=PUBLIC | RATE_LIMIT_EXEMPT)
    return router


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(texts.NOTHING_TO_CANCEL)
        return
    await state.clear()
    await message.answer(texts.CANCELLED)
