"""Market overview behind the ``market_overview`` intent: top movers, a quick market summary and
"compare X vs Y", over a universe of pairs the operator chooses.

Also the per-symbol technical picture (:class:`SymbolSnapshot`: change, volatility, RSI, trend,
levels) that comparisons and recommendations read, and :class:`MarketReader`, the two
market-data questions these services ask (``MarketDataPort`` answers them). Indicators come from
``domain.services.indicators`` and support/resistance from ``market_analysis``.
"""

from __future__ import annotations

import asyncio
import math
import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeVar

from domain.errors import DomainError, MarketDataUnavailable
from domain.models import Candle, Ticker
from domain.numbers import ZERO, money, percent, round_to
from domain.services import indicators as ta
from domain.services.market_analysis import support_resistance

PERIOD_DAYS = {"24h": 1, "7d": 7, "30d": 30}  # the NLP's ``period`` values
DEFAULT_MOVERS = 5
# Pairs ranked when the operator configures none: the most traded USDT pairs.
DEFAULT_UNIVERSE = (
    "BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT", "DOGE/USDT", "ADA/USDT", "TRX/USDT",
    "TON/USDT", "AVAX/USDT", "LINK/USDT", "DOT/USDT", "LTC/USDT", "BCH/USDT", "NEAR/USDT", "SUI/USDT",
    "APT/USDT", "ARB/USDT", "OP/USDT", "UNI/USDT", "ATOM/USDT", "PEPE/USDT",
)
BTC = "BTC/USDT"
# Daily candles fetched for a snapshot: EMA 200 plus room for it to settle.
SNAPSHOT_CANDLES = 250
RANGE_DAYS = 30
LEVEL_DAYS = 90  # swing highs and lows this recent count as support and resistance
VOLATILITY_DAYS = 30
RSI_PERIOD = 14
ATR_PERIOD = 14
LONG_TREND_EMAS = (50, 200)
SHORT_TREND_EMAS = (20, 50)  # for pairs listed less than 200 days ago

T = TypeVar("T")


class MarketReader(Protocol):
    """Public market data; raises ``UnknownSymbol`` or ``MarketDataUnavailable``."""

    async def ticker(self, symbol: str) -> Ticker: ...
    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]: ...


class Trend(StrEnum):
    UP = "up"  # price above the fast EMA, fast above slow
    DOWN = "down"  # price below the fast EMA, fast below slow
    SIDEWAYS = "sideways"  # anything in between


@dataclass(frozen=True, slots=True)
class Mover:
    symbol: str
    last_price: Decimal
    change_percent: Decimal
    quote_volume: Decimal  # traded over the period, in the quote currency


@dataclass(frozen=True, slots=True)
class Movers:
    period: str
    gainers: tuple[Mover, ...]  # rising pairs only, biggest rise first
    losers: tuple[Mover, ...]  # falling pairs only, biggest fall first
    unavailable: tuple[str, ...]  # pairs the market data could not answer for


@dataclass(frozen=True, slots=True)
class MarketSummary:
    period: str
    pairs_counted: int
    advancers: int
    decliners: int
    unchanged: int
    average_change_percent: Decimal
    median_change_percent: Decimal
    # BTC's share of the universe's traded value: a stand-in for dominance, which needs market caps.
    btc_volume_share_percent: Decimal | None
    best: Mover | None
    worst: Mover | None
    unavailable: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SymbolSnapshot:
    symbol: str
    last_price: Decimal
    period: str
    change_percent: Decimal  # over ``period``
    volatility_percent: Decimal  # typical daily move over the last 30 days (RMS of daily returns)
    rsi: Decimal | None  # RSI 14 of daily closes
    trend: Trend
    ema_periods: tuple[int, int]  # (50, 200), or (20, 50) for young pairs
    ema_fast: Decimal | None
    ema_slow: Decimal | None
    atr: Decimal | None  # ATR 14 of daily candles, in price units
    support: Decimal  # nearest swing low below the price in 90 days, else the 30-day low
    resistance: Decimal  # nearest swing high above the price in 90 days, else the 30-day high
    range_low: Decimal  # lowest low of the last 30 daily candles
    range_high: Decimal  # highest high of the last 30 daily candles


@dataclass(frozen=True, slots=True)
class Comparison:
    period: str
    snapshots: tuple[SymbolSnapshot, ...]  # in the order asked
    strongest: str  # the pair with the largest change over the period
    calmest: str  # the pair with the lowest volatility


# --- market figures -----------------------------------------------------------------------------


def change_over(candles: Sequence[Candle], days: int) -> Decimal:
    """Percent change of the last close against the close ``days`` daily candles earlier."""
    then = candles[max(0, len(candles) - 1 - days)].close
    return round_to(percent(candles[-1].close - then, then), 2)


def typical_daily_move(candles: Sequence[Candle], days: int) -> float:
    """Root mean square of the last ``days`` daily returns, as a fraction: the size of a usual
    day's move, trend included (a steady 1 % a day is a 1 % move, not zero volatility)."""
    closes = [float(c.close) for c in candles[-(days + 1):]]
    returns = [b / a - 1 for a, b in zip(closes, closes[1:]) if a]
    return math.sqrt(sum(r * r for r in returns) / len(returns)) if returns else 0.0


def daily_volatility(candles: Sequence[Candle], days: int = VOLATILITY_DAYS) -> Decimal:
    return round_to(Decimal(repr(typical_daily_move(candles, days) * 100)), 2)


def classify_trend(price: Decimal, fast: Decimal | None, slow: Decimal | None) -> Trend:
    if fast is None or slow is None:
        return Trend.SIDEWAYS
    if price > fast > slow:
        return Trend.UP
    if price < fast < slow:
        return Trend.DOWN
    return Trend.SIDEWAYS


def period_days(period: str) -> int:
    if period not in PERIOD_DAYS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIOD_DAYS)}")
    return PERIOD_DAYS[period]


def snapshot_of(symbol: str, candles: Sequence[Candle], ticker: Ticker, period: str) -> SymbolSnapshot:
    days = period_days(period)
    bars = ta.Bars.of(candles)
    fast_period, slow_period = LONG_TREND_EMAS if len(bars) >= LONG_TREND_EMAS[1] else SHORT_TREND_EMAS
    fast, slow = (ta.latest(ta.ema(bars.close, n)) for n in (fast_period, slow_period))
    rsi, atr = ta.latest(ta.rsi(bars.close, RSI_PERIOD)), ta.latest(ta.atr(bars, ATR_PERIOD))
    recent = candles[-RANGE_DAYS:]
    range_low, range_high = min(c.low for c in recent), max(c.high for c in recent)
    supports, resistances = support_resistance(candles[-LEVEL_DAYS:], ticker.last)
    return SymbolSnapshot(
        symbol=symbol,
        last_price=ticker.last,
        period=period,
        # The ticker's rolling 24 h beats the daily candles, whose last one is still forming.
        change_percent=round_to(ticker.change_percent, 2) if days == 1 else change_over(candles, days),
        volatility_percent=daily_volatility(candles),
        rsi=round_to(rsi, 2) if rsi is not None else None,
        trend=classify_trend(ticker.last, fast, slow),
        ema_periods=(fast_period, slow_period),
        ema_fast=money(fast) if fast is not None else None,
        ema_slow=money(slow) if slow is not None else None,
        atr=money(atr) if atr is not None else None,
        support=money(supports[0].price) if supports else range_low,
        resistance=money(resistances[0].price) if resistances else range_high,
        range_low=range_low,
        range_high=range_high,
    )


async def fetch_snapshot(market: MarketReader, symbol: str, period: str = "24h") -> SymbolSnapshot:
    ticker, candles = await asyncio.gather(market.ticker(symbol), market.ohlcv(symbol, "1d", SNAPSHOT_CANDLES))
    return snapshot_of(symbol, candles, ticker, period)


async def gather_available(
    symbols: Sequence[str], fetch: Callable[[str], Awaitable[T]]
) -> tuple[dict[str, T], tuple[str, ...]]:
    """Fetch for every symbol at once. A pair the market cannot answer for is set aside (and
    listed); when no pair answers, market data is unavailable as a whole."""
    results = await asyncio.gather(*(fetch(symbol) for symbol in symbols), return_exceptions=True)
    found: dict[str, T] = {}
    errors: dict[str, DomainError] = {}
    for symbol, result in zip(symbols, results, strict=True):
        if isinstance(result, DomainError):
            errors[symbol] = result
        elif isinstance(result, BaseException):
            raise result
        else:
            found[symbol] = result
    if errors and not found:
        raise MarketDataUnavailable() from next(iter(errors.values()))
    return found, tuple(errors)


class MarketOverviewService:
    def __init__(self, market: MarketReader, universe: Sequence[str] = DEFAULT_UNIVERSE) -> None:
        self._market = market
        self._universe = tuple(universe)

    async def movers(self, period: str = "24h", limit: int = DEFAULT_MOVERS) -> Movers:
        moves, unavailable = await self._moves(period)
        rising = sorted((m for m in moves if m.change_percent > ZERO), key=lambda m: m.change_percent, reverse=True)
        falling = sorted((m for m in moves if m.change_percent < ZERO), key=lambda m: m.change_percent)
        return Movers(period, tuple(rising[:limit]), tuple(falling[:limit]), unavailable)

    async def summary(self, period: str = "24h") -> MarketSummary:
        moves, unavailable = await self._moves(period)
        changes = [m.change_percent for m in moves]
        total_volume = sum((m.quote_volume for m in moves), ZERO)
        btc = next((m for m in moves if m.symbol == BTC), None)
        return MarketSummary(
            period=period,
            pairs_counted=len(moves),
            advancers=sum(1 for c in changes if c > ZERO),
            decliners=sum(1 for c in changes if c < ZERO),
            unchanged=sum(1 for c in changes if c == ZERO),
            average_change_percent=round_to(sum(changes, ZERO) / len(changes), 2) if changes else ZERO,
            median_change_percent=round_to(statistics.median(changes), 2) if changes else ZERO,
            btc_volume_share_percent=round_to(percent(btc.quote_volume, total_volume), 2) if btc else None,
            best=max(moves, key=lambda m: m.change_percent, default=None),
            worst=min(moves, key=lambda m: m.change_percent, default=None),
            unavailable=unavailable,
        )

    async def compare(self, symbols: Sequence[str], period: str = "24h") -> Comparison:
        """Raises ``UnknownSymbol`` for a pair the market does not list: the user named it."""
        snapshots = await asyncio.gather(*(fetch_snapshot(self._market, s, period) for s in symbols))
        return Comparison(
            period=period,
            snapshots=tuple(snapshots),
            strongest=max(snapshots, key=lambda s: s.change_percent).symbol,
            calmest=min(snapshots, key=lambda s: s.volatility_percent).symbol,
        )

    async def _moves(self, period: str) -> tuple[list[Mover], tuple[str, ...]]:
        days = period_days(period)

        async def move(symbol: str) -> Mover:
            return await (self._move_24h(symbol) if days == 1 else self._move_over_days(symbol, days))

        found, unavailable = await gather_available(self._universe, move)
        return list(found.values()), unavailable

    async def _move_24h(self, symbol: str) -> Mover:
        ticker = await self._market.ticker(symbol)
        return Mover(symbol, ticker.last, round_to(ticker.change_percent, 2), ticker.quote_volume)

    async def _move_over_days(self, symbol: str, days: int) -> Mover:
        # days + 1 candles: the last (still forming) one and the one ``days`` before it.
        candles = await self._market.ohlcv(symbol, "1d", days + 1)
        traded = money(sum((c.volume * c.close for c in candles[1:]), ZERO))
        return Mover(symbol, candles[-1].close, change_over(candles, days), traded)
