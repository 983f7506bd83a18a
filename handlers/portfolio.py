"""/portfolio, /balance, /positions, /orders, /history: the same screens the assistant's portfolio
intents answer with (bot/assistant/portfolio.py). Needs the ``trading`` service."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.assistant import portfolio as screens
from bot.assistant.trading import trading_unit
from bot.charts import ChartRenderer
from bot.current_user import CurrentUser
from bot.render import portfolio as render
from bot.render.trading import NOT_CONFIGURED
from bot.screens import show
from bot.sender import Sender
from bot.text_handler import TextReply
from bot.trading_callbacks import HistoryCallback
from bot.i18n import _
from db.trading_services import TradingServices
from db.uow import UnitOfWork


def build_router() -> Router:
    router = Router(name="portfolio")
    router.message.register(portfolio, Command("portfolio"))
    router.message.register(balance, Command("balance"))
    router.message.register(positions, Command("positions"))
    router.message.register(orders, Command("orders"))
    router.message.register(history, Command("history"))
    router.callback_query.register(history_page, HistoryCallback.filter())
    return router


async def _send(sender: Sender, chat_id: int, reply: TextReply) -> None:
    if reply.photo is not None:
        await sender.send_photo(chat_id, reply.photo, reply.photo_caption)
    await sender.send(chat_id, reply.text, reply.reply_markup)


async def _answer(
    screen: str, message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender,
    uow: UnitOfWork | None, **options: object,
) -> None:
    if trading is None:
        await message.answer(NOT_CONFIGURED)
        return
    if current_user.user_id is None:
        await message.answer(_(render.NO_ACCOUNT))
        return
    async with trading_unit(uow, trading) as unit:
        builder = getattr(screens, f"{screen}_screen")
        reply = await builder(trading, unit, current_user.user_id, **options)
    await _send(sender, message.chat.id, reply)


async def portfolio(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None,
    charts: ChartRenderer | None = None,
) -> None:
    await _answer("portfolio", message, current_user, trading, sender, uow, charts=charts)


async def balance(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None
) -> None:
    await _answer("balance", message, current_user, trading, sender, uow)


async def positions(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None
) -> None:
    await _answer("positions", message, current_user, trading, sender, uow)


async def orders(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None
) -> None:
    await _answer("orders", message, current_user, trading, sender, uow)


async def history(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None
) -> None:
    await _answer("history", message, current_user, trading, sender, uow)


async def history_page(
    callback: CallbackQuery, callback_data: HistoryCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    if trading is None or current_user.user_id is None:
        await callback.answer(_(NOT_CONFIGURED) if trading is None else _(render.NO_ACCOUNT), show_alert=True)
        return
    async with trading_unit(uow, trading) as unit:
        reply = await screens.history_screen(trading, unit, current_user.user_id, max(1, callback_data.page),
                                             callback_data.period or None)
    await show(callback, reply.text, reply.reply_markup)
    await callback.answer()
