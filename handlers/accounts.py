"""Your own exchange accounts: /connect, /accounts (and disconnect), /limits, /panic.

/connect is a dialog in the project's one dialog-state mechanism (aiogram FSM): exchange and
market, testnet or live, then one message with key and secret. That message is deleted at once,
its text is kept out of the message log, and the key is only ever shown by its last characters.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.i18n import _, t
from bot.assistant.trading import trading_refusal, trading_unit
from bot.current_user import CurrentUser
from bot.flags import RATE_LIMIT_EXEMPT
from bot.message_log import UpdateTrace
from bot.render import accounts as render
from bot.render.trading import NOT_CONFIGURED
from bot.screens import show
from bot.render.phrases import say
from bot.trading_callbacks import (
    AccountCallback,
    ConnectCallback,
    PanicCallback,
    accounts_keyboard,
    exchanges_keyboard,
    network_keyboard,
    panic_keyboard,
)
from db.trading_services import TradingServices
from db.uow import UnitOfWork
from domain.errors import DomainError
from domain.models import LiveLimits
from domain.services.exchange_accounts import MARKET_TYPES, NEEDS_PASSPHRASE, SUPPORTED_EXCHANGES
from nlp.normalize import parse_number

CHOICES = [(exchange, market, f"{name} {label}") for exchange, name in SUPPORTED_EXCHANGES.items()
           for market, label in MARKET_TYPES.items()]
LIMIT_NAMES = {"max_order": "max_order_value", "confirm": "confirm_above_value", "leverage": "max_leverage",
               "daily_loss": "daily_loss_limit"}
_LIMIT = re.compile(r"(max_order|confirm|leverage|daily_loss)\s+([\d.,]+)", re.IGNORECASE)


class ConnectDialog(StatesGroup):
    keys = State()


def build_router() -> Router:
    router = Router(name="accounts")
    router.message.register(connect, Command("connect"))
    router.callback_query.register(choose, ConnectCallback.filter())
    router.message.register(receive_keys, ConnectDialog.keys, F.text)
    router.message.register(list_accounts, Command("accounts"))
    router.callback_query.register(disconnect, AccountCallback.filter())
    router.message.register(limits, Command("limits"))
    router.message.register(panic, Command("panic"), flags=RATE_LIMIT_EXEMPT)
    router.callback_query.register(panic_close, PanicCallback.filter(), flags=RATE_LIMIT_EXEMPT)
    return router


def _refusal(current_user: CurrentUser, trading: TradingServices | None) -> str | None:
    if trading is None:
        return NOT_CONFIGURED
    if (refusal := trading_refusal(current_user.user_id, current_user.may_trade)) is not None:
        return refusal
    return _(render.NO_VAULT) if trading.accounts is None or trading.live is None else None


# -- /connect -----------------------------------------------------------------------------------


async def connect(message: Message, current_user: CurrentUser, trading: TradingServices | None) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    await message.answer(_(render.CHOOSE_EXCHANGE), reply_markup=exchanges_keyboard(CHOICES))


async def choose(
    callback: CallbackQuery, callback_data: ConnectCallback, current_user: CurrentUser,
    trading: TradingServices | None, state: FSMContext,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    exchange, market = callback_data.exchange, callback_data.market
    if exchange not in SUPPORTED_EXCHANGES or market not in MARKET_TYPES:
        await callback.answer(_("Unknown choice. Send /connect to start again."), show_alert=True)
        return
    await callback.answer()
    if callback_data.testnet < 0:
        await show(callback, _(render.CHOOSE_NETWORK), network_keyboard(exchange, market))
        return
    testnet = callback_data.testnet == 1
    await state.set_state(ConnectDialog.keys)
    await state.set_data({"exchange": exchange, "market": market, "testnet": testnet})
    await show(callback, render.ask_keys(exchange, market, testnet, exchange in NEEDS_PASSPHRASE))


async def receive_keys(
    message: Message, state: FSMContext, current_user: CurrentUser, trading: TradingServices | None, bot: Bot,
    update_trace: UpdateTrace | None = None, uow: UnitOfWork | None = None,
) -> None:
    if update_trace is not None:
        update_trace.holds_secret = True  # the message log keeps the row, not the key
    try:
        await bot.delete_message(message.chat.id, message.message_id)
    except TelegramAPIError:
        await message.answer(_(render.DELETE_IT_YOURSELF))
    if (refusal := _refusal(current_user, trading)) is not None:
        await state.clear()
        await message.answer(refusal)
        return
    assert trading is not None and trading.accounts is not None and current_user.user_id is not None
    data: dict[str, Any] = await state.get_data()
    parts = (message.text or "").split()
    needs_passphrase = data.get("exchange") in NEEDS_PASSPHRASE
    if len(parts) < (3 if needs_passphrase else 2) or "exchange" not in data:
        await message.answer(_(render.KEYS_UNREADABLE))
        return
    try:
        async with trading_unit(uow, trading) as unit:
            info = await trading.accounts.connect(
                unit, current_user.user_id, data["exchange"], parts[0], parts[1],
                passphrase=parts[2] if needs_passphrase else None, is_testnet=bool(data.get("testnet")),
                market_type=data.get("market", "spot"),
            )
    except DomainError as error:  # refused key, withdrawal key, exchange down: no secret in these
        await state.clear()
        await message.answer(f"❌ {say(error.phrase)}\n" + _("Nothing was stored. /connect to try again."))
        return
    await state.clear()
    await message.answer(render.connected(info))


# -- /accounts ----------------------------------------------------------------------------------


async def list_accounts(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, uow: UnitOfWork | None = None
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    assert trading is not None and trading.accounts is not None and current_user.user_id is not None
    async with trading_unit(uow, trading) as unit:
        items = await trading.accounts.list(unit, current_user.user_id)
        user_limits = await unit.live.limits(current_user.user_id)
    await message.answer(render.accounts(items, user_limits), reply_markup=accounts_keyboard(len(items)))


async def disconnect(
    callback: CallbackQuery, callback_data: AccountCallback, current_user: CurrentUser,
    trading: TradingServices | None, uow: UnitOfWork | None = None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    assert trading is not None and trading.accounts is not None and current_user.user_id is not None
    if callback_data.n == 0:  # /settings' "Exchange accounts" button: the list itself
        async with trading_unit(uow, trading) as unit:
            items = await trading.accounts.list(unit, current_user.user_id)
            user_limits = await unit.live.limits(current_user.user_id)
        await callback.answer()
        await show(callback, render.accounts(items, user_limits), accounts_keyboard(len(items)))
        return
    try:
        async with trading_unit(uow, trading) as unit:
            items = await trading.accounts.list(unit, current_user.user_id)
            if not 1 <= callback_data.n <= len(items):
                await callback.answer(_("That account is already gone."), show_alert=True)
                return
            info = items[callback_data.n - 1]
            await trading.accounts.remove(unit, current_user.user_id, info.id)
            remaining = await trading.accounts.list(unit, current_user.user_id)
            user_limits = await unit.live.limits(current_user.user_id)
    except DomainError as error:  # open orders on it
        await callback.answer(say(error.phrase, html=False), show_alert=True)
        return
    await callback.answer(render.disconnected(info)[:200])
    await show(callback, render.disconnected(info) + "\n\n" + render.accounts(remaining, user_limits),
               accounts_keyboard(len(remaining)))


# -- /limits ------------------------------------------------------------------------------------


async def limits(
    message: Message, command: CommandObject, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    assert trading is not None and current_user.user_id is not None
    changes: dict[str, Decimal] = {}
    for name, raw in _LIMIT.findall(command.args or ""):
        value = parse_number(raw)
        if value is None or value <= 0:
            await message.answer(t("{name} needs a positive number.", name=render.escape(name)) + "\n" + _(render.LIMITS_USAGE))
            return
        changes[LIMIT_NAMES[name.lower()]] = value
    if command.args and not changes:
        await message.answer(_(render.LIMITS_USAGE))
        return
    async with trading_unit(uow, trading) as unit:
        current = await unit.live.limits(current_user.user_id)
        if changes:
            updated = LiveLimits(**{**_as_dict(current), **changes})
            if updated.max_leverage < 1:
                await message.answer(_("Leverage is at least 1×."))
                return
            await unit.live.set_limits(current_user.user_id, updated)
            await unit.commit()
            current = updated
    await message.answer(render.limits_text(current) + "\n\n" + _(render.LIMITS_USAGE))


def _as_dict(limits_: LiveLimits) -> dict[str, Decimal]:
    return {name: getattr(limits_, name) for name in LIMIT_NAMES.values()}


# -- /panic -------------------------------------------------------------------------------------


async def panic(
    message: Message, current_user: CurrentUser, trading: TradingServices | None, uow: UnitOfWork | None = None
) -> None:
    """Cancel every open live order at once; closing positions waits for a tap."""
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    assert trading is not None and trading.live is not None and current_user.user_id is not None
    try:
        async with trading_unit(uow, trading) as unit:
            names = {p.id: p.name for p in await unit.live.portfolios(current_user.user_id)}
            events = await trading.live.cancel_all(unit, current_user.user_id)
    except DomainError as error:
        await message.answer(f"❌ {say(error.phrase)}")
        events, names = [], {}
    await message.answer(render.panic_cancelled([(names.get(e.order.portfolio_id, "?"), e) for e in events]))
    await message.answer(_(render.PANIC_ASK_CLOSE), reply_markup=panic_keyboard())


async def panic_close(
    callback: CallbackQuery, callback_data: PanicCallback, current_user: CurrentUser,
    trading: TradingServices | None, uow: UnitOfWork | None = None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    assert trading is not None and trading.live is not None and current_user.user_id is not None
    if not callback_data.close:
        await callback.answer()
        await show(callback, _(render.PANIC_KEEP))
        return
    await callback.answer(_("Closing…"))
    async with trading_unit(uow, trading) as unit:
        names = {p.id: p.name for p in await unit.live.portfolios(current_user.user_id)}
        results = await trading.live.close_all(unit, current_user.user_id)
    await show(callback, render.panic_closed(results, names))
