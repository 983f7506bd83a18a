"""A market the test moves by hand, and a signal service over it with the real repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from db.repositories.signals import SignalOwner
from domain.market_data.simulated import SimulatedMarketData
from domain.models import Market, Ticker
from domain.services.portfolio import PortfolioService
from domain.services.signals import SignalService


class MovableMarket:
    """The simulated market's pairs, at prices the test sets; its clock moves when told."""

    def __init__(self, **prices: str) -> None:
        self._markets = SimulatedMarketData(seed=1)
        self.prices = {symbol.replace("_", "/"): Decimal(price) for symbol, price in prices.items()}
        self.now = datetime(2026, 11, 30, 12, tzinfo=UTC)

    def move(self, symbol: str, price: str) -> None:
        self.prices[symbol] = Decimal(price)

    def clock(self) -> datetime:
        return self.now

    async def market(self, symbol: str) -> Market:
        return await self._markets.market(symbol)

    async def ticker(self, symbol: str) -> Ticker:
        price = self.prices.get(symbol) or (await self._markets.ticker(symbol)).last
        return Ticker(symbol, price, price, price, price, Decimal(0), Decimal(0), price, price, self.now)

    async def current_price(self, symbol: str) -> Decimal:  # the price watch's reader
        return (await self.ticker(symbol)).last

    async def order_book_top(self, symbol: str):  # pragma: no cover - not used by signals
        return await self._markets.order_book_top(symbol)

    async def ohlcv(self, symbol: str, timeframe: str, limit: int):  # pragma: no cover
        return await self._markets.ohlcv(symbol, timeframe, limit)


@pytest.fixture
def market() -> MovableMarket:
    return MovableMarket(BTC_USDT="64000", ETH_USDT="2950")


@pytest.fixture
def signal_service(market: MovableMarket) -> SignalService:
    portfolios = PortfolioService(market, quote_asset="USDT", starting_balance=Decimal(10000))
    return SignalService(market, portfolios, futures_starting_balance=Decimal(10000), clock=market.clock)


async def make_owner(session_factory, telegram_id: int = 1) -> SignalOwner:
    async with session_factory() as session:
        user_id = (await session.execute(text("INSERT INTO users (username) VALUES (:n) RETURNING id"),
                                         {"n": f"tg_{telegram_id}"})).scalar()
        tg_id = (await session.execute(text(
            "INSERT INTO telegram_users (telegram_id, chat_id, user_id, status) VALUES (:t, :t, :u, 'active') RETURNING id"),
            {"t": telegram_id, "u": user_id})).scalar()
        await session.commit()
    return SignalOwner(tg_id, user_id)
