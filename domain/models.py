"""The trading domain's data: markets and prices, balances, orders, fills, positions, portfolios.

Money and quantities are ``Decimal``; datetimes are timezone-aware UTC. Entities (``Order``,
``Position``, ``Balance``) are mutable and own their state transitions; value objects are frozen.
Fees on paper fills are charged in the quote asset, so base quantities stay exactly as ordered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType, PositionStatus
from domain.errors import InsufficientFunds
from domain.numbers import ZERO, money, percent, round_down, round_to
from domain.phrases import phrase


@dataclass(frozen=True, slots=True)
class Market:
    """A tradable pair with its precision, limits and fee rates (fractions: 0.001 is 0.1 %)."""

    symbol: str
    base: str
    quote: str
    price_precision: int
    amount_precision: int
    min_amount: Decimal
    max_amount: Decimal | None = None
    min_notional: Decimal | None = None
    maker_fee: Decimal = Decimal("0.001")
    taker_fee: Decimal = Decimal("0.001")

    def round_amount(self, amount: Decimal) -> Decimal:
        # Down, never up: rounding up could spend more than the user has.
        return round_down(amount, self.amount_precision)

    def round_price(self, price: Decimal) -> Decimal:
        return round_to(price, self.price_precision)


@dataclass(frozen=True, slots=True)
class Ticker:
    symbol: str
    last: Decimal
    open: Decimal  # 24 h ago
    high: Decimal
    low: Decimal
    base_volume: Decimal
    quote_volume: Decimal
    bid: Decimal | None
    ask: Decimal | None
    timestamp: datetime

    @property
    def change(self) -> Decimal:
        return self.last - self.open

    @property
    def change_percent(self) -> Decimal:
        return percent(self.change, self.open)


@dataclass(frozen=True, slots=True)
class OrderBookTop:
    symbol: str
    bid: Decimal
    bid_amount: Decimal
    ask: Decimal
    ask_amount: Decimal
    timestamp: datetime

    @property
    def spread_percent(self) -> Decimal:
        return percent(self.ask - self.bid, (self.ask + self.bid) / 2)


@dataclass(frozen=True, slots=True)
class Candle:
    opened_at: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(slots=True)
class Balance:
    """One asset of one portfolio. ``locked`` is what open orders have reserved."""

    asset: str
    free: Decimal = ZERO
    locked: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.locked

    def _short(self, amount: Decimal) -> InsufficientFunds:
        return InsufficientFunds(phrase("Not enough {asset}: {needed} needed, {available} available.",
                                        asset=self.asset, needed=amount.normalize(), available=self.free.normalize()))

    def lock(self, amount: Decimal) -> None:
        if amount > self.free:
            raise self._short(amount)
        self.free -= amount
        self.locked += amount

    def unlock(self, amount: Decimal) -> None:
        self.locked -= amount
        self.free += amount

    def spend(self, amount: Decimal) -> None:
        if amount > self.free:
            raise self._short(amount)
        self.free -= amount

    def receive(self, amount: Decimal) -> None:
        self.free += amount


# The balances of one portfolio, keyed by asset; loaded (and row-locked) together.
Wallet = dict[str, Balance]


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of (part of) an order. ``fee`` is in ``fee_currency``."""

    order_id: uuid.UUID
    trade_id: str
    side: OrderSide
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: str
    is_maker: bool
    executed_at: datetime

    @property
    def quote_quantity(self) -> Decimal:
        return money(self.quantity * self.price)


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """A stored fill, as trade history shows it."""

    symbol: str
    fill: Fill
    realized_pnl: Decimal | None


@dataclass(slots=True)
class Order:
    id: uuid.UUID
    user_id: uuid.UUID
    portfolio_id: uuid.UUID
    symbol: str
    side: OrderSide
    order_type: OrderType
    quantity: Decimal
    client_order_id: str
    created_at: datetime
    status: OrderStatus = OrderStatus.PENDING
    price: Decimal | None = None  # limit price
    # Trigger of stop / stop_limit; for a trailing stop, the current (moving) trigger.
    stop_price: Decimal | None = None
    trailing_percent: Decimal | None = None
    filled_quantity: Decimal = ZERO
    average_fill_price: Decimal | None = None
    fee: Decimal = ZERO
    fee_currency: str | None = None
    source: OrderSource = OrderSource.MANUAL
    reduce_only: bool = False
    # Protection handed to the position when this order opens or adds to it.
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    ai_command_id: uuid.UUID | None = None
    signal_id: uuid.UUID | None = None
    exchange_order_id: str | None = None
    error_message: str | None = None
    triggered_at: datetime | None = None  # a stop_limit whose trigger was hit rests as a limit
    filled_at: datetime | None = None
    cancelled_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.filled_quantity

    @property
    def is_open(self) -> bool:
        return not self.status.is_final

    def record_fill(self, fill: Fill) -> None:
        if not self.is_open or not ZERO < fill.quantity <= self.remaining:
            raise ValueError(f"fill of {fill.quantity} does not fit order {self.id} ({self.status}, {self.remaining} left)")
        spent_before = (self.average_fill_price or ZERO) * self.filled_quantity
        self.filled_quantity += fill.quantity
        self.average_fill_price = money((spent_before + fill.price * fill.quantity) / self.filled_quantity)
        self.fee = money(self.fee + fill.fee)
        self.fee_currency = fill.fee_currency
        if self.remaining == ZERO:
            self.status = OrderStatus.FILLED
            self.filled_at = fill.executed_at
        else:
            self.status = OrderStatus.PARTIALLY_FILLED

    def reduce(self, by: Decimal, at: datetime) -> None:
        """Cancel ``by`` of the unfilled quantity; cancelling all of it cancels the order."""
        if not ZERO < by <= self.remaining:
            raise ValueError(f"cannot reduce order {self.id} by {by} ({self.remaining} left)")
        if by == self.remaining:
            self.close(OrderStatus.CANCELLED, at)
        else:
            self.quantity -= by

    def close(self, status: OrderStatus, at: datetime, reason: str | None = None) -> None:
        """End the order unfilled (cancelled, rejected or expired); fills already made stay."""
        self.status = status
        self.cancelled_at = at
        self.error_message = reason or self.error_message


@dataclass(slots=True)
class Position:
    """A holding built by orders on its side and reduced by orders on the other: a spot holding
    (or a long on perpetuals) is bought and sold, a short on perpetuals sold and bought back.

    Fees are realized when they are paid (entry fees make ``realized_pnl`` negative straight
    away), so ``realized_pnl + unrealized_pnl`` is always exactly what the position has changed
    the portfolio's value by.
    """

    id: uuid.UUID
    user_id: uuid.UUID
    portfolio_id: uuid.UUID
    symbol: str
    opened_at: datetime
    side: OrderSide = OrderSide.BUY
    status: PositionStatus = PositionStatus.OPEN
    quantity: Decimal = ZERO
    initial_quantity: Decimal = ZERO  # everything bought into the position
    entry_price: Decimal = ZERO
    exit_price: Decimal | None = None
    current_price: Decimal | None = None
    realized_pnl: Decimal = ZERO
    unrealized_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    signal_id: uuid.UUID | None = None
    closed_at: datetime | None = None

    @property
    def closed_quantity(self) -> Decimal:
        return self.initial_quantity - self.quantity

    @property
    def is_open(self) -> bool:
        return self.status is not PositionStatus.CLOSED

    def apply_fill(self, fill: Fill) -> Decimal:
        """Book a fill; returns the PnL it realized (the fee alone for a buy)."""
        if fill.side is self.side:
            self._add(fill)
            realized = -fill.fee
        else:
            realized = self._reduce(fill)
        self.fees = money(self.fees + fill.fee)
        self.realized_pnl = money(self.realized_pnl + realized)
        self.mark(fill.price)
        return realized

    @property
    def direction(self) -> int:
        """1 for a long, -1 for a short (perpetuals): what a price rise is worth per unit held."""
        return 1 if self.side is OrderSide.BUY else -1

    def mark(self, price: Decimal) -> None:
        self.current_price = price
        self.unrealized_pnl = money((price - self.entry_price) * self.quantity * self.direction)

    def _add(self, fill: Fill) -> None:
        held_cost = self.entry_price * self.quantity
        self.quantity += fill.quantity
        self.initial_quantity += fill.quantity
        self.entry_price = money((held_cost + fill.price * fill.quantity) / self.quantity)

    def _reduce(self, fill: Fill) -> Decimal:
        if fill.quantity > self.quantity:
            raise ValueError(f"fill of {fill.quantity} exceeds position {self.id} ({self.quantity})")
        exited_value = (self.exit_price or ZERO) * self.closed_quantity
        self.quantity -= fill.quantity
        self.exit_price = money((exited_value + fill.price * fill.quantity) / self.closed_quantity)
        if self.quantity == ZERO:
            self.status = PositionStatus.CLOSED
            self.closed_at = fill.executed_at
        else:
            self.status = PositionStatus.PARTIALLY_CLOSED
        return money((fill.price - self.entry_price) * fill.quantity * self.direction - fill.fee)


@dataclass(frozen=True, slots=True)
class Portfolio:
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    base_currency: str
    exchange: str
    is_paper: bool
    initial_balance: Decimal
    realized_pnl: Decimal
    total_fees: Decimal
    credential_id: uuid.UUID | None = None  # the connected account a live portfolio books


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What the user asked for, in the NLP contract's terms; exactly one size field is set."""

    symbol: str
    side: OrderSide
    order_type: OrderType = OrderType.MARKET
    amount: Decimal | None = None  # base asset
    quote_amount: Decimal | None = None
    percent_of_balance: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_percent: Decimal | None = None
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    source: OrderSource = OrderSource.MANUAL
    ai_command_id: uuid.UUID | None = None
    signal_id: uuid.UUID | None = None
    expires_at: datetime | None = None
    reduce_only: bool = False


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """A previewed order waiting for the user's confirmation, stored under ``token``."""

    token: str
    user_id: uuid.UUID
    portfolio_id: uuid.UUID
    request: OrderRequest
    quantity: Decimal
    reference_price: Decimal  # the market price the preview was computed at
    created_at: datetime
    expires_at: datetime
    # Set when the draft closes (part of) this position rather than opening one.
    position_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ExchangeReport:
    """An order's state as a live exchange reports it."""

    exchange_order_id: str
    client_order_id: str | None
    symbol: str
    side: OrderSide
    order_type: OrderType
    status: OrderStatus
    amount: Decimal
    filled: Decimal
    price: Decimal | None
    average: Decimal | None
    fee: Decimal
    fee_currency: str | None
    fills: tuple[Fill, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiCredentials:
    """A decrypted exchange API key: exists only in memory, on its way to the exchange adapter."""

    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CredentialInfo:
    """What may be shown of a stored API key: never the key itself."""

    id: uuid.UUID
    exchange: str
    label: str
    key_hint: str  # last four characters
    is_testnet: bool
    created_at: datetime
    last_used_at: datetime | None
    market_type: str = "spot"  # spot | swap (USDT perpetuals)
    permissions: dict[str, Any] = field(default_factory=dict)  # as the exchange reported them
    portfolio_id: uuid.UUID | None = None  # the live portfolio booking this account


@dataclass(frozen=True, slots=True)
class AccountPermissions:
    """What an API key may do, as the exchange reports it (``None``: it does not say)."""

    can_trade: bool | None
    can_withdraw: bool | None
    can_trade_futures: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"trade": self.can_trade, "withdraw": self.can_withdraw, "futures": self.can_trade_futures}


@dataclass(frozen=True, slots=True)
class LiveLimits:
    """A user's brakes on live orders, in the account's quote currency (USDT)."""

    max_order_value: Decimal = Decimal("1000")
    confirm_above_value: Decimal = Decimal("100")
    max_leverage: Decimal = Decimal("3")
    daily_loss_limit: Decimal = Decimal("200")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str  # e.g. order.created, order.filled, position.closed
    entity_type: str
    entity_id: uuid.UUID | None
    user_id: uuid.UUID | None
    actor: str = "user"  # user | system | scheduler
    old_values: dict[str, Any] | None = None
    new_values: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)
