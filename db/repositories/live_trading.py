"""Live accounts' records: their portfolios, open orders, today's results and the users' limits."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExchangeCredential, LiveTradingLimits
from db.models import Order as OrderRow
from db.models import Portfolio as PortfolioRow
from db.models import Trade as TradeRow
from db.models import TradingPair
from db.repositories.portfolios import PORTFOLIO_FIELDS, _portfolio
from db.repositories.trading import OPEN_STATUSES, _order
from db.single_statement import run_alone
from domain.enums import OrderStatus
from domain.models import LiveLimits, Order, Portfolio

DEFAULTS = LiveLimits()
# A live order is pending from its write-ahead record until the exchange's answer is stored.
LIVE_OPEN_STATUSES = (OrderStatus.PENDING, *OPEN_STATUSES)


class LiveTradingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create_portfolio(self, user_id: uuid.UUID, credential_id: uuid.UUID, name: str, exchange: str) -> Portfolio:
        row = PortfolioRow(user_id=user_id, credential_id=credential_id, name=name, exchange=exchange, is_paper=False,
                           is_default=False, base_currency="USDT")
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _portfolio(row)

    async def portfolios(self, user_id: uuid.UUID, market_type: str | None = None) -> list[Portfolio]:
        """The user's live portfolios whose account is still connected (of ``market_type`` only:
        "spot" or "swap", when given)."""
        if market_type is None:
            rows = await run_alone(self._session, _LIVE_PORTFOLIOS, {"user_id": user_id})
        else:
            rows = await run_alone(self._session, _LIVE_PORTFOLIOS_OF_MARKET, {"user_id": user_id,
                                                                             "market_type": market_type})
        return [Portfolio(**row) for row in rows]

    async def open_orders_by_portfolio(
        self, user_id: uuid.UUID | None = None, portfolio_id: uuid.UUID | None = None,
    ) -> list[tuple[Portfolio, list[Order]]]:
        """Open (and not yet acknowledged) live orders, grouped by portfolio, oldest first; locked.
        Of one user's accounts, or of one account, when given."""
        statement = (
            select(OrderRow, TradingPair.symbol, PortfolioRow)
            .join(TradingPair, TradingPair.id == OrderRow.trading_pair_id)
            .join(PortfolioRow, PortfolioRow.id == OrderRow.portfolio_id)
            .where(~PortfolioRow.is_paper, PortfolioRow.credential_id.is_not(None),
                   OrderRow.status.in_(LIVE_OPEN_STATUSES))
            .order_by(PortfolioRow.id, OrderRow.created_at, OrderRow.id)
            .with_for_update(of=OrderRow, skip_locked=True)
        )
        if user_id is not None:
            statement = statement.where(OrderRow.user_id == user_id)
        if portfolio_id is not None:
            statement = statement.where(OrderRow.portfolio_id == portfolio_id)
        rows = (await self._session.execute(statement)).all()
        return [
            (_portfolio(group[0][2]), [_order(row, symbol) for row, symbol, _ in group])
            for group in (list(g) for _, g in groupby(rows, key=lambda r: r[2].id))
        ]

    async def realized_since(self, user_id: uuid.UUID, since: datetime) -> Decimal:
        """Realized PnL (fees included) of the user's live trades since ``since``."""
        total = await self._session.scalar(
            select(func.coalesce(func.sum(TradeRow.realized_pnl), 0))
            .join(PortfolioRow, PortfolioRow.id == TradeRow.portfolio_id)
            .where(TradeRow.user_id == user_id, ~PortfolioRow.is_paper, TradeRow.executed_at >= since)
        )
        return Decimal(total)

    async def limits(self, user_id: uuid.UUID) -> LiveLimits:
        row = await self._session.get(LiveTradingLimits, user_id)
        if row is None:
            return DEFAULTS
        return LiveLimits(row.max_order_value, row.confirm_above_value, row.max_leverage, row.daily_loss_limit)

    async def set_limits(self, user_id: uuid.UUID, limits: LiveLimits) -> None:
        values = {
            "max_order_value": limits.max_order_value, "confirm_above_value": limits.confirm_above_value,
            "max_leverage": limits.max_leverage, "daily_loss_limit": limits.daily_loss_limit,
        }
        await self._session.execute(
            insert(LiveTradingLimits).values(user_id=user_id, **values)
            .on_conflict_do_update(index_elements=[LiveTradingLimits.user_id], set_=values | {"updated_at": func.now()})
        )


# Read by every portfolio screen: Core built once, run outside a transaction (db/single_statement.py).
_PORTFOLIOS, _CREDENTIALS = PortfolioRow.__table__, ExchangeCredential.__table__
_LIVE_PORTFOLIOS = (
    select(*(_PORTFOLIOS.c[name] for name in PORTFOLIO_FIELDS))
    .where(_PORTFOLIOS.c.user_id == bindparam("user_id"), _PORTFOLIOS.c.is_paper.is_(False),
           _PORTFOLIOS.c.credential_id.is_not(None))
    .order_by(_PORTFOLIOS.c.created_at)
)
_LIVE_PORTFOLIOS_OF_MARKET = (
    _LIVE_PORTFOLIOS.join_from(_PORTFOLIOS, _CREDENTIALS, _CREDENTIALS.c.id == _PORTFOLIOS.c.credential_id)
    .where(_CREDENTIALS.c.market_type == bindparam("market_type"))
)
