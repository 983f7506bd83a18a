"""Trading intents: place, cancel, close, modify. Nothing is placed here: orders become a
confirmation card whose buttons carry the preview token (handlers/trading.py confirms it).

The ``*_reply`` functions are shared with the /buy, /sell and /cancel_order commands.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.assistant.context import IntentContext, IntentHandler
from bot.render import trading as render
from bot.text_handler import TextReply
from bot.trading_callbacks import confirmation_keyboard, open_orders_keyboard
from bot.i18n import _
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import TradingServices
from db.uow import UnitOfWork
from domain.enums import OrderSide, OrderSource, OrderType
from domain.models import OrderRequest
from domain.numbers import HUNDRED
from domain.ports import utc_now
from domain.services.previews import OrderPreview
from nlp.models import ParsedCommand

AMOUNT_ENTITIES = ("amount", "quote_amount", "percent_of_balance")
_CANCEL_ALL = re.compile(r"\b(all|every|everything)\b", re.IGNORECASE)


# -- what an intent still needs -----------------------------------------------------------------


def missing_entities(parsed: ParsedCommand) -> list[str]:
    """The required entities ``parsed`` lacks for its intent (empty: it can be acted on).

    An amount is reported as ``"amount"`` (any of amount, quote_amount or percent_of_balance
    satisfies it); a modify without any level as ``"stop_loss"``.
    """
    entities = parsed.entities
    missing: list[str] = []
    if parsed.intent == "place_order":
        if not entities.get("symbol"):
            missing.append("symbol")
        if entities.get("side") not in ("buy", "sell"):
            missing.append("side")
        if all(entities.get(name) is None for name in AMOUNT_ENTITIES):
            missing.append("amount")
    elif parsed.intent == "close_position":
        if not entities.get("symbol"):
            missing.append("symbol")
    elif parsed.intent == "modify_order":
        if not entities.get("symbol"):
            missing.append("symbol")
        if entities.get("stop_loss") is None and not entities.get("take_profits") and not entities.get("to_breakeven"):
            missing.append("stop_loss")
    return missing


def base_of(symbol: str | None) -> str | None:
    return None if not symbol else symbol.partition("/")[0]


def question_for(parsed: ParsedCommand, missing: list[str]) -> str:
    symbol = parsed.entities.get("symbol")
    if "symbol" in missing:
        return render.ask_symbol() if parsed.intent == "place_order" else _("Which coin? For example: close BTC.")
    if "side" in missing:
        return render.ask_side()
    if "amount" in missing:
        return render.ask_amount(base_of(symbol))
    if "stop_loss" in missing:
        return _("Tell me the new stop-loss or take-profit price, e.g. <code>move BTC stop to 58000</code>.")
    return _("Tell me a little more.")


# -- the shared replies -------------------------------------------------------------------------


def trading_refusal(user_id: uuid.UUID | None, may_trade: bool) -> str | None:
    """Why this user cannot trade, or None when they can."""
    if user_id is None:
        return _(render.NEEDS_ACCOUNT)
    if not may_trade:
        return _(render.NOT_ENABLED)
    return None


@asynccontextmanager
async def trading_unit(uow: UnitOfWork | None, trading: TradingServices) -> AsyncIterator[TradingUnitOfWork]:
    """The update's unit of work when it has the trading repositories, else a fresh one."""
    if isinstance(uow, TradingUnitOfWork):
        yield uow
        return
    async with trading.uow_factory() as unit:
        yield unit  # type: ignore[misc]


def card_reply(preview: OrderPreview, now: datetime | None = None, ai_command_id: uuid.UUID | None = None) -> TextReply:
    return TextReply(
        render.order_card(preview, now or utc_now()),
        reply_markup=confirmation_keyboard(preview.token, live=preview.live_account is not None),
        ai_command_id=ai_command_id,
    )


def build_request(entities: dict[str, Any], *, source: OrderSource, ai_command_id: uuid.UUID | None) -> OrderRequest:
    """An order request from the contract's entities (the caller checked what is missing)."""
    take_profits = entities.get("take_profits") or []
    order_type = entities.get("order_type")
    if order_type is None:
        if entities.get("trailing_percent") is not None:
            order_type = "trailing_stop"
        elif entities.get("stop_price") is not None:
            order_type = "stop_limit" if entities.get("price") is not None else "stop"
        elif entities.get("price") is not None:
            order_type = "limit"
        else:
            order_type = "market"
    return OrderRequest(
        symbol=entities["symbol"],
        side=OrderSide(entities["side"]),
        order_type=OrderType(order_type),
        amount=_decimal(entities.get("amount")),
        quote_amount=_decimal(entities.get("quote_amount")) if entities.get("amount") is None else None,
        percent_of_balance=(
            _decimal(entities.get("percent_of_balance"))
            if entities.get("amount") is None and entities.get("quote_amount") is None else None
        ),
        price=_decimal(entities.get("price")),
        stop_price=_decimal(entities.get("stop_price")),
        trailing_percent=_decimal(entities.get("trailing_percent")),
        stop_loss=_decimal(entities.get("stop_loss")),
        take_profit=_decimal(take_profits[0]) if take_profits else None,
        source=source,
        ai_command_id=ai_command_id,
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def nothing_to_sell(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str | None, side: object
) -> TextReply | None:
    """A sell of a coin the user does not hold: say so, with the balances, before asking anything.

    Spot trading cannot sell what it does not own; a short needs a futures account.
    """
    if side not in (OrderSide.SELL, OrderSide.SELL.value) or not symbol:
        return None
    base = symbol.partition("/")[0]
    balances = await trading.portfolios.balances(uow, user_id)
    if any(b.asset == base and b.total > 0 for b in balances):
        return None
    return TextReply(render.nothing_to_sell(base, balances))


async def preview_reply(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, request: OrderRequest
) -> TextReply:
    refusal = await nothing_to_sell(trading, uow, user_id, request.symbol, request.side)
    if refusal is not None:
        return TextReply(refusal.text, ai_command_id=request.ai_command_id)
    preview = await trading.orders.preview(uow, user_id, request)
    return card_reply(preview, ai_command_id=request.ai_command_id)


async def close_reply(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str,
    percent_to_close: Decimal = HUNDRED, *, source: OrderSource = OrderSource.MANUAL,
    ai_command_id: uuid.UUID | None = None,
) -> TextReply:
    preview = await trading.orders.preview_close(uow, user_id, symbol, percent_to_close, source, ai_command_id)
    return card_reply(preview, ai_command_id=ai_command_id)


async def cancel_reply(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, *, order_ref: str | None = None,
    symbol: str | None = None, every: bool = False,
) -> TextReply:
    """Cancel what is named; with several candidates and nothing precise, list them with a button each."""
    if order_ref is None and not every:
        candidates = await trading.portfolios.open_orders(uow, user_id, symbol)
        if len(candidates) > 1:
            return TextReply(render.choose_order_to_cancel(candidates), open_orders_keyboard(candidates))
    events = await trading.changes.cancel(uow, user_id, order_ref=order_ref, symbol=symbol, every=every)
    return TextReply(render.cancelled(events))


# -- intent handlers ----------------------------------------------------------------------------


def _refused(ctx: IntentContext) -> TextReply | None:
    reason = trading_refusal(ctx.user_id, ctx.message.may_trade)
    return None if reason is None else TextReply(reason, ai_command_id=ctx.ai_command_id)


def _asked(ctx: IntentContext, parsed: ParsedCommand) -> TextReply | None:
    missing = missing_entities(parsed)
    return None if not missing else TextReply(question_for(parsed, missing), ai_command_id=ctx.ai_command_id)


async def place_order(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    early = _refused(ctx)
    if early is None and ctx.user_id is not None:  # before asking how much of a coin they do not have
        early = await nothing_to_sell(ctx.services.trading, ctx.uow, ctx.user_id, parsed.entities.get("symbol"),
                                      parsed.entities.get("side"))
        early = None if early is None else TextReply(early.text, ai_command_id=ctx.ai_command_id)
    early = early or _asked(ctx, parsed)
    if early is not None:
        return early
    assert ctx.user_id is not None
    request = build_request(parsed.entities, source=OrderSource.AI, ai_command_id=ctx.ai_command_id)
    return await preview_reply(ctx.services.trading, ctx.uow, ctx.user_id, request)


async def close_position(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    early = _refused(ctx) or _asked(ctx, parsed)
    if early is not None:
        return early
    assert ctx.user_id is not None
    percent_to_close = _decimal(parsed.entities.get("close_percent")) or HUNDRED
    return await close_reply(ctx.services.trading, ctx.uow, ctx.user_id, parsed.entities["symbol"], percent_to_close,
                             source=OrderSource.AI, ai_command_id=ctx.ai_command_id)


async def cancel_order(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    early = _refused(ctx)
    if early is not None:
        return early
    assert ctx.user_id is not None
    order_ref = parsed.entities.get("order_id")
    symbol = parsed.entities.get("symbol")
    every = order_ref is None and bool(_CANCEL_ALL.search(parsed.text))
    reply = await cancel_reply(ctx.services.trading, ctx.uow, ctx.user_id, order_ref=order_ref, symbol=symbol,
                               every=every)
    return TextReply(reply.text, reply.reply_markup, ai_command_id=ctx.ai_command_id)


async def modify_order(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    early = _refused(ctx) or _asked(ctx, parsed)
    if early is not None:
        return early
    assert ctx.user_id is not None
    entities = parsed.entities
    take_profits = entities.get("take_profits") or []
    symbol = entities["symbol"]
    change = await ctx.services.trading.changes.set_protection(
        ctx.uow, ctx.user_id, symbol,
        stop_loss=_decimal(entities.get("stop_loss")),
        take_profit=_decimal(take_profits[0]) if take_profits else None,
        to_breakeven=bool(entities.get("to_breakeven")),
    )
    return TextReply(render.protection_changed(change, symbol), ai_command_id=ctx.ai_command_id)


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "place_order": place_order,
    "cancel_order": cancel_order,
    "close_position": close_position,
    "modify_order": modify_order,
}

