"""The paper exchange's matching rules: how simulated orders lock funds, trigger and fill.

The engine is pure and deterministic: it mutates the ``Order`` and the portfolio ``Wallet`` it is
handed and returns the fills; storage and transactions belong to the caller. Rules:

- market orders fill at once at the price moved against the taker by the slippage, paying the
  pair's taker fee (fees are charged in the quote asset);
- limit, stop, stop_limit and trailing_stop orders rest with funds locked and are checked on each
  price (``on_price``). A resting limit that the market crosses fills at its limit as a maker;
  stop and trailing orders fill like market orders once triggered; a triggered stop_limit becomes
  a limit (filled at once, as a taker, if the market is already through it);
- a trailing stop keeps its trigger ``trailing_percent`` away from the best price seen;
- ``locked`` always equals the sum of :meth:`PaperEngine.reserve` over the open orders, so every
  change to an open order moves exactly the difference between its old and new reserve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import InsufficientFunds
from domain.models import Fill, Market, Order, Wallet
from domain.numbers import HUNDRED, STORED_PLACES, ZERO, apply_percent, money, round_up
from domain.phrases import N_, phrase

STOP_TYPES = frozenset({OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP})
LIMIT_PRICED_TYPES = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})


@dataclass(frozen=True, slots=True)
class PaperEngine:
    slippage_percent: Decimal

    def reserve(self, order: Order, market: Market) -> tuple[str, Decimal]:
        """The asset and amount an order must keep locked while it rests."""
        return self._reserve_for(order, market, order.remaining)

    def submit(self, order: Order, market: Market, wallet: Wallet, price: Decimal, at: datetime) -> list[Fill]:
        """Accept a new order at market ``price``: fill what is executable now, lock the rest.

        Raises ``InsufficientFunds``, leaving order and wallet untouched, when the balance
        cannot cover it.
        """
        if order.order_type is OrderType.TRAILING_STOP and order.stop_price is None:
            order.stop_price = self._trailing_trigger(order, market, price)
        if order.order_type is OrderType.MARKET:
            fill_price = self._taker_price(order, market, price)
            if not self._can_pay(order, market, wallet, order.remaining, fill_price, market.taker_fee):
                raise self._insufficient(order, market, wallet)
            order.status = OrderStatus.OPEN
            return [self._fill(order, market, wallet, order.remaining, fill_price, False, at)]
        asset, amount = self.reserve(order, market)
        wallet[asset].lock(amount)
        order.status = OrderStatus.OPEN
        if order.order_type is OrderType.LIMIT:
            return self._take_if_marketable(order, market, wallet, order.remaining, price, at)
        return self.on_price(order, market, wallet, price, at)

    def on_price(
        self,
        order: Order,
        market: Market,
        wallet: Wallet,
        price: Decimal,
        at: datetime,
        liquidity: Decimal | None = None,
    ) -> list[Fill]:
        """Check a resting order against a new price; ``liquidity`` caps the quantity it may fill."""
        if not order.is_open:
            return []
        if order.order_type is OrderType.TRAILING_STOP:
            self._trail(order, market, wallet, price)
        quantity = order.remaining if liquidity is None else min(order.remaining, market.round_amount(liquidity))
        if order.order_type in STOP_TYPES and order.triggered_at is None:
            if not self._stop_hit(order, price):
                return []
            if order.order_type is not OrderType.STOP_LIMIT:
                return self._fill_triggered_stop(order, market, wallet, quantity, price, at)
            order.triggered_at = at
            return self._take_if_marketable(order, market, wallet, quantity, price, at)
        if quantity > ZERO and self._marketable(order, price):
            assert order.price is not None  # _marketable is False without a limit price
            return [self._fill(order, market, wallet, quantity, order.price, True, at)]
        return []

    def cancel(
        self,
        order: Order,
        market: Market,
        wallet: Wallet,
        at: datetime,
        quantity: Decimal | None = None,
        status: OrderStatus = OrderStatus.CANCELLED,
        reason: str | None = None,
    ) -> None:
        """Cancel ``quantity`` of what is unfilled (all of it by default) and release its funds."""
        asset, before = self.reserve(order, market)
        if quantity is None or quantity >= order.remaining:
            order.close(status, at, reason)
        else:
            order.reduce(quantity, at)
        wallet[asset].unlock(before - self.reserve(order, market)[1])

    def estimated_fill_price(self, order: Order, market: Market, price: Decimal) -> Decimal:
        """What the order is expected to fill at if the market stays at ``price``."""
        if order.order_type is OrderType.MARKET or (order.order_type is OrderType.LIMIT and self._marketable(order, price)):
            return self._taker_price(order, market, price)
        if order.order_type in LIMIT_PRICED_TYPES:
            assert order.price is not None
            return order.price
        trigger = order.stop_price if order.stop_price is not None else self._trailing_trigger(order, market, price)
        return self._taker_price(order, market, trigger)

    # --- fills -------------------------------------------------------------------------------

    def _take_if_marketable(
        self, order: Order, market: Market, wallet: Wallet, quantity: Decimal, price: Decimal, at: datetime
    ) -> list[Fill]:
        if quantity == ZERO or not self._marketable(order, price):
            return []
        return [self._fill(order, market, wallet, quantity, self._taker_price(order, market, price), False, at)]

    def _fill_triggered_stop(
        self, order: Order, market: Market, wallet: Wallet, quantity: Decimal, price: Decimal, at: datetime
    ) -> list[Fill]:
        fill_price = self._taker_price(order, market, price)
        affordable = self._affordable(order, market, wallet, quantity, fill_price)
        fills = [self._fill(order, market, wallet, affordable, fill_price, False, at)] if affordable > ZERO else []
        if affordable < quantity:
            # The market gapped past what the locked funds cover: like an exchange, give up the rest.
            reason = N_("Not enough balance when the stop triggered.")  # stored, translated when shown
            self.cancel(order, market, wallet, at, status=OrderStatus.EXPIRED, reason=reason)
        return fills

    def _fill(
        self, order: Order, market: Market, wallet: Wallet, quantity: Decimal, price: Decimal, is_maker: bool, at: datetime
    ) -> Fill:
        fill = Fill(
            order_id=order.id,
            # The quantity filled before this fill is unique per fill of an order and stable on replay.
            trade_id=f"{order.client_order_id}:{order.filled_quantity.normalize():f}",
            side=order.side,
            quantity=quantity,
            price=price,
            fee=money(quantity * price * (market.maker_fee if is_maker else market.taker_fee)),
            fee_currency=market.quote,
            is_maker=is_maker,
            executed_at=at,
        )
        asset, before = self.reserve(order, market)
        order.record_fill(fill)
        wallet[asset].unlock(before - self.reserve(order, market)[1])
        base, quote = wallet[market.base], wallet[market.quote]
        if order.side is OrderSide.BUY:
            quote.spend(fill.quote_quantity + fill.fee)
            base.receive(quantity)
        else:
            base.spend(quantity)
            quote.receive(fill.quote_quantity - fill.fee)
        return fill

    # --- funds -------------------------------------------------------------------------------

    def _reserve_for(self, order: Order, market: Market, remaining: Decimal) -> tuple[str, Decimal]:
        rests = order.is_open and order.order_type is not OrderType.MARKET
        if order.side is OrderSide.SELL:
            return market.base, remaining if rests else ZERO
        if not rests:
            return market.quote, ZERO
        worst_fee = max(market.maker_fee, market.taker_fee)
        return market.quote, round_up(remaining * self._worst_buy_price(order) * (1 + worst_fee), STORED_PLACES)

    def _released_by(self, order: Order, market: Market, quantity: Decimal) -> Decimal:
        return self.reserve(order, market)[1] - self._reserve_for(order, market, order.remaining - quantity)[1]

    def _can_pay(self, order: Order, market: Market, wallet: Wallet, quantity: Decimal, price: Decimal, fee_rate: Decimal) -> bool:
        released = self._released_by(order, market, quantity)
        if order.side is OrderSide.SELL:
            return quantity <= wallet[market.base].free + released
        cost = money(quantity * price) + money(quantity * price * fee_rate)
        return cost <= wallet[market.quote].free + released

    def _affordable(self, order: Order, market: Market, wallet: Wallet, quantity: Decimal, price: Decimal) -> Decimal:
        """The largest part of ``quantity``, in whole amount steps, the wallet can pay for at ``price``."""
        if self._can_pay(order, market, wallet, quantity, price, market.taker_fee):
            return quantity
        unit = Decimal(1).scaleb(-market.amount_precision)
        low, high = 0, int(quantity / unit)  # low is always payable, high never
        while high - low > 1:
            middle = (low + high) // 2
            if self._can_pay(order, market, wallet, middle * unit, price, market.taker_fee):
                low = middle
            else:
                high = middle
        return low * unit

    def _insufficient(self, order: Order, market: Market, wallet: Wallet) -> InsufficientFunds:
        asset = market.quote if order.side is OrderSide.BUY else market.base
        available = wallet[asset].free.normalize()
        return InsufficientFunds(phrase("Not enough {asset} for this order: {available} {asset} available.",
                                        asset=asset, available=available))

    # --- prices and triggers -----------------------------------------------------------------

    def _taker_price(self, order: Order, market: Market, price: Decimal) -> Decimal:
        """The price a taker gets: moved against it by the slippage, never beyond its limit."""
        slip = self.slippage_percent if order.side is OrderSide.BUY else -self.slippage_percent
        fill_price = market.round_price(apply_percent(price, slip))
        if order.price is None or order.order_type not in LIMIT_PRICED_TYPES:
            return fill_price
        return min(fill_price, order.price) if order.side is OrderSide.BUY else max(fill_price, order.price)

    def _worst_buy_price(self, order: Order) -> Decimal:
        if order.order_type in LIMIT_PRICED_TYPES:
            assert order.price is not None
            return order.price
        assert order.stop_price is not None
        return apply_percent(order.stop_price, self.slippage_percent)

    @staticmethod
    def _marketable(order: Order, price: Decimal) -> bool:
        if order.price is None or order.order_type not in LIMIT_PRICED_TYPES:
            return False
        return price <= order.price if order.side is OrderSide.BUY else price >= order.price

    @staticmethod
    def _stop_hit(order: Order, price: Decimal) -> bool:
        assert order.stop_price is not None
        return price >= order.stop_price if order.side is OrderSide.BUY else price <= order.stop_price

    @staticmethod
    def _trailing_trigger(order: Order, market: Market, price: Decimal) -> Decimal:
        assert order.trailing_percent is not None
        away = order.trailing_percent if order.side is OrderSide.BUY else -order.trailing_percent
        return market.round_price(price * (1 + away / HUNDRED))

    def _trail(self, order: Order, market: Market, wallet: Wallet, price: Decimal) -> None:
        assert order.stop_price is not None
        candidate = self._trailing_trigger(order, market, price)
        improves = candidate < order.stop_price if order.side is OrderSide.BUY else candidate > order.stop_price
        if improves:
            asset, before = self.reserve(order, market)
            order.stop_price = candidate
            wallet[asset].unlock(before - self.reserve(order, market)[1])
