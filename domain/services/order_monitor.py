"""Prices in, fills out: resting paper orders and stop-loss/take-profit levels checked per tick.

Plugs into the scheduler's price watch (``watched_symbols`` / ``on_price``). Each tick is one
transaction: the fills, positions, balances, audit rows and the users' fill notifications (queued
in the outbox) are committed together.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import InsufficientFunds
from domain.models import Market, Order, Position
from domain.ports import Clock, TradingUnitOfWork, utc_now
from domain.services.paper_broker import OrderEvent, PaperBroker

log = logging.getLogger(__name__)

PAPER_EXCHANGE = "paper"
NOTIFICATION_TYPE = "order_fill"


class PaperOrderMonitor:
    def __init__(self, broker: PaperBroker, *, clock: Clock = utc_now) -> None:
        self._broker = broker
        self._clock = clock

    async def watched_symbols(self, uow: TradingUnitOfWork) -> list[str]:
        symbols = set(await uow.orders.symbols_with_open_orders())
        symbols.update(await uow.positions.symbols_with_protection())
        return sorted(symbols)

    async def on_price(
        self, uow: TradingUnitOfWork, symbol: str, price: Decimal, volume: Decimal | None = None
    ) -> list[OrderEvent]:
        """Apply one price to ``symbol``. ``volume`` (base asset traded at that price), when
        known, caps what resting orders may fill, first come first served."""
        now = self._clock()
        market = await uow.pairs.get(symbol, PAPER_EXCHANGE)
        if market is None:
            return []  # nobody ever traded it on paper
        events = await self._match_orders(uow, market, price, volume, now)
        events += await self._fire_protection(uow, market, price, now)
        if events:
            await queue_fill_notifications(uow, events)
        await uow.commit()
        return events

    async def _match_orders(
        self, uow: TradingUnitOfWork, market: Market, price: Decimal, volume: Decimal | None, now: datetime
    ) -> list[OrderEvent]:
        orders = await uow.orders.due_for_price(market.symbol, price, now)
        wallets = {
            portfolio_id: await uow.balances.lock_wallet(portfolio_id, [market.base, market.quote])
            for portfolio_id in sorted({o.portfolio_id for o in orders})  # one global lock order
        }
        events, liquidity = [], volume
        for order in orders:
            event = await self._broker.on_price(uow, order, market, wallets[order.portfolio_id], price, now, liquidity)
            if event is not None:
                events.append(event)
                if liquidity is not None:
                    liquidity -= sum((f.quantity for f in event.fills), Decimal(0))
        for portfolio_id, wallet in wallets.items():
            await uow.balances.save(portfolio_id, wallet)
        return events

    async def _fire_protection(
        self, uow: TradingUnitOfWork, market: Market, price: Decimal, now: datetime
    ) -> list[OrderEvent]:
        events = []
        for hit in await uow.positions.protection_hit(market.symbol, price):
            event = await self._close(uow, hit.portfolio_id, market, price, now)
            if event is not None:
                events.append(event)
        return events

    async def _close(
        self, uow: TradingUnitOfWork, portfolio_id: uuid.UUID, market: Market, price: Decimal, now: datetime
    ) -> OrderEvent | None:
        """Sell the whole position at market, cancelling the resting sells that hold its coins."""
        open_sells = [o for o in await uow.orders.list_open(portfolio_id, market.symbol, for_update=True)
                      if o.side is OrderSide.SELL]
        wallet = await uow.balances.lock_wallet(portfolio_id, [market.base, market.quote])
        position = await uow.positions.open_for(portfolio_id, market.symbol, for_update=True)
        source = None if position is None else _protection_hit(position, price)
        if position is None or source is None:
            return None  # closed or changed since it was read
        for sell in open_sells:
            await self._broker.cancel(uow, sell, market, wallet, now, actor="scheduler")
        order = Order(
            id=uuid.uuid4(),
            user_id=position.user_id,
            portfolio_id=portfolio_id,
            symbol=market.symbol,
            side=OrderSide.SELL,
            order_type=OrderType.MARKET,
            quantity=position.quantity,
            client_order_id=f"{source.value}-{uuid.uuid4().hex[:20]}",
            created_at=now,
            source=source,
            reduce_only=True,
        )
        try:
            event = await self._broker.place(uow, order, market, wallet, price, actor="scheduler")
        except InsufficientFunds:
            log.error("could not close position %s on its %s: coins missing", position.id, source.value)
            event = OrderEvent(order, ("order.rejected",))
        await uow.balances.save(portfolio_id, wallet)
        return event


def _protection_hit(position: Position, price: Decimal) -> OrderSource | None:
    if position.stop_loss is not None and price <= position.stop_loss:
        return OrderSource.STOP_LOSS
    if position.take_profit is not None and price >= position.take_profit:
        return OrderSource.TAKE_PROFIT
    return None


async def queue_fill_notifications(uow: TradingUnitOfWork, events: list[OrderEvent], live_exchange: str | None = None) -> None:
    """Queue an ``order_fill`` notification per event in the outbox, in the caller's transaction;
    ``live_exchange`` names the live account the orders are on (None: paper)."""
    recipients = await uow.recipients.telegram_user_ids([e.order.user_id for e in events])
    for event in events:
        telegram_user_id = recipients.get(event.order.user_id)
        if telegram_user_id is None:
            continue
        order = event.order
        await uow.notifications.enqueue(
            telegram_user_id,
            NOTIFICATION_TYPE,
            _payload(event) | ({"live_account": live_exchange} if live_exchange else {}),
            user_id=order.user_id,
            dedup_key=f"order:{order.id}:{event.actions[-1]}:{order.filled_quantity}",
            priority=1,
        )


def _payload(event: OrderEvent) -> dict[str, Any]:
    order = event.order

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "order_id": str(order.id),
        "symbol": order.symbol,
        "side": order.side.value,
        "order_type": order.order_type.value,
        "source": order.source.value,
        "status": order.status.value,
        "actions": list(event.actions),
        "quantity": text(order.quantity),
        "filled_quantity": text(order.filled_quantity),
        "average_fill_price": text(order.average_fill_price),
        "fee": text(order.fee),
        "fee_currency": order.fee_currency,
        "realized_pnl": text(event.realized_pnl) if order.side is OrderSide.SELL else None,
        "position_closed": event.position is not None and not event.position.is_open,
        "reason": order.error_message if order.status in (OrderStatus.EXPIRED, OrderStatus.REJECTED) else None,
    }
