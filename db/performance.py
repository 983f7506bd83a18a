"""Trading performance per user, portfolio and pair, for the ``trading_performance`` time series:
profit and loss (closed positions' realized P&L plus open ones' marked to market), P&L as a
percentage of what was bought, number of fills and the share of closed positions that won."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from db.models import Position as PositionRow
from db.models import Trade as TradeRow
from db.models import TradingPair
from db.repositories.trading_uow import TradingUnitOfWork
from db.timeseries import TimeSeries
from domain.enums import PositionStatus
from domain.errors import DomainError
from domain.numbers import ZERO, percent
from domain.ports import MarketDataPort


@dataclass(frozen=True, slots=True)
class SymbolPerformance:
    user_id: uuid.UUID
    portfolio_id: uuid.UUID
    symbol: str
    pnl: Decimal
    pnl_percent: Decimal
    trade_count: int
    win_rate: float | None  # None until a position on the pair has closed


@dataclass
class _Totals:
    user_id: uuid.UUID
    pnl: Decimal = ZERO
    cost: Decimal = ZERO
    closed: int = 0
    won: int = 0
    trades: int = 0


async def trading_performance(uow: TradingUnitOfWork, market: MarketDataPort) -> list[SymbolPerformance]:
    totals: dict[tuple[uuid.UUID, str], _Totals] = {}
    closed = PositionRow.status == PositionStatus.CLOSED
    rows = await uow.session.execute(
        select(PositionRow.user_id, PositionRow.portfolio_id, TradingPair.symbol,
               func.sum(PositionRow.realized_pnl), func.sum(PositionRow.entry_price * PositionRow.size),
               func.count(), func.count().filter(PositionRow.realized_pnl > 0))
        .join(TradingPair, TradingPair.id == PositionRow.trading_pair_id)
        .where(closed)
        .group_by(PositionRow.user_id, PositionRow.portfolio_id, TradingPair.symbol)
    )
    for user_id, portfolio_id, symbol, pnl, cost, count, won in rows:
        totals[(portfolio_id, symbol)] = _Totals(user_id, pnl or ZERO, cost or ZERO, count, won)
    open_portfolios = await uow.session.execute(
        select(PositionRow.user_id, PositionRow.portfolio_id).where(~closed).distinct())
    for user_id, portfolio_id in open_portfolios:
        for position in await uow.positions.list_open(portfolio_id):
            try:
                position.mark((await market.ticker(position.symbol)).last)
            except DomainError:
                pass  # priced as last marked
            entry = totals.setdefault((portfolio_id, position.symbol), _Totals(user_id))
            entry.pnl += position.realized_pnl + position.unrealized_pnl
            entry.cost += position.entry_price * position.initial_quantity
    fills = await uow.session.execute(
        select(TradeRow.portfolio_id, TradingPair.symbol, func.count())
        .join(TradingPair, TradingPair.id == TradeRow.trading_pair_id)
        .group_by(TradeRow.portfolio_id, TradingPair.symbol)
    )
    for portfolio_id, symbol, count in fills:
        if (portfolio_id, symbol) in totals:
            totals[(portfolio_id, symbol)].trades = count
    return [
        SymbolPerformance(t.user_id, portfolio_id, symbol, t.pnl, percent(t.pnl, t.cost), t.trades,
                          t.won / t.closed if t.closed else None)
        for (portfolio_id, symbol), t in sorted(totals.items(), key=lambda item: (str(item[0][0]), item[0][1]))
    ]


async def record_trading_performance(
    uow_factory: Callable[[], TradingUnitOfWork], market: MarketDataPort, time_series: TimeSeries,
) -> int:
    """Write one ``trading_performance`` point per portfolio and pair; returns how many."""
    async with uow_factory() as uow:
        found = await trading_performance(uow, market)
    for row in found:
        time_series.trading_performance(str(row.user_id), str(row.portfolio_id), row.symbol, pnl=row.pnl,
                                        pnl_percentage=row.pnl_percent, trade_count=row.trade_count,
                                        win_rate=row.win_rate)
    return len(found)
