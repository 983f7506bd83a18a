"""Trading in the chat: /buy, /sell, /cancel_order, and the buttons of the confirmation card.

Nothing is placed without a Confirm tap on a card. The card's buttons carry only the preview
token; ``OrderService.confirm`` takes it atomically, so a second tap (or a replayed one) is told
"already confirmed" and never places a second order. Handlers need the ``trading`` service
(:class:`db.trading_services.TradingServices`) in the dispatcher's workflow data.
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
from redis.asyncio import Redis

from bot.assistant.portfolio import live_positions
from bot.assistant.trading import (
    build_request,
    cancel_reply,
    card_reply,
    preview_reply,
    trading_refusal,
    trading_unit,
)
from bot.current_user import CurrentUser
from bot.flags import RATE_LIMIT_EXEMPT
from bot import texts
from bot.i18n import _
from bot.render import trading as render
from bot.screens import show
from bot.sender import Sender
from bot.text_handler import TextReply
from bot.render.phrases import say
from bot.trading_callbacks import (
    AccountPickCallback,
    LiveOrderCallback,
    LivePositionCallback,
    OpenOrderAction,
    OpenOrderCallback,
    OrderAction,
    OrderCallback,
    account_picker,
    confirmation_keyboard,
    live_order_keyboard,
    order_ref,
    second_tap_keyboard,
)
from db.repositories.confirmations import RedisConfirmationStore
from db.trading_services import TradingServices
from db.uow import UnitOfWork
from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import (
    AlreadyConfirmed,
    ConfirmationExpired,
    ConfirmationNotYours,
    DomainError,
    ExchangeUnavailable,
    MarketDataUnavailable,
    OrderOutcomeUnknown,
)
from domain.models import OrderRequest
from domain.ports import utc_now
from domain.services.orders import NeedsSecondTap, PriceMoved
from domain.services.paper_broker import OrderEvent
from nlp.normalize import parse_number
from nlp.service import NLPService
from nlp.symbols import STABLE_ASSETS

DEFAULT_QUOTE = "USDT"
_SIZE_KEYS = ("amount", "quote_amount", "percent_of_balance")
_NUMBER = r"\d+(?:[.,]\d+)?"
_EDIT_PRICE = re.compile(rf"^\s*(?:at|@|price|limit)\s*(?P<price>{_NUMBER})\s*$", re.IGNORECASE)
_EDIT_SIZE = re.compile(rf"^\s*\$?(?P<size>{_NUMBER})\s*(?P<asset>[a-z]{{2,10}})?\s*$", re.IGNORECASE)


class OrderEditDialog(StatesGroup):
    value = State()
    live_order = State()  # a new price or size for an open order on a connected account


def build_router() -> Router:
    router = Router(name="trading")
    router.message.register(buy, Command("buy"))
    router.message.register(sell, Command("sell"))
    router.message.register(cancel_order_command, Command("cancel_order"))
    router.message.register(receive_edit, OrderEditDialog.value, F.text)
    router.callback_query.register(
        confirm, OrderCallback.filter(F.action == OrderAction.CONFIRM), flags=RATE_LIMIT_EXEMPT
    )
    router.callback_query.register(
        confirm_live, OrderCallback.filter(F.action == OrderAction.CONFIRM_LIVE), flags=RATE_LIMIT_EXEMPT
    )
    router.callback_query.register(choose_account, OrderCallback.filter(F.action == OrderAction.ACCOUNT))
    router.callback_query.register(move_to_account, AccountPickCallback.filter())
    router.callback_query.register(
        cancel_live_order, LiveOrderCallback.filter(F.action == OpenOrderAction.CANCEL), flags=RATE_LIMIT_EXEMPT
    )
    router.callback_query.register(start_live_change, LiveOrderCallback.filter(F.action == OpenOrderAction.CHANGE))
    router.callback_query.register(close_live_position, LivePositionCallback.filter())
    router.message.register(receive_live_change, OrderEditDialog.live_order, F.text)
    router.callback_query.register(drop, OrderCallback.filter(F.action == OrderAction.DROP), flags=RATE_LIMIT_EXEMPT)
    router.callback_query.register(start_edit, OrderCallback.filter(F.action == OrderAction.EDIT))
    router.callback_query.register(
        cancel_open_order, OpenOrderCallback.filter(F.action == OpenOrderAction.CANCEL), flags=RATE_LIMIT_EXEMPT
    )
    return router


def _refusal(current_user: CurrentUser, trading: TradingServices | None) -> str | None:
    if trading is None:
        return _(render.NOT_CONFIGURED)
    return trading_refusal(current_user.user_id, current_user.may_trade)


async def _tap_refused(callback: CallbackQuery, current_user: CurrentUser, trading: TradingServices | None) -> bool:
    """Answers a button tap from someone who may not trade here; True when it did."""
    if (refusal := _refusal(current_user, trading)) is None:
        return False
    await callback.answer(refusal, show_alert=True)
    return True


async def _refuse(callback: CallbackQuery, error: DomainError) -> None:
    """Shows why the domain refused a tap, as a pop-up (pop-ups take plain text, not HTML)."""
    await callback.answer(say(error.phrase, html=False), show_alert=True)


# -- parsing the command arguments --------------------------------------------------------------


def _number(text: str | None) -> Decimal | None:
    return None if text is None else parse_number(text)  # the NLP layer's reader: "61,500" is 61500


def parse_order_args(side: OrderSide, args: str | None, nlp: NLPService) -> OrderRequest | None:
    """``/buy 0.01 btc at 61,500 sl 60k``: the arguments read by the one NLP parser, as "buy …" would be.

    None when no coin or no size was given (the caller shows the usage line).
    """
    if not args or not args.strip():
        return None
    parsed = nlp.parse_rules(f"{side.value} {args.strip()}")
    entities = {**parsed.entities, "side": side.value}
    if "symbol" not in entities or not any(key in entities for key in _SIZE_KEYS):
        return None
    return build_request(entities, source=OrderSource.MANUAL, ai_command_id=None)


def parse_edit(text: str) -> dict[str, Decimal] | None:
    """The Edit dialog's answer: ``at 61000`` (price), ``200 USDT`` (value) or ``0.02`` (amount)."""
    if match := _EDIT_PRICE.match(text):
        value = _number(match["price"])
        return None if value is None else {"price": value}
    if match := _EDIT_SIZE.match(text):
        value = _number(match["size"])
        asset = (match["asset"] or "").upper()
        if value is None:
            return None
        if asset in STABLE_ASSETS or text.lstrip().startswith("$"):
            return {"quote_amount": value}
        return {"amount": value}
    return None


# -- commands -----------------------------------------------------------------------------------


async def _send(sender: Sender, chat_id: int, reply: TextReply) -> None:
    if reply.photo is not None:
        await sender.send_photo(chat_id, reply.photo, reply.photo_caption)
    await sender.send(chat_id, reply.text, reply.reply_markup)


async def buy(
    message: Message, command: CommandObject, current_user: CurrentUser, trading: TradingServices | None, sender: Sender,
    uow: UnitOfWork | None = None, nlp: NLPService | None = None,
) -> None:
    await _order_command(OrderSide.BUY, message, command, current_user, trading, sender, uow, nlp)


async def sell(
    message: Message, command: CommandObject, current_user: CurrentUser, trading: TradingServices | None, sender: Sender,
    uow: UnitOfWork | None = None, nlp: NLPService | None = None,
) -> None:
    await _order_command(OrderSide.SELL, message, command, current_user, trading, sender, uow, nlp)


async def _order_command(
    side: OrderSide, message: Message, command: CommandObject, current_user: CurrentUser,
    trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None, nlp: NLPService | None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    if nlp is None:
        await message.answer(_(render.NOT_CONFIGURED))
        return
    request = parse_order_args(side, command.args, nlp)
    if request is None:
        await message.answer(_(render.BUY_USAGE) if side is OrderSide.BUY else _(render.SELL_USAGE))
        return
    assert current_user.user_id is not None
    async with trading_unit(uow, trading) as unit:
        reply = await preview_reply(trading, unit, current_user.user_id, request)
    await _send(sender, message.chat.id, reply)


async def cancel_order_command(
    message: Message, command: CommandObject, current_user: CurrentUser, trading: TradingServices | None, sender: Sender,
    uow: UnitOfWork | None = None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None:
        await message.answer(refusal)
        return
    assert current_user.user_id is not None and trading is not None
    arg = (command.args or "").strip()
    order_ref = symbol = None
    every = arg.lower() == "all"
    if arg and not every:
        if re.fullmatch(r"#?[0-9a-fA-F]{4,32}|\d{1,3}", arg):
            order_ref = arg
        else:
            base = arg.upper().split("/")[0]
            symbol = arg.upper() if "/" in arg else f"{base}/{DEFAULT_QUOTE}"
    async with trading_unit(uow, trading) as unit:
        reply = await cancel_reply(trading, unit, current_user.user_id, order_ref=order_ref, symbol=symbol, every=every)
    await _send(sender, message.chat.id, reply)


# -- the confirmation card ----------------------------------------------------------------------


async def confirm(
    callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    await _confirm(callback, callback_data, current_user, trading, uow, second_tap=False)


async def confirm_live(
    callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    await _confirm(callback, callback_data, current_user, trading, uow, second_tap=True)


async def _confirm(
    callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None, *, second_tap: bool,
) -> None:
    if await _tap_refused(callback, current_user, trading):
        return
    assert current_user.user_id is not None and trading is not None
    try:
        async with trading_unit(uow, trading) as unit:
            result = await trading.orders.confirm(unit, callback_data.token, current_user.user_id,
                                                  second_tap=second_tap)
            account = await _live_account_name(unit, result)
    except OrderOutcomeUnknown:
        await show(callback, _(render.OUTCOME_UNKNOWN))
        await callback.answer(_(render.OUTCOME_UNKNOWN)[:200], show_alert=True)
        return
    except AlreadyConfirmed:
        await callback.answer(_(render.ALREADY_CONFIRMED), show_alert=True)
        return
    except (ConfirmationExpired, ConfirmationNotYours):
        # Someone else's card is answered as a card that does not exist: a copied token tells
        # nobody whether it is live. The owner's card stays usable; this edits the tapper's own.
        await callback.answer(_(render.EXPIRED), show_alert=True)
        await show(callback, _(render.EXPIRED))
        return
    except (MarketDataUnavailable, ExchangeUnavailable) as error:
        # Passing, and the draft is still there: the card keeps its buttons for another tap.
        await _refuse(callback, error)
        return
    except DomainError as error:  # InsufficientFunds, InvalidOrder, PositionNotFound...
        text = f"❌ {say(error.phrase)}\n" + _("The order was not placed.")
        await _refuse(callback, error)
        await show(callback, text)
        return
    if isinstance(result, NeedsSecondTap):
        await show(callback, render.second_tap(result), second_tap_keyboard(result.token))
        await callback.answer()
        return
    if isinstance(result, PriceMoved):
        live = result.preview.live_account is not None
        await show(callback, render.price_moved(result, utc_now()), confirmation_keyboard(result.preview.token, live=live))
        await callback.answer(_("The price moved: check the new figures and confirm again."), show_alert=True)
        return
    if account is not None:
        await show(callback, render.live_result(result, account), live_order_keyboard(result.order))
    else:
        await show(callback, render.order_result(result))
    await callback.answer(_("Done."))


async def _live_account_name(unit: Any, result: object) -> str | None:
    if not isinstance(result, OrderEvent):
        return None
    portfolio = await unit.portfolios.get(result.order.portfolio_id)
    return None if portfolio is None or portfolio.is_paper else portfolio.name


async def choose_account(
    callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    """The card's Account button: paper or one of the connected exchange accounts."""
    if await _tap_refused(callback, current_user, trading):
        return
    assert current_user.user_id is not None and trading is not None
    async with trading_unit(uow, trading) as unit:
        accounts = await unit.live.portfolios(current_user.user_id)
    if not accounts:
        await callback.answer(_(render.ONLY_PAPER), show_alert=True)
        return
    await callback.answer()
    await callback.bot.send_message(  # type: ignore[union-attr]
        current_user.chat_id, _(render.CHOOSE_ACCOUNT), reply_markup=account_picker(callback_data.token, [a.name for a in accounts])
    )


async def move_to_account(
    callback: CallbackQuery, callback_data: AccountPickCallback, current_user: CurrentUser,
    trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None,
) -> None:
    if await _tap_refused(callback, current_user, trading):
        return
    assert current_user.user_id is not None and trading is not None
    try:
        async with trading_unit(uow, trading) as unit:
            accounts = await unit.live.portfolios(current_user.user_id)
            if not 0 <= callback_data.n <= len(accounts):
                await callback.answer(_(render.ONLY_PAPER), show_alert=True)
                return
            target = None if callback_data.n == 0 else accounts[callback_data.n - 1].id
            preview = await trading.orders.move_draft(unit, callback_data.token, current_user.user_id, target)
    except DomainError as error:
        await _refuse(callback, error)
        return
    await callback.answer()
    await show(callback, _(render.MOVED))
    await _send(sender, current_user.chat_id, card_reply(preview))


async def cancel_live_order(
    callback: CallbackQuery, callback_data: LiveOrderCallback, current_user: CurrentUser,
    trading: TradingServices | None, uow: UnitOfWork | None = None,
) -> None:
    if (refusal := _refusal(current_user, trading)) is not None or trading is None or trading.live is None:
        await callback.answer(refusal or _(render.NOT_CONFIGURED), show_alert=True)
        return
    assert current_user.user_id is not None
    try:
        async with trading_unit(uow, trading) as unit:
            found = await _open_live_order(unit, current_user.user_id, callback_data.ref)
            if found is None:
                await callback.answer(_(render.LIVE_ORDER_GONE), show_alert=True)
                return
            event = await trading.live.cancel(unit, *found)
    except DomainError as error:
        await _refuse(callback, error)
        return
    await callback.answer(_("Cancelled.") if event.order.status is OrderStatus.CANCELLED else _("Done."))
    await show(callback, render.live_result(event, found[0].name))


async def close_live_position(
    callback: CallbackQuery, callback_data: LivePositionCallback, current_user: CurrentUser,
    trading: TradingServices | None, sender: Sender, uow: UnitOfWork | None = None,
) -> None:
    """/positions' Close LIVE button: the close card for that account's position (Confirm LIVE places it)."""
    if await _tap_refused(callback, current_user, trading):
        return
    assert current_user.user_id is not None and trading is not None
    try:
        async with trading_unit(uow, trading) as unit:
            found = next(((p, position) for p, position in await live_positions(unit, current_user.user_id)
                          if order_ref(position.id) == callback_data.ref), None)
            if found is None:  # closed meanwhile, or not this user's
                await callback.answer(_(render.LIVE_POSITION_GONE), show_alert=True)
                return
            portfolio, position = found
            preview = await trading.orders.preview_close(unit, current_user.user_id, position.symbol,
                                                         portfolio_id=portfolio.id)
    except DomainError as error:
        await _refuse(callback, error)
        return
    await callback.answer()
    await _send(sender, current_user.chat_id, card_reply(preview))


async def _open_live_order(unit: Any, user_id: Any, ref: str) -> tuple[Any, Any] | None:
    """The user's open live order with short id ``ref``, with its portfolio."""
    for portfolio, orders in await unit.live.open_orders_by_portfolio(user_id):
        for order in orders:
            if order_ref(order.id) == ref:
                return portfolio, order
    return None


async def start_live_change(
    callback: CallbackQuery, callback_data: LiveOrderCallback, current_user: CurrentUser, state: FSMContext
) -> None:
    if (refusal := trading_refusal(current_user.user_id, current_user.may_trade)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    await state.set_state(OrderEditDialog.live_order)
    await state.set_data({"ref": callback_data.ref})
    await callback.answer()
    await callback.bot.send_message(current_user.chat_id, _(render.LIVE_CHANGE_PROMPT))  # type: ignore[union-attr]


async def receive_live_change(
    message: Message, state: FSMContext, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    """Cancel-and-replace at the new price or size; the new order is shown with its own buttons."""
    change = parse_edit(message.text or "")
    if change is None or "quote_amount" in change:
        await message.answer(_(render.LIVE_CHANGE_PROMPT))
        return
    data: dict[str, Any] = await state.get_data()
    await state.clear()
    if trading is None or trading.live is None or current_user.user_id is None:
        await message.answer(render.NOT_CONFIGURED)
        return
    try:
        async with trading_unit(uow, trading) as unit:
            found = await _open_live_order(unit, current_user.user_id, data.get("ref", ""))
            if found is None:
                await message.answer(_(render.LIVE_ORDER_GONE))
                return
            cancelled, placed = await trading.live.replace(
                unit, *found, price=change.get("price"), quantity=change.get("amount")
            )
    except OrderOutcomeUnknown:
        await message.answer(_(render.OUTCOME_UNKNOWN))
        return
    except DomainError as error:
        await message.answer(f"❌ {say(error.phrase)}")
        return
    await message.answer(render.live_result(cancelled, found[0].name))
    if placed is not None:
        await message.answer(render.live_result(placed, found[0].name), reply_markup=live_order_keyboard(placed.order))


async def drop(callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, redis: Redis) -> None:
    """Cancel on the card: forget the draft (only its owner may), nothing was placed."""
    store = RedisConfirmationStore(redis)
    draft = await store.peek(callback_data.token)
    if draft is not None and draft.user_id != current_user.user_id:
        draft = None  # someone else's: answered as an unknown token would be, and left alone
    elif draft is None and await store.was_taken(callback_data.token):
        await callback.answer(_(render.ALREADY_CONFIRMED), show_alert=True)
        return
    if draft is not None:
        await store.take(callback_data.token)
    await show(callback, _(render.ORDER_DROPPED))
    await callback.answer()


async def start_edit(
    callback: CallbackQuery, callback_data: OrderCallback, current_user: CurrentUser, state: FSMContext
) -> None:
    if (refusal := trading_refusal(current_user.user_id, current_user.may_trade)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    message_id = callback.message.message_id if callback.message is not None else None
    await state.set_state(OrderEditDialog.value)
    await state.set_data({"token": callback_data.token, "card": message_id})
    await callback.answer()
    await callback.bot.send_message(current_user.chat_id, _(render.EDIT_PROMPT))  # type: ignore[union-attr]


async def receive_edit(
    message: Message, state: FSMContext, current_user: CurrentUser, trading: TradingServices | None, sender: Sender,
    bot: Bot, uow: UnitOfWork | None = None,
) -> None:
    data: dict[str, Any] = await state.get_data()
    change = parse_edit(message.text or "")
    if change is None:
        await message.answer(_(render.EDIT_NOT_UNDERSTOOD))
        return
    if trading is None or current_user.user_id is None or "token" not in data:
        await state.clear()
        await message.answer(_(render.NEEDS_ACCOUNT))
        return
    try:
        async with trading_unit(uow, trading) as unit:
            preview = await trading.orders.edit_draft(unit, data["token"], current_user.user_id, **change)
    except (ConfirmationExpired, AlreadyConfirmed, ConfirmationNotYours) as error:
        await state.clear()
        await message.answer(say(error.phrase))
        return
    except DomainError as error:  # a size or price the preview refuses: ask again
        await message.answer(f"{say(error.phrase)}\n{_(render.EDIT_PROMPT)}")
        return
    await state.clear()
    if data.get("card") is not None:
        try:  # the old card's token no longer works: take its buttons away
            await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=data["card"], reply_markup=None)
        except TelegramAPIError:
            pass
    await _send(sender, message.chat.id, card_reply(preview))


# -- open orders --------------------------------------------------------------------------------


async def cancel_open_order(
    callback: CallbackQuery, callback_data: OpenOrderCallback, current_user: CurrentUser, trading: TradingServices | None,
    uow: UnitOfWork | None = None,
) -> None:
    if await _tap_refused(callback, current_user, trading):
        return
    assert current_user.user_id is not None and trading is not None
    try:
        async with trading_unit(uow, trading) as unit:
            events = await trading.changes.cancel(unit, current_user.user_id, order_ref=callback_data.ref)
    except DomainError as error:  # OrderNotFound: someone else's id, or already gone
        await _refuse(callback, error)
        return
    await callback.answer(_(texts.CANCELLED))
    await callback.bot.send_message(current_user.chat_id, render.cancelled(events))  # type: ignore[union-attr]
