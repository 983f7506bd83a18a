"""The paper trades of executed signals: each leg is an ``orders`` row (source ``signal``, the
signal's id, a client order id naming the leg), the position a ``positions`` row with the futures
columns, each fill a ``trades`` row. Repositories never commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Balance as BalanceRow
from db.models import Order as OrderRow
from db.models import Portfolio as PortfolioRow
from db.models import Position as PositionRow
from db.repositories.audit import AuditRepository
from db.repositories.portfolios import PAPER_EXCHANGE, _portfolio
from db.repositories.trading import OrderRepository, PairIds, TradeRepository
from db.single_statement import run_alone
from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType, PositionStatus
from domain.futures import MarginMode, MarketType
from domain.models import AuditEntry, Fill, Order, Portfolio
from domain.services.paper_broker import order_snapshot
from domain.numbers import ZERO
from domain.signal_trade import (
    FillKind,
    Leg,
    LegKind,
    LegStatus,
    SignalTrade,
    TradeFill,
    leg_client_id,
    leg_order,
    parse_leg_name,
)

FUTURES_PORTFOLIO = "Futures"
LEG_STATUS = {OrderStatus.FILLED: LegStatus.FILLED, OrderStatus.OPEN: LegStatus.OPEN}


class SignalTradeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._audit = AuditRepository(session)
        self._orders = OrderRepository(session)
        self._trades = TradeRepository(session)
        self._pair_id = PairIds(session)

    async def futures_portfolio(self, user_id: uuid.UUID, quote: str, starting_balance: Decimal) -> Portfolio:
        """The user's paper futures account (USDT-margined), created with its starting balance."""
        created = await self._session.scalar(
            insert(PortfolioRow)
            .values(user_id=user_id, name=FUTURES_PORTFOLIO, base_currency=quote, exchange=PAPER_EXCHANGE,
                    is_paper=True, is_default=False, initial_balance=starting_balance,
                    description="Paper USDT-margined perpetual futures")
            .on_conflict_do_nothing(index_elements=[PortfolioRow.user_id, PortfolioRow.name])
            .returning(PortfolioRow.id)
        )
        if created is not None:
            await self._session.execute(insert(BalanceRow).values(portfolio_id=created, asset=quote,
                                                                  free=starting_balance))
        row = await self._session.scalar(
            select(PortfolioRow).where(PortfolioRow.user_id == user_id, PortfolioRow.name == FUTURES_PORTFOLIO))
        assert row is not None
        return _portfolio(row)

    async def futures_balance(self, user_id: uuid.UUID, quote: str) -> Decimal | None:
        """The futures account's free balance, None before the account exists (read, not locked)."""
        rows = await run_alone(self._session, _FUTURES_BALANCE, {"user_id": user_id, "asset": quote})
        return rows[0]["free"] if rows else None

    async def add(self, trade: SignalTrade, *, signal_id: uuid.UUID, user_id: uuid.UUID, portfolio_id: uuid.UUID,
                  token: str, at: datetime) -> None:
        """Insert every leg, each with its audit row; raises ``AlreadyConfirmed`` if this card was
        executed already."""
        for leg in trade.legs:
            order = self._order(trade, leg, signal_id, user_id, portfolio_id, token, at)
            await self._orders.add(order)
            await self._record("order.created", order, None, "user")

    async def load(self, signal_id: uuid.UUID, execution: dict[str, Any]) -> SignalTrade:
        rows = await self._session.scalars(
            select(OrderRow).where(OrderRow.signal_id == signal_id).order_by(OrderRow.created_at, OrderRow.id))
        trade = SignalTrade(
            symbol=execution["symbol"], base=execution["base"], quote=execution["quote"],
            side=OrderSide(execution["side"]), market_type=MarketType(execution["market_type"]),
            margin_mode=MarginMode(execution["margin_mode"]), leverage=Decimal(execution["leverage"]), legs=[],
            maker_fee=Decimal(execution["maker_fee"]), taker_fee=Decimal(execution["taker_fee"]),
        )
        for row in rows:
            named = parse_leg_name(row.client_order_id)
            if named is None:
                continue
            kind, index = named
            price = row.price if row.price is not None else row.stop_price  # a live target triggers at its stop price
            leg = Leg(kind, index, price, row.amount, order_id=row.id,
                      status=LEG_STATUS.get(row.status, LegStatus.CANCELLED),
                      filled_price=row.average_fill_price, fee=row.total_fee, filled_at=row.filled_at)
            if kind is LegKind.ENTRY and leg.is_open and price is not None:
                leg.reserved = trade.reserve_for(leg, price)
            trade.legs.append(leg)
        position = await self._position_row(signal_id)
        if position is not None:
            trade.size, trade.filled_size = position.remaining_size, position.size
            trade.entry_price, trade.exit_price = position.entry_price, position.exit_price
            trade.exited_size = position.size - position.remaining_size
            trade.margin = position.margin or ZERO
            trade.realized_pnl, trade.fees = position.realized_pnl, position.total_fees
            trade.liquidation_price = position.liquidation_price or ZERO
        trade.closed = (position is not None and position.status is PositionStatus.CLOSED) or (
            trade.size == ZERO and not any(leg.is_open for leg in trade.legs_of(LegKind.ENTRY)))
        return trade

    async def save(self, trade: SignalTrade, fills: list[TradeFill], *, signal_id: uuid.UUID, user_id: uuid.UUID,
                   portfolio_id: uuid.UUID, token: str, at: datetime, mark_price: Decimal | None = None) -> None:
        """Write the legs' new states, the position and one trades row per fill, with an audit row
        per order that filled or was cancelled."""
        was = dict((await self._session.execute(
            select(OrderRow.id, OrderRow.status).where(OrderRow.signal_id == signal_id))).all())
        position_id = await self._save_position(trade, signal_id, user_id, portfolio_id, at, mark_price)
        orders = {}
        for leg in trade.legs:
            order = self._order(trade, leg, signal_id, user_id, portfolio_id, token, at)
            order.status = {LegStatus.OPEN: OrderStatus.OPEN, LegStatus.FILLED: OrderStatus.FILLED,
                            LegStatus.CANCELLED: OrderStatus.CANCELLED}[leg.status]
            orders[leg.order_id] = order
        for number, fill in enumerate(fills, start=1):
            if fill.leg is None:
                name = f"{'liquidation' if fill.kind is FillKind.LIQUIDATION else 'close'}{number}x{at.timestamp():.0f}"
                order = Order(id=uuid.uuid4(), user_id=user_id, portfolio_id=portfolio_id, symbol=trade.symbol,
                              side=trade.exit_side, order_type=OrderType.MARKET, quantity=fill.quantity,
                              client_order_id=leg_client_id(token, name), created_at=at, status=OrderStatus.OPEN,
                              source=OrderSource.SIGNAL, reduce_only=True, signal_id=signal_id)
                await self._orders.add(order)
            else:
                order = orders[fill.leg.order_id]
                order.status = OrderStatus.OPEN
            domain_fill = Fill(order.id, f"{order.client_order_id}:0", order.side, fill.quantity, fill.price, fill.fee,
                               trade.quote, fill.is_maker, at)
            order.record_fill(domain_fill)
            if fill.kind is FillKind.LIQUIDATION:
                order.error_message = "Liquidated: the margin no longer covered the maintenance margin."
            await self._orders.save(order)
            await self._trades.add(domain_fill, order, position_id, fill.realized)
            await self._record("order.filled" if order.status is OrderStatus.FILLED else "order.partially_filled",
                               order, {"status": was.get(order.id, OrderStatus.OPEN)}, "scheduler",
                               {"fills": [{"quantity": fill.quantity, "price": fill.price, "fee": fill.fee}]})
            orders.pop(order.id, None)
        for order in orders.values():
            if order.status is OrderStatus.CANCELLED and was.get(order.id) is OrderStatus.OPEN:
                await self._record("order.cancelled", order, {"status": OrderStatus.OPEN}, "scheduler")
            await self._session.execute(update(OrderRow).where(OrderRow.id == order.id).values(
                status=order.status, amount=order.quantity, price=order.price, stop_price=order.stop_price,
                cancelled_at=at if order.status is OrderStatus.CANCELLED else None))

    async def _record(self, action: str, order: Order, before: dict[str, Any] | None, actor: str,
                      details: dict[str, Any] | None = None) -> None:
        """The audit row paper orders get from the broker, for a leg of a signal's paper trade."""
        context = {"symbol": order.symbol, "side": order.side, "type": order.order_type, "source": order.source,
                   "client_order_id": order.client_order_id, "signal_id": order.signal_id}
        await self._audit.record(AuditEntry(action, "order", order.id, order.user_id, actor, before,
                                            order_snapshot(order), context | (details or {})))

    async def _position_row(self, signal_id: uuid.UUID) -> PositionRow | None:
        return await self._session.scalar(select(PositionRow).where(PositionRow.signal_id == signal_id)
                                          .order_by(PositionRow.opened_at.desc()).limit(1))

    async def _save_position(self, trade: SignalTrade, signal_id: uuid.UUID, user_id: uuid.UUID,
                             portfolio_id: uuid.UUID, at: datetime, mark_price: Decimal | None) -> uuid.UUID | None:
        if trade.filled_size == ZERO:
            return None
        if trade.size == ZERO:
            status = PositionStatus.CLOSED
        else:
            status = PositionStatus.PARTIALLY_CLOSED if trade.exited_size else PositionStatus.OPEN
        mark = mark_price if mark_price is not None else trade.entry_price
        unrealized = (mark - trade.entry_price) * trade.size * (1 if trade.side is OrderSide.BUY else -1)
        state = {
            "status": status, "size": trade.filled_size, "remaining_size": trade.size,
            "entry_price": trade.entry_price, "exit_price": trade.exit_price, "current_price": mark,
            "realized_pnl": trade.realized_pnl, "unrealized_pnl": unrealized.quantize(Decimal("0.00000001")),
            "total_fees": trade.fees, "leverage": trade.leverage, "market_type": trade.market_type.value,
            "margin_mode": trade.margin_mode.value if trade.is_futures else None,
            "margin": trade.margin if trade.is_futures else None,
            "liquidation_price": trade.liquidation_price if trade.is_futures else None,
            "closed_at": at if status is PositionStatus.CLOSED else None,
        }
        row = await self._position_row(signal_id)
        if row is not None:
            await self._session.execute(update(PositionRow).where(PositionRow.id == row.id).values(state))
            return row.id
        position_id = uuid.uuid4()
        await self._session.execute(insert(PositionRow).values(
            id=position_id, user_id=user_id, portfolio_id=portfolio_id, side=trade.side, signal_id=signal_id,
            trading_pair_id=await self._pair_id(portfolio_id, trade.symbol), opened_at=at, **state))
        return position_id

    @staticmethod
    def _order(trade: SignalTrade, leg: Leg, signal_id: uuid.UUID, user_id: uuid.UUID, portfolio_id: uuid.UUID,
               token: str, at: datetime) -> Order:
        return leg_order(trade, leg, signal_id=signal_id, user_id=user_id, portfolio_id=portfolio_id, token=token, at=at)


# Read by every signal card: Core built once, run outside a transaction (db/single_statement.py).
_BALANCES, _PORTFOLIOS = BalanceRow.__table__, PortfolioRow.__table__
_FUTURES_BALANCE = (
    select(_BALANCES.c.free)
    .join(_PORTFOLIOS, _PORTFOLIOS.c.id == _BALANCES.c.portfolio_id)
    .where(_PORTFOLIOS.c.user_id == bindparam("user_id"), _PORTFOLIOS.c.name == FUTURES_PORTFOLIO,
           _BALANCES.c.asset == bindparam("asset"))
)
