"""The paper trade of an executed signal: entry orders, one take-profit per target, a stop,
and for futures the leverage, margin and liquidation price.

Pure and deterministic like the paper engine: ``on_price`` fills what a price reaches and
returns the fills; ``settle`` moves a portfolio wallet for a fill. Storage is the caller's.

Futures (USDT-margined perpetuals): an entry order reserves its initial margin (notional /
leverage) when placed; a fill keeps it as the position's margin and pays the fee; every exit
releases its share of the margin and settles its PnL in USDT. Isolated positions are liquidated
when the price reaches the liquidation price computed from their own margin (they lose that
margin); cross positions from the wallet's free balance plus their margin (they lose all of it).
Spot trades (long only, no leverage) spend the quote asset and receive the coin.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain import futures
from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.futures import MarginMode, MarketType
from domain.errors import InvalidOrder
from domain.models import Market, Order, Wallet
from domain.numbers import HUNDRED, ZERO, money
from domain.signals import TradeSignal, reached, stopped
from domain.phrases import phrase


class LegKind(StrEnum):
    ENTRY = "entry"
    TARGET = "tp"
    STOP = "stop"


class LegStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Leg:
    """One order of the plan. An entry with ``price`` None is a market order."""

    kind: LegKind
    index: int  # 1-based within its kind
    price: Decimal | None
    quantity: Decimal
    order_id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: LegStatus = LegStatus.OPEN
    filled_price: Decimal | None = None
    fee: Decimal = ZERO
    filled_at: datetime | None = None
    reserved: Decimal = ZERO  # margin (futures) or quote (spot) an open entry keeps locked

    @property
    def is_open(self) -> bool:
        return self.status is LegStatus.OPEN


class FillKind(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    LIQUIDATION = "liquidation"


@dataclass(frozen=True, slots=True)
class TradeFill:
    leg: Leg | None  # None for a liquidation or a manual close at market
    kind: FillKind
    quantity: Decimal
    price: Decimal
    fee: Decimal
    realized: Decimal  # PnL this fill realized, fees included
    is_maker: bool = False


@dataclass(slots=True)
class SignalTrade:
    symbol: str
    base: str
    quote: str
    side: OrderSide
    market_type: MarketType
    margin_mode: MarginMode
    leverage: Decimal
    legs: list[Leg]
    maker_fee: Decimal
    taker_fee: Decimal
    size: Decimal = ZERO  # open quantity
    filled_size: Decimal = ZERO  # everything the entries filled
    entry_price: Decimal = ZERO  # volume-weighted
    exit_price: Decimal | None = None
    exited_size: Decimal = ZERO
    margin: Decimal = ZERO  # margin backing the open position (futures)
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    liquidation_price: Decimal = ZERO
    closed: bool = False
    liquidated: bool = False

    # --- the plan ------------------------------------------------------------------------

    def legs_of(self, kind: LegKind) -> list[Leg]:
        return [leg for leg in self.legs if leg.kind is kind]

    @property
    def stop(self) -> Leg | None:
        """The stop in force: a live stop that was moved is a new order (stop2...), the old one cancelled."""
        stops = self.legs_of(LegKind.STOP)
        return next((leg for leg in stops if leg.is_open), stops[-1] if stops else None)

    @property
    def is_futures(self) -> bool:
        return self.market_type is MarketType.FUTURES

    @property
    def exit_side(self) -> OrderSide:
        return OrderSide.SELL if self.side is OrderSide.BUY else OrderSide.BUY

    def reserve_for(self, leg: Leg, price: Decimal) -> Decimal:
        """What an entry must lock to fill ``leg.quantity`` at ``price``, fee included."""
        notional = leg.quantity * price
        worst_fee = notional * max(self.maker_fee, self.taker_fee)
        if self.is_futures:
            return money(notional / self.leverage + worst_fee)
        return money(notional + worst_fee)

    # --- prices --------------------------------------------------------------------------

    def on_price(self, price: Decimal, at: datetime, wallet: Wallet, *, placing: bool = False) -> list[TradeFill]:
        """Fill what ``price`` reaches: entries, then liquidation, the stop, the targets.
        ``placing``: the orders are being placed; a limit entry the market is already past
        fills at once at the market price, as a taker."""
        if self.closed:
            return []
        fills = [self._fill_entry(leg, price, at, wallet, placing) for leg in self.legs_of(LegKind.ENTRY)
                 if leg.is_open and (leg.price is None or stopped(self.side, price, leg.price))]
        if self.size == ZERO:
            return fills
        if self.is_futures and futures.liquidated(self.side, self.liquidation_price, price):
            return fills + [self._liquidate(at, wallet)]
        stop = self.stop
        if stop is not None and stop.is_open and stop.price is not None and stopped(self.side, price, stop.price):
            worse = min(price, stop.price) if self.side is OrderSide.BUY else max(price, stop.price)
            fills.append(self._close(stop, self.size, worse, False, at, wallet))
            return fills
        for leg in self.legs_of(LegKind.TARGET):
            if self.size > ZERO and leg.is_open and leg.price is not None and reached(self.side, price, leg.price):
                fills.append(self._fill_target(leg, at, wallet))
        return fills

    def close_at_market(self, price: Decimal, at: datetime, wallet: Wallet) -> list[TradeFill]:
        """Close whatever is open at market and cancel every open order (channel or user close)."""
        fills = []
        if self.size > ZERO:
            fills.append(self._close(None, self.size, price, False, at, wallet))
        self.cancel_open(at, wallet)
        self.closed = True
        return fills

    def cancel_open(self, at: datetime, wallet: Wallet, kinds: tuple[LegKind, ...] = tuple(LegKind)) -> list[Leg]:
        """Cancel the open legs of ``kinds``, releasing what unfilled entries reserved."""
        cancelled = []
        for leg in self.legs:
            if leg.is_open and leg.kind in kinds:
                if leg.reserved:
                    wallet[self.quote].unlock(leg.reserved)
                    leg.reserved = ZERO
                leg.status, leg.filled_at = LegStatus.CANCELLED, at
                cancelled.append(leg)
        if self.size == ZERO and not any(leg.is_open for leg in self.legs_of(LegKind.ENTRY)):
            self.closed = True
        return cancelled

    def move_stop(self, price: Decimal) -> None:
        stop = self.stop
        if stop is not None and stop.is_open:
            stop.price = price

    # --- fills ---------------------------------------------------------------------------

    def _fill_entry(self, leg: Leg, price: Decimal, at: datetime, wallet: Wallet, placing: bool) -> TradeFill:
        fill_price, is_maker = (price, False) if leg.price is None or placing else (leg.price, True)
        quote = wallet[self.quote]
        if leg.reserved:
            quote.unlock(leg.reserved)
            leg.reserved = ZERO
        notional = money(leg.quantity * fill_price)
        fee = money(notional * (self.maker_fee if is_maker else self.taker_fee))
        if self.is_futures:
            margin = money(notional / self.leverage)
            quote.spend(fee)
            quote.lock(margin)
            self.margin += margin
        else:
            quote.spend(notional + fee)
            wallet[self.base].receive(leg.quantity)
        held = self.entry_price * self.size
        self.size += leg.quantity
        self.filled_size += leg.quantity
        self.entry_price = money((held + notional) / self.size)
        leg.status, leg.filled_price, leg.fee, leg.filled_at = LegStatus.FILLED, fill_price, fee, at
        self._book(-fee, fee)
        self._reprice_liquidation(wallet)
        return TradeFill(leg, FillKind.OPEN, leg.quantity, fill_price, fee, -fee, is_maker)

    def _fill_target(self, leg: Leg, at: datetime, wallet: Wallet) -> TradeFill:
        if self.legs_of(LegKind.ENTRY) and any(e.is_open for e in self.legs_of(LegKind.ENTRY)):
            self.cancel_open(at, wallet, (LegKind.ENTRY,))  # the move is under way: no more entries
        last = all(not t.is_open for t in self.legs_of(LegKind.TARGET) if t is not leg)
        quantity = self.size if last else min(self.size, leg.quantity)
        assert leg.price is not None
        return self._close(leg, quantity, leg.price, True, at, wallet)

    def _close(self, leg: Leg | None, quantity: Decimal, price: Decimal, is_maker: bool, at: datetime,
               wallet: Wallet) -> TradeFill:
        notional = money(quantity * price)
        fee = money(notional * (self.maker_fee if is_maker else self.taker_fee))
        pnl = money(futures.unrealized_pnl(self.side, quantity, self.entry_price, price))
        quote = wallet[self.quote]
        released = ZERO
        if self.is_futures:
            released = money(self.margin * quantity / self.size)
            quote.unlock(released)
            self.margin -= released
            if pnl >= ZERO:
                quote.receive(pnl)
            else:
                quote.spend(-pnl)
            quote.spend(fee)
        else:
            wallet[self.base].spend(quantity)
            quote.receive(notional - fee)
        self._exit(quantity, price)
        if leg is not None:
            leg.status, leg.filled_price, leg.fee, leg.filled_at = LegStatus.FILLED, price, fee, at
            leg.quantity = quantity
        self._book(pnl - fee, fee)
        if self.size == ZERO:
            self.cancel_open(at, wallet)
            self.closed = True
        else:
            self._reprice_liquidation(wallet)
        return TradeFill(leg, FillKind.CLOSE, quantity, price, fee, pnl - fee, is_maker)

    def _liquidate(self, at: datetime, wallet: Wallet) -> TradeFill:
        """The position is taken over at its liquidation price; what backed it is lost."""
        quote = wallet[self.quote]
        quote.unlock(self.margin)
        lost = self.margin if self.margin_mode is MarginMode.ISOLATED else quote.free
        quote.spend(lost)
        quantity, price = self.size, self.liquidation_price
        self.margin = ZERO
        self._exit(quantity, price)
        self._book(-lost, ZERO)
        self.cancel_open(at, wallet)
        self.closed = self.liquidated = True
        return TradeFill(None, FillKind.LIQUIDATION, quantity, price, ZERO, -lost)

    def _exit(self, quantity: Decimal, price: Decimal) -> None:
        exited = (self.exit_price or ZERO) * self.exited_size
        self.exited_size += quantity
        self.exit_price = money((exited + price * quantity) / self.exited_size)
        self.size -= quantity

    def _book(self, realized: Decimal, fee: Decimal) -> None:
        self.realized_pnl = money(self.realized_pnl + realized)
        self.fees = money(self.fees + fee)

    def _reprice_liquidation(self, wallet: Wallet) -> None:
        if not self.is_futures or self.size == ZERO:
            self.liquidation_price = ZERO
            return
        backing = self.margin if self.margin_mode is MarginMode.ISOLATED else wallet[self.quote].free + self.margin
        price = futures.liquidation_price(self.symbol, self.side, self.size, self.entry_price, backing)
        self.liquidation_price = money(price)


@dataclass(frozen=True, slots=True)
class ExecutionSettings:
    """The user's choices for executing signals (``signal_settings``)."""

    margin_per_trade: Decimal = Decimal(100)  # USDT of margin (futures) or of cost (spot)
    max_leverage: Decimal = Decimal(20)
    margin_mode: MarginMode = MarginMode.ISOLATED
    split_entries: bool = False  # False: one limit at the zone edge
    target_split: tuple[Decimal, ...] = ()  # percent per target; empty: equal


def target_shares(count: int, split: tuple[Decimal, ...]) -> list[Decimal]:
    """Percent of the position each target closes: the user's split fitted to ``count`` targets
    (cut and renormalised, or the last share repeated), equal by default."""
    if count == 0:
        return []
    if not split:
        return [HUNDRED / count] * count
    shares = list(split[:count]) + [split[-1]] * max(0, count - len(split))
    total = sum(shares)
    return [s * HUNDRED / total for s in shares]


def capped_leverage(signal: TradeSignal, settings: ExecutionSettings) -> Decimal:
    """The post's leverage (1x if none) capped by the user's maximum and by the pair's bracket."""
    wanted = min(signal.leverage or Decimal(1), settings.max_leverage)
    return max(Decimal(1), min(wanted, futures.max_leverage(signal.symbol, settings.margin_per_trade * wanted)))


def plan_trade(signal: TradeSignal, settings: ExecutionSettings, market: Market, price: Decimal) -> SignalTrade:
    """The orders executing ``signal`` with the user's settings: entry (market, one limit at the
    zone edge or one per zone price), one take-profit per target with the split, and the stop.
    The post's leverage is capped by the user's maximum and by the pair's bracket."""
    if signal.side is OrderSide.SELL and not signal.is_futures:
        raise InvalidOrder("A short needs a futures market: spot cannot sell what it does not hold.")
    is_futures = signal.is_futures
    leverage = capped_leverage(signal, settings) if is_futures else Decimal(1)
    notional = settings.margin_per_trade * leverage
    if signal.entry_at_market or not signal.entries:
        entries = [(None, price)]
    elif settings.split_entries:
        entries = [(p, p) for p in sorted(signal.entries, reverse=signal.side is OrderSide.BUY)]
    else:
        entries = [(signal.near_edge, signal.near_edge)]
    legs = []
    for index, (limit, at_price) in enumerate(entries, start=1):
        assert at_price is not None
        quantity = market.round_amount(notional / len(entries) / at_price)
        if quantity < market.min_amount or quantity <= ZERO:
            raise InvalidOrder(phrase("{amount} {quote} is too little for {symbol}: raise the amount per trade in "
                                      "/signalsettings.", amount=notional.normalize(), quote=market.quote,
                                      symbol=market.symbol))
        legs.append(Leg(LegKind.ENTRY, index, limit, quantity))
    total = sum((leg.quantity for leg in legs), ZERO)
    for index, (level, share) in enumerate(zip(signal.take_profits,
                                                target_shares(len(signal.take_profits), settings.target_split)),
                                           start=1):
        legs.append(Leg(LegKind.TARGET, index, level, market.round_amount(total * share / HUNDRED)))
    if signal.stop_loss is not None:
        legs.append(Leg(LegKind.STOP, 1, signal.stop_loss, total))
    maker, taker = (futures.MAKER_FEE, futures.TAKER_FEE) if is_futures else (market.maker_fee, market.taker_fee)
    mode = MarginMode(signal.margin_mode) if is_futures and signal.margin_mode in tuple(MarginMode) else settings.margin_mode
    return SignalTrade(
        symbol=market.symbol, base=market.base, quote=market.quote, side=signal.side,
        market_type=MarketType.FUTURES if is_futures else MarketType.SPOT,
        margin_mode=mode, leverage=leverage, legs=legs, maker_fee=maker, taker_fee=taker,
    )


# --- the legs as orders --------------------------------------------------------------------


def leg_client_id(token: str, name: str) -> str:
    """The client order id of a leg: the card's token names every order it placed, so a repeated
    tap (or a retried request) finds the id taken and places nothing."""
    return f"sig-{token}-{name}"


def leg_name(leg: Leg, generation: int = 0) -> str:
    """``tp1``, ``stop2``...; a spot leg placed again (its OCO replaced to move the stop) carries
    its generation (``tp2g1``): a client id is never used twice."""
    return f"{leg.kind.value}{leg.index}" + (f"g{generation}" if generation else "")


def parse_leg_name(client_id: str) -> tuple[LegKind, int] | None:
    name = client_id.rsplit("-", 1)[-1].split("g", 1)[0]
    for kind in LegKind:
        if name.startswith(kind.value) and name[len(kind.value):].isdigit():
            return kind, int(name[len(kind.value):])
    return None  # a close at market or a liquidation: history, not a leg


def leg_generation(client_id: str) -> int:
    """How many times the leg named by ``client_id`` was placed again before (0: the first)."""
    _, _, generation = client_id.rsplit("-", 1)[-1].partition("g")
    return int(generation) if generation.isdigit() else 0


def leg_order(trade: SignalTrade, leg: Leg, *, signal_id: uuid.UUID, user_id: uuid.UUID, portfolio_id: uuid.UUID,
              token: str, at: datetime, live: bool = False, generation: int = 0) -> Order:
    """The order of one leg. On paper a target is a resting limit; on an exchange (``live``) it is
    the exchange's own take-profit-market order, reduce-only, triggered at the target."""
    if leg.kind is LegKind.STOP:
        order_type, price, stop_price = OrderType.STOP, None, leg.price
    elif leg.kind is LegKind.TARGET and live:
        order_type, price, stop_price = OrderType.TAKE_PROFIT, None, leg.price
    else:
        order_type = OrderType.MARKET if leg.price is None else OrderType.LIMIT
        price, stop_price = leg.price, None
    return Order(
        id=leg.order_id, user_id=user_id, portfolio_id=portfolio_id, symbol=trade.symbol,
        side=trade.side if leg.kind is LegKind.ENTRY else trade.exit_side, order_type=order_type,
        quantity=leg.quantity, client_order_id=leg_client_id(token, leg_name(leg, generation)), created_at=at,
        status=OrderStatus.PENDING if live else OrderStatus.OPEN, price=price, stop_price=stop_price,
        source=OrderSource.SIGNAL, reduce_only=leg.kind is not LegKind.ENTRY, signal_id=signal_id,
    )
