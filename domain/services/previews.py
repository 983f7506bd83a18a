"""Turning a requested order into a priced, checked draft the user can confirm.

The preview resolves the size (amount, quote amount or share of the balance), rounds it to the
pair's precision, rejects what an exchange would reject (too small, missing prices, a stop on the
wrong side of the market) and estimates price, fee and balances after, with risk warnings.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import InvalidOrder
from domain.exchanges.paper import PaperEngine
from domain.models import Balance, Market, Order, OrderRequest, Position
from domain.numbers import HUNDRED, ZERO, money, percent
from domain.phrases import N_, Percent, Price, phrase

MAX_TRAILING_PERCENT = Decimal(50)
CLIENT_ORDER_ID_PREFIX = "tsr-"


class WarningCode(StrEnum):
    NO_STOP_LOSS = "no_stop_loss"
    POSITION_TOO_LARGE = "position_too_large"
    INSUFFICIENT_BALANCE = "insufficient_balance"


@dataclass(frozen=True, slots=True)
class RiskWarning:
    code: WarningCode
    message: str  # English; a renderer may word it from ``code`` and ``figures`` in another language
    figures: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderPreview:
    token: str  # what the confirm button carries
    expires_at: datetime
    symbol: str
    side: OrderSide
    order_type: OrderType
    amount: Decimal  # base asset, rounded to the pair's precision
    price: Decimal | None
    stop_price: Decimal | None
    trailing_percent: Decimal | None
    stop_loss: Decimal | None
    take_profit: Decimal | None
    market_price: Decimal
    estimated_price: Decimal
    estimated_cost: Decimal  # quote asset, before the fee
    estimated_fee: Decimal
    base_asset: str
    quote_asset: str
    base_balance_after: Decimal
    quote_balance_after: Decimal
    position_share_percent: Decimal | None  # for buys: the position's share of the portfolio after it
    warnings: tuple[RiskWarning, ...]
    closes_position: bool
    live_account: str | None = None  # the connected exchange account it goes to; None: paper


@dataclass(frozen=True, slots=True)
class Estimate:
    order: Order  # not stored; carries the rounded figures
    price: Decimal
    cost: Decimal
    fee: Decimal
    base_after: Decimal
    quote_after: Decimal


def client_order_id(token: str) -> str:
    """One token, one client order id: the unique column refuses a second order for a draft."""
    return f"{CLIENT_ORDER_ID_PREFIX}{token}"


def check_shape(request: OrderRequest) -> None:
    sizes = [request.amount, request.quote_amount, request.percent_of_balance]
    if sum(size is not None for size in sizes) != 1:
        raise InvalidOrder("Tell me how much: an amount (0.1 BTC), a value (200 USDT) or a share of your balance (25%).")
    if any(size is not None and size <= 0 for size in sizes):
        raise InvalidOrder("The order size must be positive, e.g. 0.01 BTC or 50 USDT.")
    if request.percent_of_balance is not None and request.percent_of_balance > HUNDRED:
        raise InvalidOrder("You cannot use more than 100% of your balance.")
    needs = {
        OrderType.LIMIT: (request.price, N_("A limit order needs a limit price.")),
        OrderType.STOP: (request.stop_price, N_("A stop order needs a stop (trigger) price.")),
        OrderType.STOP_LIMIT: (request.stop_price if request.price is not None else None,
                               N_("A stop-limit order needs a stop price and a limit price.")),
        OrderType.TRAILING_STOP: (request.trailing_percent, N_("A trailing-stop order needs a trailing distance in percent.")),
    }
    if request.order_type in needs and needs[request.order_type][0] is None:
        raise InvalidOrder(phrase(needs[request.order_type][1]))
    if request.trailing_percent is not None and not ZERO < request.trailing_percent <= MAX_TRAILING_PERCENT:
        raise InvalidOrder(phrase("The trailing distance must be between 0 and {limit}.",
                                  limit=Percent(MAX_TRAILING_PERCENT)))
    if request.side is OrderSide.SELL and (request.stop_loss is not None or request.take_profit is not None):
        raise InvalidOrder("Stop-loss and take-profit protect a purchase; to protect a holding, move its stop instead.")


def build_order(
    request: OrderRequest, market: Market, *, user_id: uuid.UUID, portfolio_id: uuid.UUID, token: str, at: datetime
) -> Order:
    """The order a draft stands for, size still unset, prices rounded to the pair's tick."""

    def rounded(value: Decimal | None) -> Decimal | None:
        return None if value is None else market.round_price(value)

    return Order(
        id=uuid.uuid4(),
        user_id=user_id,
        portfolio_id=portfolio_id,
        symbol=market.symbol,
        side=request.side,
        order_type=request.order_type,
        quantity=ZERO,
        client_order_id=client_order_id(token),
        created_at=at,
        status=OrderStatus.PENDING,
        price=rounded(request.price) if request.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None,
        stop_price=rounded(request.stop_price) if request.order_type in (OrderType.STOP, OrderType.STOP_LIMIT) else None,
        trailing_percent=request.trailing_percent if request.order_type is OrderType.TRAILING_STOP else None,
        source=request.source,
        reduce_only=request.reduce_only,
        stop_loss=rounded(request.stop_loss),
        take_profit=rounded(request.take_profit),
        ai_command_id=request.ai_command_id,
        signal_id=request.signal_id,
        expires_at=request.expires_at,
    )


def estimate(
    engine: PaperEngine, request: OrderRequest, order: Order, market: Market, price: Decimal, balances: dict[str, Balance]
) -> Estimate:
    """Size the order and estimate its execution at market ``price``; raises ``InvalidOrder``."""
    free_base, free_quote = _free(balances, market.base), _free(balances, market.quote)
    unit_price = engine.estimated_fill_price(order, market, price)
    resting_limit = order.order_type is OrderType.LIMIT and not executes_at_once(order, price)
    fee_rate = market.maker_fee if resting_limit else market.taker_fee
    if request.amount is not None:
        quantity = request.amount
    elif request.quote_amount is not None:
        quantity = request.quote_amount / unit_price
    elif order.side is OrderSide.BUY:
        assert request.percent_of_balance is not None
        quantity = free_quote * request.percent_of_balance / HUNDRED / (unit_price * (1 + fee_rate))
    else:
        assert request.percent_of_balance is not None
        quantity = free_base * request.percent_of_balance / HUNDRED
    order.quantity = market.round_amount(quantity)
    _check_limits(order, market, unit_price)
    _check_triggers(order, market, price, unit_price)
    cost = money(order.quantity * unit_price)
    fee = money(cost * fee_rate)
    if order.side is OrderSide.BUY:
        return Estimate(order, unit_price, cost, fee, free_base + order.quantity, free_quote - cost - fee)
    return Estimate(order, unit_price, cost, fee, free_base - order.quantity, free_quote + cost - fee)


def warnings_for(
    estimate_: Estimate, market: Market, position: Position | None, total_value: Decimal, max_position_percent: Decimal
) -> tuple[tuple[RiskWarning, ...], Decimal | None]:
    """Risk warnings and, for buys, the position's share of the portfolio once filled."""
    order, warnings = estimate_.order, []
    if estimate_.quote_after < ZERO or estimate_.base_after < ZERO:
        asset = market.quote if order.side is OrderSide.BUY else market.base
        warnings.append(RiskWarning(WarningCode.INSUFFICIENT_BALANCE, f"Your {asset} balance does not cover this order."))
    if order.side is OrderSide.SELL:
        return tuple(warnings), None
    if order.stop_loss is None and (position is None or position.stop_loss is None):
        warnings.append(RiskWarning(WarningCode.NO_STOP_LOSS, "No stop-loss: the loss on this position is not limited."))
    held = ZERO if position is None else money(position.quantity * estimate_.price)
    share = percent(held + estimate_.cost, total_value)
    if share > max_position_percent:
        warnings.append(
            RiskWarning(
                WarningCode.POSITION_TOO_LARGE,
                f"{market.base} would be {share:.1f}% of your portfolio (your limit is {max_position_percent.normalize():f}%).",
                {"share": share, "limit": max_position_percent},
            )
        )
    return tuple(warnings), share


def executes_at_once(order: Order, price: Decimal) -> bool:
    """Whether confirming fills the order straight away, so the price it sees matters."""
    if order.order_type is OrderType.MARKET:
        return True
    if order.order_type is not OrderType.LIMIT or order.price is None:
        return False
    return price <= order.price if order.side is OrderSide.BUY else price >= order.price


def _check_limits(order: Order, market: Market, unit_price: Decimal) -> None:
    if order.quantity < market.min_amount or order.quantity <= ZERO:
        raise InvalidOrder(phrase("The smallest {symbol} order is {amount} {base}.", symbol=market.symbol,
                                  amount=market.min_amount.normalize(), base=market.base))
    if market.max_amount is not None and order.quantity > market.max_amount:
        raise InvalidOrder(phrase("The largest {symbol} order is {amount} {base}.", symbol=market.symbol,
                                  amount=market.max_amount.normalize(), base=market.base))
    if market.min_notional is not None and order.quantity * unit_price < market.min_notional:
        raise InvalidOrder(phrase("The smallest {symbol} order is worth {amount} {quote}.", symbol=market.symbol,
                                  amount=market.min_notional.normalize(), quote=market.quote))


def _check_triggers(order: Order, market: Market, price: Decimal, entry: Decimal) -> None:
    if order.stop_price is not None:
        above = order.side is OrderSide.BUY
        if (order.stop_price <= price) if above else (order.stop_price >= price):
            shown = Price(market.round_price(price), market.symbol)
            raise InvalidOrder(
                phrase("A buy stop must be above the current price ({price}), or it fires at once.", price=shown)
                if above else
                phrase("A sell stop must be below the current price ({price}), or it fires at once.", price=shown))
    shown_entry = Price(market.round_price(entry), market.symbol)
    if order.stop_loss is not None and order.stop_loss >= entry:
        raise InvalidOrder(phrase("The stop-loss must be below the entry price ({price}).", price=shown_entry))
    if order.take_profit is not None and order.take_profit <= entry:
        raise InvalidOrder(phrase("The take-profit must be above the entry price ({price}).", price=shown_entry))


def _free(balances: dict[str, Balance], asset: str) -> Decimal:
    balance = balances.get(asset)
    return ZERO if balance is None else balance.free
