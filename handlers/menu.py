"""/menu: the main menu as buttons. Feature buttons show how to ask for that feature."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import keyboards, texts
from bot.callbacks import MenuCallback, MenuItem
from bot.current_user import CurrentUser
from bot.screens import show
from bot.i18n import _
from db.uow import UnitOfWork
from handlers.settings import settings_screen


def build_router() -> Router:
    router = Router(name="menu")
    router.message.register(show_menu, Command("menu"))
    router.callback_query.register(open_item, MenuCallback.filter())
    return router


async def show_menu(message: Message) -> None:
    await message.answer(_(texts.MENU), reply_markup=keyboards.main_menu())


async def open_item(
    callback: CallbackQuery, callback_data: MenuCallback, current_user: CurrentUser, uow: UnitOfWork
) -> None:
    item = callback_data.item
    if item is MenuItem.MAIN:
        await show(callback, _(texts.MENU), keyboards.main_menu())
    elif item is MenuItem.SETTINGS:
        await show(callback, *await settings_screen(uow, current_user))
    elif item is MenuItem.HELP:
        await show(callback, texts.help_text(), keyboards.back_to_menu())
    else:
        await show(callback, texts.topic_text(item), keyboards.back_to_menu())
    await callback.answer()
