"""Trading services wired to the real PostgreSQL and Redis, with prices the test sets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from db.repositories.confirmations import RedisConfirmationStore
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import UnknownSymbol
from domain.exchanges.paper import PaperEngine
from domain.models import Candle, Market, OrderBookTop, Ticker
from domain.services.order_changes import OrderChangeService
from domain.services.order_monitor import PaperOrderMonitor
from domain.services.orders import OrderService, TradingPolicy
from domain.services.paper_broker import PaperBroker
from domain.services.portfolio import PortfolioService

MARKETS = {
    "BTC/USDT": Market("BTC/USDT", "BTC", "USDT", price_precision=2, amount_precision=5, min_amount=D("0.00001"),
                       min_notional=D("5"), maker_fee=D("0.001"), taker_fee=D("0.001")),
    "ETH/USDT": Market("ETH/USDT", "ETH", "USDT", price_precision=2, amount_precision=4, min_amount=D("0.0001"),
                       min_notional=D("5"), maker_fee=D("0.001"), taker_fee=D("0.001")),
}


class SetPrices:
    """A market-data port whose prices the test moves by hand."""

    def __init__(self, clock: Clock) -> None:
        self.prices = {"BTC/USDT": D("50000"), "ETH/USDT": D("3000")}
        self._clock = clock

    async def market(self, symbol: str) -> Market:
        if symbol not in MARKETS:
            raise UnknownSymbol(f"I don't know the pair {symbol}.")
        return MARKETS[symbol]

    async def ticker(self, symbol: str) -> Ticker:
        await self.market(symbol)
        last = self.prices[symbol]
        return Ticker(symbol, last, last, last, last, D(0), D(0), last, last, self._clock())

    async def order_book_top(self, symbol: str) -> OrderBookTop:
        last = self.prices[symbol]
        return OrderBookTop(symbol, last, D(1), last, D(1), self._clock())

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        return []  # no history: risk reports leave out what needs candles


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Trading:
    clock: Clock
    prices: SetPrices
    portfolios: PortfolioService
    orders: OrderService
    changes: OrderChangeService
    monitor: PaperOrderMonitor
    session_factory: object

    def unit(self) -> TradingUnitOfWork:
        return TradingUnitOfWork(self.session_factory)

    async def scalar(self, sql: str, **params: object) -> object:
        async with self.session_factory() as session:
            return (await session.execute(text(sql), params)).scalar()

    async def rows(self, sql: str, **params: object) -> list:
        async with self.session_factory() as session:
            return list((await session.execute(text(sql), params)).mappings())


@pytest.fixture
def trading(session_factory, redis_client) -> Trading:
    clock = Clock()
    prices = SetPrices(clock)
    broker = PaperBroker(PaperEngine(slippage_percent=D("0.05")))
    portfolios = PortfolioService(prices, quote_asset="USDT", starting_balance=D("10000"))
    policy = TradingPolicy(confirmation_ttl_seconds=120, price_tolerance_percent=D("1"), max_position_percent=D("25"))
    orders = OrderService(prices, RedisConfirmationStore(redis_client), broker, portfolios, policy, clock=clock)
    changes = OrderChangeService(prices, broker, portfolios, clock=clock)
    monitor = PaperOrderMonitor(broker, clock=clock)
    return Trading(clock, prices, portfolios, orders, changes, monitor, session_factory)


async def new_user(trading: Trading, name: str = "alice") -> uuid.UUID:
    async with trading.session_factory() as session:
        user_id = (await session.execute(text("INSERT INTO users (username) VALUES (:n) RETURNING id"), {"n": name})).scalar()
        await session.commit()
    return user_id


@pytest.fixture
async def alice(trading: Trading) -> uuid.UUID:
    return await new_user(trading, "alice")


@pytest.fixture
async def bob(trading: Trading) -> uuid.UUID:
    return await new_user(trading, "bob")
