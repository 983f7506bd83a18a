"""A market the tests move by hand, and the alert evaluator wired to it over real Redis streams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.alert_evaluator import AlertEvaluator
from db.market_updates import MarketUpdates
from domain.models import Candle
from domain.services.alerts import AlertService
from domain.timeframes import TIMEFRAMES


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class HandMarket:
    """Prices and candles the test sets: current price, price history, closed candles per timeframe."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.now: dict[str, Decimal] = {}
        self.history: dict[tuple[str, datetime], Decimal] = {}
        self.closes: dict[tuple[str, str], list[Decimal]] = {}

    async def current_price(self, symbol: str) -> Decimal:
        return self.now[symbol]

    async def price_at(self, symbol: str, when: datetime) -> Decimal | None:
        earlier = [(t, p) for (s, t), p in self.history.items() if s == symbol and t <= when]
        return max(earlier)[1] if earlier else None

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        """The closed candles the test set (the last one closed just now), plus a forming one."""
        width = TIMEFRAMES[timeframe]
        closes = self.closes[(symbol, timeframe)] + [self.now[symbol]]
        first = self.clock.now - width * (len(closes) - 1)
        candles = [Candle(first + width * i, c, c, c, c, Decimal(1)) for i, c in enumerate(closes)]
        return candles[-limit:]

    def close_candle(self, symbol: str, timeframe: str, close: Decimal) -> None:
        """One more candle closes at ``close`` (time moves on by one candle)."""
        self.closes[(symbol, timeframe)].append(close)
        self.now[symbol] = close
        self.clock.now += TIMEFRAMES[timeframe]


def build(uow_factory, redis, market: HandMarket, clock: Clock) -> tuple[AlertService, AlertEvaluator, MarketUpdates]:
    service = AlertService(market, candles=market, clock=clock)
    updates = MarketUpdates(redis, group="alerts", consumer="test")
    return service, AlertEvaluator(uow_factory, service, updates, clock=clock), updates


async def tick(evaluator: AlertEvaluator, updates: MarketUpdates, symbol: str, price: Decimal,
               market: HandMarket | None = None):
    """The market moves to ``price``: a tick on the stream, evaluated; returns what fired."""
    if market is not None:
        market.now[symbol] = price
    await updates.publish(symbol, price, evaluator._clock())
    return await evaluator.process_ticks()


def ramp(start: Decimal, step: Decimal, count: int) -> list[Decimal]:
    return [start + step * i for i in range(count)]


ONE_HOUR = timedelta(hours=1)
