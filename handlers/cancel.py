"""/cancel: leave whatever dialog is in progress. Included before every dialog's router."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import texts
from bot.current_user import CurrentUser
from bot.flags import PUBLIC, RATE_LIMIT_EXEMPT
from bot.text_handler import TextHandler
from bot.i18n import _


def build_router() -> Router:
    router = Router(name="cancel")
    router.message.register(cancel, Command("cancel"), flags=PUBLIC | RATE_LIMIT_EXEMPT)
    return router


async def cancel(
    message: Message, state: FSMContext, current_user: CurrentUser, text_handler: TextHandler | None = None
) -> None:
    # The assistant keeps its own open question ("How much BTC?") beside aiogram's dialogs.
    had_question = text_handler is not None and await text_handler.cancel_dialog(current_user.chat_id)
    if await state.get_state() is None and not had_question:
        await message.answer(_(texts.NOTHING_TO_CANCEL))
        return
    await state.clear()
    await message.answer(_(texts.CANCELLED))
