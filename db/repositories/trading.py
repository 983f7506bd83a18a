"""Trading pairs, orders, fills (trades) and positions, mapped to and from the domain dataclasses.

Repositories never commit. Rows are written with explicit statements from the domain objects
(no ORM identity map to keep in step). Lock order, to stay deadlock-free: orders, then balances
(see ``portfolios.py``), then positions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Order as OrderRow
from db.models import Portfolio as PortfolioRow
from db.models import Position as PositionRow
from db.models import Trade as TradeRow
from db.models import TradingPair, TradingSignal
from db.single_statement import run_alone
from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType, PositionStatus
from domain.errors import AlreadyConfirmed
from domain.models import Fill, Market, Order, Position, TradeRecord

OPEN_STATUSES = (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


class PairRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def ensure(self, market: Market, exchange: str) -> None:
        described = {
            "base_currency": market.base,
            "quote_currency": market.quote,
            "min_order_size": market.min_amount,
            "max_order_size": market.max_amount,
            "min_notional": market.min_notional,
            "price_precision": market.price_precision,
            "quantity_precision": market.amount_precision,
            "maker_fee": market.maker_fee,
            "taker_fee": market.taker_fee,
        }
        await self._session.execute(
            insert(TradingPair)
            .values(symbol=market.symbol, exchange=exchange, **described)
            .on_conflict_do_nothing(index_elements=[TradingPair.symbol, TradingPair.exchange])
        )
        # A pair a signal created before any exchange described it: fill in the market's limits.
        # (Matches no row on the usual path, so it locks nothing.)
        await self._session.execute(
            update(TradingPair)
            .where(TradingPair.symbol == market.symbol, TradingPair.exchange == exchange, TradingPair.is_active.is_(False))
            .values(is_active=True, **described)
        )

    async def get(self, symbol: str, exchange: str) -> Market | None:
        row = await self._session.scalar(
            select(TradingPair).where(TradingPair.symbol == symbol, TradingPair.exchange == exchange)
        )
        return None if row is None else _market(row)


def _market(row: TradingPair) -> Market:
    return Market(
        symbol=row.symbol,
        base=row.base_currency,
        quote=row.quote_currency,
        price_precision=row.price_precision,
        amount_precision=row.quantity_precision,
        min_amount=row.min_order_size,
        max_amount=row.max_order_size,
        min_notional=row.min_notional,
        maker_fee=row.maker_fee,
        taker_fee=row.taker_fee,
    )


class PairIds:
    """Pair id of a symbol on a portfolio's exchange, remembered for the session (ids never change)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._known: dict[tuple[uuid.UUID, str], uuid.UUID] = {}

    async def __call__(self, portfolio_id: uuid.UUID, symbol: str) -> uuid.UUID:
        key = (portfolio_id, symbol)
        if key not in self._known:
            # PairRepository.ensure made the pair exist before any order on it.
            self._known[key] = await self._session.scalar(
                select(TradingPair.id)
                .join(PortfolioRow, PortfolioRow.exchange == TradingPair.exchange)
                .where(PortfolioRow.id == portfolio_id, TradingPair.symbol == symbol)
            )
        return self._known[key]


def _order(row: OrderRow, symbol: str) -> Order:
    return Order(
        id=row.id,
        user_id=row.user_id,
        portfolio_id=row.portfolio_id,
        symbol=symbol,
        side=row.side,
        order_type=row.type,
        quantity=row.amount,
        client_order_id=row.client_order_id,
        created_at=row.created_at,
        status=row.status,
        price=row.price,
        stop_price=row.stop_price,
        trailing_percent=row.trailing_percent,
        filled_quantity=row.filled_amount,
        average_fill_price=row.average_fill_price,
        fee=row.total_fee,
        fee_currency=row.fee_currency,
        source=OrderSource(row.source),
        reduce_only=row.reduce_only,
        stop_loss=row.stop_loss,
        take_profit=row.take_profit,
        ai_command_id=row.ai_command_id,
        signal_id=row.signal_id,
        exchange_order_id=row.exchange_order_id,
        error_message=row.error_message,
        triggered_at=row.triggered_at,
        filled_at=row.filled_at,
        cancelled_at=row.cancelled_at,
        expires_at=row.expires_at,
    )


def _order_state(order: Order) -> dict[str, Any]:
    """The columns an order's lifecycle changes (remaining_amount follows in the database)."""
    return {
        "status": order.status,
        "amount": order.quantity,
        "stop_price": order.stop_price,
        "filled_amount": order.filled_quantity,
        "average_fill_price": order.average_fill_price,
        "total_fee": order.fee,
        "fee_currency": order.fee_currency,
        "exchange_order_id": order.exchange_order_id,
        "error_message": order.error_message,
        "stop_loss": order.stop_loss,
        "take_profit": order.take_profit,
        "triggered_at": order.triggered_at,
        "filled_at": order.filled_at,
        "cancelled_at": order.cancelled_at,
    }


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._pair_id = PairIds(session)

    async def add(self, order: Order) -> None:
        """Insert; raises ``AlreadyConfirmed`` if the client order id is taken."""
        values = {
            "id": order.id,
            "user_id": order.user_id,
            "portfolio_id": order.portfolio_id,
            "trading_pair_id": await self._pair_id(order.portfolio_id, order.symbol),
            "client_order_id": order.client_order_id,
            "type": order.order_type,
            "side": order.side,
            "source": order.source.value,
            "price": order.price,
            "trailing_percent": order.trailing_percent,
            "reduce_only": order.reduce_only,
            "ai_command_id": order.ai_command_id,
            "signal_id": order.signal_id,
            "created_at": order.created_at,
            "submitted_at": order.created_at,
            "expires_at": order.expires_at,
            **_order_state(order),
        }
        inserted = await self._session.scalar(
            insert(OrderRow).values(values).on_conflict_do_nothing(index_elements=[OrderRow.client_order_id])
            .returning(OrderRow.id)
        )
        if inserted is None:
            raise AlreadyConfirmed()  # an order already carries this client order id
        if order.signal_id is not None:  # the first order placed on a signal executes it
            await self._session.execute(
                update(TradingSignal)
                .where(TradingSignal.id == order.signal_id, TradingSignal.executed_at.is_(None))
                .values(executed_at=order.created_at)
            )

    async def save(self, order: Order) -> None:
        await self._session.execute(update(OrderRow).where(OrderRow.id == order.id).values(_order_state(order)))

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None:
        statement = self._select().where(OrderRow.id == order_id)
        if for_update:
            statement = statement.with_for_update(of=OrderRow)
        row = (await self._session.execute(statement)).one_or_none()
        return None if row is None else _order(*row)

    async def list_open(
        self, portfolio_id: uuid.UUID, symbol: str | None = None, *, for_update: bool = False
    ) -> list[Order]:
        if not for_update:
            parameters = {"portfolio_id": portfolio_id, **({"symbol": symbol} if symbol is not None else {})}
            rows = await run_alone(self._session, _OPEN_ORDERS[symbol is not None], parameters)
            return [_order(SimpleNamespace(**row), row["symbol"]) for row in rows]  # type: ignore[arg-type]
        statement = self._select().where(OrderRow.portfolio_id == portfolio_id, OrderRow.status.in_(OPEN_STATUSES))
        if symbol is not None:
            statement = statement.where(TradingPair.symbol == symbol)
        if for_update:
            statement = statement.with_for_update(of=OrderRow)
        rows = await self._session.execute(statement.order_by(OrderRow.created_at, OrderRow.id))
        return [_order(*row) for row in rows]

    async def symbols_with_open_orders(self) -> list[str]:
        rows = await self._session.scalars(
            select(TradingPair.symbol)
            .join(OrderRow, OrderRow.trading_pair_id == TradingPair.id)
            .where(OrderRow.status.in_(OPEN_STATUSES), OrderRow.source != OrderSource.SIGNAL.value)
            .distinct()
        )
        return list(rows)

    async def due_for_price(self, symbol: str, price: Decimal, now: datetime) -> list[Order]:
        # The same conditions as the paper engine, written for the database so that a tick reads
        # only the orders it may change; the engine still decides.
        rests_as_limit = or_(
            OrderRow.type == OrderType.LIMIT,
            and_(OrderRow.type == OrderType.STOP_LIMIT, OrderRow.triggered_at.is_not(None)),
        )
        waits_for_trigger = or_(
            OrderRow.type.in_((OrderType.STOP, OrderType.TRAILING_STOP)),
            and_(OrderRow.type == OrderType.STOP_LIMIT, OrderRow.triggered_at.is_(None)),
        )
        is_buy, is_sell = OrderRow.side == OrderSide.BUY, OrderRow.side == OrderSide.SELL
        hundred = Decimal(100)
        statement = (
            self._select()
            .join(PortfolioRow, PortfolioRow.id == OrderRow.portfolio_id)
            .where(
                TradingPair.symbol == symbol,
                PortfolioRow.is_paper,
                OrderRow.status.in_(OPEN_STATUSES),
                OrderRow.source != OrderSource.SIGNAL.value,  # a signal's orders are filled by its trade book
                or_(
                    OrderRow.expires_at <= now,
                    and_(rests_as_limit, or_(and_(is_buy, OrderRow.price >= price), and_(is_sell, OrderRow.price <= price))),
                    and_(
                        waits_for_trigger,
                        or_(and_(is_buy, OrderRow.stop_price <= price), and_(is_sell, OrderRow.stop_price >= price)),
                    ),
                    and_(
                        OrderRow.type == OrderType.TRAILING_STOP,
                        or_(
                            and_(is_sell, price * (1 - OrderRow.trailing_percent / hundred) > OrderRow.stop_price),
                            and_(is_buy, price * (1 + OrderRow.trailing_percent / hundred) < OrderRow.stop_price),
                        ),
                    ),
                ),
            )
            .order_by(OrderRow.created_at, OrderRow.id)
            .with_for_update(of=OrderRow, skip_locked=True)
        )
        return [_order(*row) for row in await self._session.execute(statement)]

    @staticmethod
    def _select():
        return select(OrderRow, TradingPair.symbol).join(TradingPair, TradingPair.id == OrderRow.trading_pair_id)


class TradeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._pair_id = PairIds(session)

    async def add(self, fill: Fill, order: Order, position_id: uuid.UUID | None, realized_pnl: Decimal) -> None:
        await self._session.execute(
            insert(TradeRow).values(
                order_id=order.id,
                user_id=order.user_id,
                portfolio_id=order.portfolio_id,
                trading_pair_id=await self._pair_id(order.portfolio_id, order.symbol),
                position_id=position_id,
                exchange_trade_id=fill.trade_id,
                side=fill.side,
                quantity=fill.quantity,
                price=fill.price,
                quote_quantity=fill.quote_quantity,
                fee=fill.fee,
                fee_currency=fill.fee_currency,
                is_maker=fill.is_maker,
                realized_pnl=realized_pnl,
                executed_at=fill.executed_at,
            )
        )

    async def history(
        self, portfolio_id: uuid.UUID, limit: int, offset: int, since: datetime | None = None
    ) -> list[TradeRecord]:
        rows = await self._session.execute(
            select(TradeRow, TradingPair.symbol)
            .join(TradingPair, TradingPair.id == TradeRow.trading_pair_id)
            .where(TradeRow.portfolio_id == portfolio_id, *_since(since))
            .order_by(TradeRow.executed_at.desc(), TradeRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            TradeRecord(
                symbol=symbol,
                fill=Fill(
                    order_id=row.order_id,
                    trade_id=row.exchange_trade_id,
                    side=row.side,
                    quantity=row.quantity,
                    price=row.price,
                    fee=row.fee,
                    fee_currency=row.fee_currency or "",
                    is_maker=row.is_maker,
                    executed_at=row.executed_at,
                ),
                realized_pnl=row.realized_pnl,
            )
            for row, symbol in rows
        ]

    async def count(self, portfolio_id: uuid.UUID, since: datetime | None = None) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(TradeRow).where(TradeRow.portfolio_id == portfolio_id, *_since(since))
        ) or 0

    async def totals_since(self, portfolio_id: uuid.UUID, since: datetime) -> tuple[Decimal, Decimal, int]:
        """Realized PnL, fees (in the fee's currency, as stored) and number of fills since ``since``."""
        realized, fees, count = (await self._session.execute(
            select(func.coalesce(func.sum(TradeRow.realized_pnl), 0), func.coalesce(func.sum(TradeRow.fee), 0),
                   func.count())
            .where(TradeRow.portfolio_id == portfolio_id, TradeRow.executed_at >= since)
        )).one()
        return Decimal(realized), Decimal(fees), int(count)


def _since(since: datetime | None) -> tuple[Any, ...]:
    return () if since is None else (TradeRow.executed_at >= since,)


def _position(row: PositionRow, symbol: str) -> Position:
    return Position(
        id=row.id,
        user_id=row.user_id,
        portfolio_id=row.portfolio_id,
        symbol=symbol,
        opened_at=row.opened_at,
        side=row.side,
        status=row.status,
        quantity=row.remaining_size,
        initial_quantity=row.size,
        entry_price=row.entry_price,
        exit_price=row.exit_price,
        current_price=row.current_price,
        realized_pnl=row.realized_pnl,
        unrealized_pnl=row.unrealized_pnl,
        fees=row.total_fees,
        stop_loss=row.stop_loss_price,
        take_profit=row.take_profit_price,
        signal_id=row.signal_id,
        closed_at=row.closed_at,
    )


def _position_state(position: Position) -> dict[str, Any]:
    return {
        "status": position.status,
        "remaining_size": position.quantity,
        "size": position.initial_quantity,
        "entry_price": position.entry_price,
        "exit_price": position.exit_price,
        "current_price": position.current_price,
        "realized_pnl": position.realized_pnl,
        "unrealized_pnl": position.unrealized_pnl,
        "total_fees": position.fees,
        "stop_loss_price": position.stop_loss,
        "take_profit_price": position.take_profit,
        "closed_at": position.closed_at,
    }


# A portfolio's open orders (of one symbol or all), unlocked: Core built once, run on its own
# outside a transaction (db/single_statement.py).
_ORDERS, _PAIRS = OrderRow.__table__, TradingPair.__table__


def _open_orders(of_symbol: bool) -> Any:
    statement = (
        select(*_ORDERS.c, _PAIRS.c.symbol)
        .join(_PAIRS, _PAIRS.c.id == _ORDERS.c.trading_pair_id)
        .where(_ORDERS.c.portfolio_id == bindparam("portfolio_id"),
               or_(*(_ORDERS.c.status == status for status in OPEN_STATUSES)))  # not IN: no per-call expansion
    )
    if of_symbol:
        statement = statement.where(_PAIRS.c.symbol == bindparam("symbol"))
    return statement.order_by(_ORDERS.c.created_at, _ORDERS.c.id)


_OPEN_ORDERS = {of_symbol: _open_orders(of_symbol) for of_symbol in (False, True)}


# Open positions as most portfolio and trading requests read them: Core built once, run on its own
# outside a transaction (db/single_statement.py); the ORM path stays for locking reads.
_POSITIONS = PositionRow.__table__


def _open_positions_of_portfolio() -> Any:
    return (
        select(*_POSITIONS.c, _PAIRS.c.symbol)
        .join(_PAIRS, _PAIRS.c.id == _POSITIONS.c.trading_pair_id)
        .where(_POSITIONS.c.status != PositionStatus.CLOSED, _POSITIONS.c.portfolio_id == bindparam("portfolio_id"))
    )


_OPEN_POSITIONS = _open_positions_of_portfolio().order_by(_POSITIONS.c.opened_at)
_OPEN_POSITION_OF_SYMBOL = _open_positions_of_portfolio().where(
    _PAIRS.c.symbol == bindparam("symbol"),
    or_(
        _POSITIONS.c.signal_id.is_(None),
        select(PortfolioRow.id).where(PortfolioRow.id == bindparam("portfolio_id"), ~PortfolioRow.is_paper).exists(),
    ),
)


def _position_of(row: dict[str, Any]) -> Position:
    return _position(SimpleNamespace(**row), row["symbol"])  # type: ignore[arg-type]  # the row's columns


class PositionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._pair_id = PairIds(session)

    async def add(self, position: Position) -> None:
        await self._session.execute(
            insert(PositionRow).values(
                id=position.id,
                user_id=position.user_id,
                portfolio_id=position.portfolio_id,
                trading_pair_id=await self._pair_id(position.portfolio_id, position.symbol),
                signal_id=position.signal_id,
                side=position.side,
                opened_at=position.opened_at,
                **_position_state(position),
            )
        )

    async def save(self, position: Position) -> None:
        await self._session.execute(
            update(PositionRow).where(PositionRow.id == position.id).values(_position_state(position))
        )

    async def open_for(self, portfolio_id: uuid.UUID, symbol: str, *, for_update: bool = False) -> Position | None:
        # On paper a signal's position belongs to its trade book (closed from /signals), not to
        # manual orders; on an exchange account there is one position per pair, whoever opened it.
        if not for_update:
            rows = await run_alone(self._session, _OPEN_POSITION_OF_SYMBOL, {"portfolio_id": portfolio_id, "symbol": symbol})
            return _position_of(rows[0]) if rows else None
        live = select(PortfolioRow.id).where(PortfolioRow.id == portfolio_id, ~PortfolioRow.is_paper).exists()
        statement = self._select_open().where(PositionRow.portfolio_id == portfolio_id, TradingPair.symbol == symbol,
                                              or_(PositionRow.signal_id.is_(None), live))
        if for_update:
            statement = statement.with_for_update(of=PositionRow)
        row = (await self._session.execute(statement)).one_or_none()
        return None if row is None else _position(*row)

    async def list_open(self, portfolio_id: uuid.UUID) -> list[Position]:
        rows = await run_alone(self._session, _OPEN_POSITIONS, {"portfolio_id": portfolio_id})
        return [_position_of(row) for row in rows]

    async def protection_hit(self, symbol: str, price: Decimal) -> list[Position]:
        rows = await self._session.execute(
            self._select_open()
            .join(PortfolioRow, PortfolioRow.id == PositionRow.portfolio_id)
            .where(
                TradingPair.symbol == symbol,
                PortfolioRow.is_paper,  # live positions are guarded by the exchange's own orders
                or_(PositionRow.stop_loss_price >= price, PositionRow.take_profit_price <= price),
            )
            .order_by(PositionRow.opened_at)
        )
        return [_position(*row) for row in rows]

    async def symbols_with_protection(self) -> list[str]:
        rows = await self._session.scalars(
            select(TradingPair.symbol)
            .join(PositionRow, PositionRow.trading_pair_id == TradingPair.id)
            .where(
                PositionRow.status != PositionStatus.CLOSED,
                or_(PositionRow.stop_loss_price.is_not(None), PositionRow.take_profit_price.is_not(None)),
            )
            .distinct()
        )
        return list(rows)

    @staticmethod
    def _select_open():
        return (
            select(PositionRow, TradingPair.symbol)
            .join(TradingPair, TradingPair.id == PositionRow.trading_pair_id)
            .where(PositionRow.status != PositionStatus.CLOSED)
        )
