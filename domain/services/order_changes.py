"""Changing what is already there: cancel (all or part of) open orders, move stop-loss and
take-profit. No confirmation step: neither places a trade."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from domain.enums import OrderSide
from domain.errors import InvalidOrder, OrderNotFound, PositionNotFound
from domain.models import AuditEntry, Market, Order, Position
from domain.ports import Clock, MarketDataPort, TradingUnitOfWork, utc_now
from domain.services.paper_broker import OrderEvent, PaperBroker, position_snapshot
from domain.services.portfolio import PortfolioService
from domain.phrases import Price, phrase

MIN_ID_PREFIX = 4


@dataclass(frozen=True, slots=True)
class ProtectionChange:
    """Where the new levels went: the open position, or (with none) the pending buy orders."""

    position: Position | None
    orders: tuple[Order, ...]
    market_price: Decimal


def short_ref(order_id: uuid.UUID) -> str:
    """What users see and type to name an order."""
    return order_id.hex[:8]


class OrderChangeService:
    def __init__(
        self,
        market_data: MarketDataPort,
        broker: PaperBroker,
        portfolios: PortfolioService,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._market_data = market_data
        self._broker = broker
        self._portfolios = portfolios
        self._clock = clock

    async def cancel(
        self,
        uow: TradingUnitOfWork,
        user_id: uuid.UUID,
        *,
        order_ref: str | None = None,
        symbol: str | None = None,
        quantity: Decimal | None = None,
        every: bool = False,
    ) -> list[OrderEvent]:
        """Cancel the order named by ``order_ref`` (short id or 1-based place in the list), the
        open orders on ``symbol``, or the only open order; ``every`` cancels them all. With
        ``quantity``, cancel only that much of a single order."""
        portfolio = await self._portfolios.ensure_default(uow, user_id)
        orders = await uow.orders.list_open(portfolio.id, symbol, for_update=True)
        if order_ref is not None:
            orders = _match(orders, order_ref)
        if not orders:
            raise OrderNotFound("I found no open order matching that. Send 'my orders' to see them.")
        if order_ref is None and symbol is None and not every and len(orders) > 1:
            raise InvalidOrder(phrase("You have {n} open orders: name one by its id or coin, or say 'cancel all'.",
                                      n=len(orders)))
        if quantity is not None and len(orders) != 1:
            raise InvalidOrder(phrase("You have {n} matching orders; name one by its id to cancel part of it.",
                                      n=len(orders)))
        markets = {o.symbol: await self._market(uow, o.symbol, portfolio.exchange) for o in orders}
        assets = {asset for m in markets.values() for asset in (m.base, m.quote)}
        wallet = await uow.balances.lock_wallet(portfolio.id, sorted(assets))
        events = []
        for order in orders:
            market = markets[order.symbol]
            part = None if quantity is None else market.round_amount(quantity)
            if part is not None and part <= 0:
                raise InvalidOrder(phrase("The smallest {symbol} amount is {amount} {base}.", symbol=market.symbol,
                                          amount=market.min_amount.normalize(), base=market.base))
            events.append(await self._broker.cancel(uow, order, market, wallet, self._clock(), part))
        await uow.balances.save(portfolio.id, wallet)
        await uow.commit()
        return events

    async def set_protection(
        self,
        uow: TradingUnitOfWork,
        user_id: uuid.UUID,
        symbol: str,
        *,
        stop_loss: Decimal | None = None,
        take_profit: Decimal | None = None,
        to_breakeven: bool = False,
    ) -> ProtectionChange:
        """Set or move the stop-loss / take-profit of the position on ``symbol`` or, with no
        position yet, of the open buy orders that will open it."""
        if stop_loss is None and take_profit is None and not to_breakeven:
            raise InvalidOrder("Tell me the new stop-loss or take-profit price.")
        portfolio = await self._portfolios.ensure_default(uow, user_id)
        market = await self._market_data.market(symbol)
        price = (await self._market_data.ticker(symbol)).last
        buys = [o for o in await uow.orders.list_open(portfolio.id, symbol, for_update=True) if o.side is OrderSide.BUY]
        await uow.balances.lock_wallet(portfolio.id, [market.base, market.quote])  # the portfolio's mutex
        position = await uow.positions.open_for(portfolio.id, symbol, for_update=True)
        if position is not None:
            stop_loss = position.entry_price if to_breakeven else stop_loss
            _check_levels(market, price, stop_loss, take_profit)
            before = position_snapshot(position)
            position.stop_loss = market.round_price(stop_loss) if stop_loss is not None else position.stop_loss
            position.take_profit = market.round_price(take_profit) if take_profit is not None else position.take_profit
            await uow.positions.save(position)
            await uow.audit.record(AuditEntry("position.protection_changed", "position", position.id, user_id,
                                              old_values=before, new_values=position_snapshot(position)))
            await uow.commit()
            return ProtectionChange(position, (), price)
        if not buys or to_breakeven:
            raise PositionNotFound(phrase("You have no open {symbol} position or pending buy to protect.", symbol=symbol))
        _check_levels(market, price, stop_loss, take_profit)
        for order in buys:
            before = {"stop_loss": order.stop_loss, "take_profit": order.take_profit}
            order.stop_loss = market.round_price(stop_loss) if stop_loss is not None else order.stop_loss
            order.take_profit = market.round_price(take_profit) if take_profit is not None else order.take_profit
            await uow.orders.save(order)
            await uow.audit.record(AuditEntry("order.protection_changed", "order", order.id, user_id, old_values=before,
                                              new_values={"stop_loss": order.stop_loss, "take_profit": order.take_profit}))
        await uow.commit()
        return ProtectionChange(None, tuple(buys), price)

    @staticmethod
    async def _market(uow: TradingUnitOfWork, symbol: str, exchange: str) -> Market:
        market = await uow.pairs.get(symbol, exchange)
        assert market is not None, f"open order on {symbol} without its trading pair"
        return market


def _match(orders: list[Order], ref: str) -> list[Order]:
    ref = ref.strip().lstrip("#").lower()
    by_id = [o for o in orders if o.id.hex.startswith(ref) or o.exchange_order_id == ref] if len(ref) >= MIN_ID_PREFIX else []
    if by_id:
        return by_id
    if ref.isdigit() and 1 <= int(ref) <= len(orders):
        return [orders[int(ref) - 1]]
    return []


def _check_levels(market: Market, price: Decimal, stop_loss: Decimal | None, take_profit: Decimal | None) -> None:
    shown = Price(market.round_price(price), market.symbol)
    if stop_loss is not None and stop_loss >= price:
        raise InvalidOrder(phrase("The stop-loss must be below the current price ({price}), or it fires at once.",
                                  price=shown))
    if take_profit is not None and take_profit <= price:
        raise InvalidOrder(phrase("The take-profit must be above the current price ({price}), or it fires at once.",
                                  price=shown))
