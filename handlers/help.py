"""/help: what the bot understands, with examples."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import keyboards, texts
from bot.flags import PUBLIC
from bot.sender import Sender


def build_router() -> Router:
    router = Router(name="help")
    router.message.register(show_help, Command("help"), flags=PUBLIC)
    return router


async def show_help(message: Message, sender: Sender) -> None:
    await sender.send(message.chat.id, texts.help_text(), reply_markup=keyboards.main_menu())
