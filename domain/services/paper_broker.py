"""Runs orders through the paper engine and records every outcome in the caller's transaction.

The caller locks the portfolio's wallet first (``uow.balances.lock_wallet``), calls the broker,
then saves the wallet and commits: the order, its fills (trades), the position, the portfolio's
totals, the balances and one audit row per state change land together or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.enums import OrderSide, OrderStatus
from domain.errors import InsufficientFunds
from domain.exchanges.paper import PaperEngine
from domain.models import AuditEntry, Fill, Market, Order, Position, Wallet
from domain.numbers import ZERO
from domain.ports import TradingUnitOfWork
from domain.phrases import N_


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """What happened to an order: fills, a trigger, an expiry or a cancellation."""

    order: Order
    actions: tuple[str, ...]  # audit actions, e.g. ("order.partially_filled",)
    fills: tuple[Fill, ...] = ()
    position: Position | None = None
    realized_pnl: Decimal = ZERO


def order_snapshot(order: Order) -> dict[str, Any]:
    return {
        "status": order.status,
        "quantity": order.quantity,
        "filled_quantity": order.filled_quantity,
        "average_fill_price": order.average_fill_price,
        "price": order.price,
        "stop_price": order.stop_price,
        "fee": order.fee,
        "triggered_at": order.triggered_at,
    }


def position_snapshot(position: Position) -> dict[str, Any]:
    return {
        "status": position.status,
        "quantity": position.quantity,
        "entry_price": position.entry_price,
        "exit_price": position.exit_price,
        "realized_pnl": position.realized_pnl,
        "fees": position.fees,
        "stop_loss": position.stop_loss,
        "take_profit": position.take_profit,
    }


def _order_actions(before: dict[str, Any], order: Order, fills: list[Fill]) -> list[str]:
    """Audit actions for what changed; a trailing trigger that merely moved is not one."""
    actions = []
    if fills:
        actions.append("order.filled" if order.status is OrderStatus.FILLED else "order.partially_filled")
    if order.status is not before["status"] and order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        actions.append(f"order.{order.status.value}")
    if order.triggered_at != before["triggered_at"]:
        actions.append("order.triggered")
    if order.is_open and order.quantity != before["quantity"]:
        actions.append("order.reduced")
    return actions


class PaperBroker:
    def __init__(self, engine: PaperEngine) -> None:
        self.engine = engine

    async def place(
        self, uow: TradingUnitOfWork, order: Order, market: Market, wallet: Wallet, price: Decimal, actor: str = "user"
    ) -> OrderEvent:
        """Submit a new order at market ``price``. An unaffordable order is stored as rejected,
        with its audit row, and ``InsufficientFunds`` is raised: the caller decides to commit."""
        try:
            fills = self.engine.submit(order, market, wallet, price, order.created_at)
        except InsufficientFunds as error:
            order.close(OrderStatus.REJECTED, order.created_at, error.user_message)
            await uow.orders.add(order)
            await self._audit(uow, "order.rejected", order, None, actor, {"reason": error.user_message})
            raise
        await uow.orders.add(order)
        await self._audit(uow, "order.created", order, None, actor)
        created = order_snapshot(order) | {"status": OrderStatus.OPEN, "filled_quantity": ZERO}
        return await self.record(uow, order, created, fills, actor)

    async def on_price(
        self,
        uow: TradingUnitOfWork,
        order: Order,
        market: Market,
        wallet: Wallet,
        price: Decimal,
        at: datetime,
        liquidity: Decimal | None = None,
    ) -> OrderEvent | None:
        """Apply a market price to a resting order: fill, trigger, trail or expire it.
        Returns ``None`` when nothing worth telling the user happened."""
        before = order_snapshot(order)
        if order.expires_at is not None and order.expires_at <= at:
            self.engine.cancel(order, market, wallet, at, status=OrderStatus.EXPIRED, reason=N_("The order expired."))
            fills = []
        else:
            fills = self.engine.on_price(order, market, wallet, price, at, liquidity)
        if order_snapshot(order) == before:
            return None
        await uow.orders.save(order)
        event = await self.record(uow, order, before, fills, "scheduler")
        return event if event.actions else None

    async def cancel(
        self,
        uow: TradingUnitOfWork,
        order: Order,
        market: Market,
        wallet: Wallet,
        at: datetime,
        quantity: Decimal | None = None,
        actor: str = "user",
    ) -> OrderEvent:
        """Cancel ``quantity`` of the unfilled part (all of it by default), releasing its funds."""
        before = order_snapshot(order)
        self.engine.cancel(order, market, wallet, at, quantity)
        await uow.orders.save(order)
        return await self.record(uow, order, before, [], actor)

    async def record(
        self, uow: TradingUnitOfWork, order: Order, before: dict[str, Any], fills: list[Fill], actor: str,
        *, may_open_short: bool = False,
    ) -> OrderEvent:
        """Book ``fills`` of ``order`` (trades, position, portfolio totals) and audit what changed.
        ``may_open_short``: the order is on perpetuals, where a sell with no position opens a short."""
        position, realized = None, ZERO
        for fill in fills:
            position, pnl = await self._book_fill(uow, order, fill, actor, may_open_short)
            realized += pnl
        actions = _order_actions(before, order, fills)
        details = {"fills": [{"quantity": f.quantity, "price": f.price, "fee": f.fee} for f in fills]} if fills else {}
        for action in actions:
            await self._audit(uow, action, order, before, actor, details)
        return OrderEvent(order, tuple(actions), tuple(fills), position, realized)

    async def _book_fill(
        self, uow: TradingUnitOfWork, order: Order, fill: Fill, actor: str, may_open_short: bool = False
    ) -> tuple[Position | None, Decimal]:
        position = await uow.positions.open_for(order.portfolio_id, order.symbol, for_update=True)
        before = None if position is None else position_snapshot(position)
        opens_short = may_open_short and not order.reduce_only
        if position is None and (order.reduce_only or (order.side is OrderSide.SELL and not opens_short)):
            # On paper a sell always comes out of a position (the engine checked the balance); on
            # a live account it may sell coins bought elsewhere: only the trade is booked.
            await uow.trades.add(fill, order, None, ZERO)
            await uow.portfolios.add_results(order.portfolio_id, ZERO, fill.fee)
            return None, ZERO
        if position is None:
            position = Position(
                id=uuid.uuid4(),
                user_id=order.user_id,
                portfolio_id=order.portfolio_id,
                symbol=order.symbol,
                opened_at=fill.executed_at,
                side=order.side,
                signal_id=order.signal_id,
            )
        if order.side is position.side:
            position.stop_loss = order.stop_loss or position.stop_loss
            position.take_profit = order.take_profit or position.take_profit
        realized = position.apply_fill(fill)
        if before is None:
            await uow.positions.add(position)
            action = "position.opened"
        else:
            await uow.positions.save(position)
            action = "position.increased" if fill.side is position.side else "position.reduced"
            action = action if position.is_open else "position.closed"
        await uow.trades.add(fill, order, position.id, realized)
        await uow.portfolios.add_results(order.portfolio_id, realized, fill.fee)
        details = {"order_id": order.id, "realized_pnl": realized}
        await uow.audit.record(
            AuditEntry(action, "position", position.id, order.user_id, actor, before, position_snapshot(position), details)
        )
        return position, realized

    @staticmethod
    async def _audit(
        uow: TradingUnitOfWork,
        action: str,
        order: Order,
        before: dict[str, Any] | None,
        actor: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        context = {
            "symbol": order.symbol,
            "side": order.side,
            "type": order.order_type,
            "source": order.source,
            "client_order_id": order.client_order_id,
            "ai_command_id": order.ai_command_id,
        }
        entry = AuditEntry(
            action, "order", order.id, order.user_id, actor, before, order_snapshot(order), context | (details or {})
        )
        await uow.audit.record(entry)
