"""Portfolio views: the default paper portfolio, its value and allocation, balances, positions,
open orders and trade history. Read-only apart from creating the default portfolio."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.models import Balance, Order, Portfolio, Position, TradeRecord
from domain.numbers import ZERO, money, percent
from domain.ports import MarketDataPort, TradingUnitOfWork


@dataclass(frozen=True, slots=True)
class Allocation:
    asset: str
    quantity: Decimal
    price: Decimal  # in the portfolio's quote asset
    value: Decimal
    percent: Decimal  # of the portfolio's total value


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    portfolio: Portfolio
    quote_asset: str
    total_value: Decimal
    allocations: tuple[Allocation, ...]  # largest first
    realized_pnl: Decimal  # net of every fee paid
    unrealized_pnl: Decimal
    total_pnl: Decimal  # total value minus the starting balance
    total_pnl_percent: Decimal
    fees: Decimal
    open_positions: int
    open_orders: int


# The periods the parser names ("PnL today" -> 24h, "this week" -> 7d, "this month" -> 30d).
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


@dataclass(frozen=True, slots=True)
class PeriodPnl:
    """Profit and loss of the trades closed in a recent period, next to what is open now."""

    period: str
    since: datetime
    quote_asset: str
    realized_pnl: Decimal  # net of the fees of the period's fills
    fees: Decimal
    trades: int
    unrealized_pnl: Decimal  # of the positions open now


@dataclass(frozen=True, slots=True)
class TradePage:
    items: tuple[TradeRecord, ...]
    page: int
    page_size: int
    total: int
    period: str | None = None  # set when the page covers a recent period only

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class LiveAccountView:
    portfolio: Portfolio
    balances: list[Balance]
    positions: list[Position]
    open_orders: int


class PortfolioService:
    def __init__(self, market_data: MarketDataPort, *, quote_asset: str, starting_balance: Decimal) -> None:
        self._market_data = market_data
        self._quote_asset = quote_asset
        self._starting_balance = starting_balance

    async def ensure_default(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> Portfolio:
        """The user's default paper portfolio, created (and committed) on first use."""
        portfolio = await uow.portfolios.default_for(user_id)
        if portfolio is None:
            portfolio = await uow.portfolios.create_default(user_id, self._quote_asset, self._starting_balance)
            await uow.commit()
        return portfolio

    async def summary(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> PortfolioSummary:
        portfolio = await self.ensure_default(uow, user_id)
        quote = portfolio.base_currency
        balances = await uow.balances.list(portfolio.id)
        positions = await self._marked_positions(uow, portfolio)
        prices = await self.prices(quote, [b.asset for b in balances if b.total > ZERO])
        values = {b.asset: money(b.total * prices[b.asset]) for b in balances if b.total > ZERO}
        total = sum(values.values(), ZERO)
        allocations = sorted(
            (Allocation(b.asset, b.total, prices[b.asset], values[b.asset], percent(values[b.asset], total))
             for b in balances if b.asset in values),
            key=lambda a: a.value,
            reverse=True,
        )
        total_pnl = total - portfolio.initial_balance
        return PortfolioSummary(
            portfolio=portfolio,
            quote_asset=quote,
            total_value=total,
            allocations=tuple(allocations),
            realized_pnl=portfolio.realized_pnl,
            unrealized_pnl=sum((p.unrealized_pnl for p in positions), ZERO),
            total_pnl=total_pnl,
            total_pnl_percent=percent(total_pnl, portfolio.initial_balance),
            fees=portfolio.total_fees,
            open_positions=len(positions),
            open_orders=len(await uow.orders.list_open(portfolio.id)),
        )

    async def total_value(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, balances: list[Balance] | None = None
    ) -> Decimal:
        """Cash and coins at last prices; ``balances``: the portfolio's, when the caller has read them."""
        if balances is None:
            balances = await uow.balances.list(portfolio.id)
        balances = [b for b in balances if b.total > ZERO]
        prices = await self.prices(portfolio.base_currency, [b.asset for b in balances])
        return sum((money(b.total * prices[b.asset]) for b in balances), ZERO)

    async def prices(self, quote: str, assets: list[str]) -> dict[str, Decimal]:
        """Last price of each asset in ``quote`` (1 for the quote itself)."""
        prices = {quote: Decimal(1)}
        for asset in assets:
            if asset not in prices:
                prices[asset] = (await self._market_data.ticker(f"{asset}/{quote}")).last
        return prices

    async def live_accounts(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[LiveAccountView]:
        """The user's connected exchange accounts as last synced (balances copied from the exchange)."""
        return [
            LiveAccountView(
                portfolio,
                [b for b in await uow.balances.list(portfolio.id) if b.total > ZERO],
                await uow.positions.list_open(portfolio.id),
                len(await uow.orders.list_open(portfolio.id)),
            )
            for portfolio in await uow.live.portfolios(user_id)
        ]

    async def balances(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[Balance]:
        portfolio = await self.ensure_default(uow, user_id)
        return [b for b in await uow.balances.list(portfolio.id) if b.total > ZERO]

    async def positions(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[Position]:
        """Open positions, marked to the current market price."""
        return await self._marked_positions(uow, await self.ensure_default(uow, user_id))

    async def _marked_positions(self, uow: TradingUnitOfWork, portfolio: Portfolio) -> list[Position]:
        positions = await uow.positions.list_open(portfolio.id)
        for position in positions:
            position.mark((await self._market_data.ticker(position.symbol)).last)
        return positions

    async def open_orders(self, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str | None = None) -> list[Order]:
        portfolio = await self.ensure_default(uow, user_id)
        return await uow.orders.list_open(portfolio.id, symbol)

    async def trade_history(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, page: int = 1, page_size: int = 10,
        *, period: str | None = None, now: datetime | None = None,
    ) -> TradePage:
        portfolio = await self.ensure_default(uow, user_id)
        page = max(page, 1)
        since = _since(period, now)
        items = await uow.trades.history(portfolio.id, page_size, (page - 1) * page_size, since)
        total = await uow.trades.count(portfolio.id, since)
        return TradePage(tuple(items), page, page_size, total, period if since is not None else None)

    async def period_pnl(self, uow: TradingUnitOfWork, user_id: uuid.UUID, period: str, now: datetime) -> PeriodPnl:
        portfolio = await self.ensure_default(uow, user_id)
        since = now - PERIODS[period]
        realized, fees, trades = await uow.trades.totals_since(portfolio.id, since)
        positions = await self._marked_positions(uow, portfolio)
        return PeriodPnl(period, since, portfolio.base_currency, realized, fees, trades,
                         sum((p.unrealized_pnl for p in positions), ZERO))


def _since(period: str | None, now: datetime | None) -> datetime | None:
    if period not in PERIODS or now is None:
        return None
    return now - PERIODS[period]
