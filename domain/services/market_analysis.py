"""Answers to market questions: "price of btc", "rsi eth 4h", "support and resistance for sol".

Also the price source the alert and signal services read (``current_price``, ``price_at``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.errors import InvalidRequest
from domain.models import Candle, Ticker
from domain.numbers import ZERO, percent
from domain.ports import MarketDataPort
from domain.services import indicators as ta

DEFAULT_PERIODS = {"rsi": 14, "ema": 20, "sma": 20, "bollinger": 20, "atr": 14, "stochastic": 14, "stochrsi": 14, "volume": 20}
MIN_CANDLES = 200
MAX_CANDLES = 1000
# Intervals ``price_at`` can look back through, finest first: (timeframe, width, candles kept).
HISTORY = (("1m", timedelta(minutes=1), 1000), ("1h", timedelta(hours=1), 1000), ("1d", timedelta(days=1), 1000))
PIVOT_REACH = 3  # a swing high/low beats this many candles on each side
LEVEL_TOLERANCE_PERCENT = Decimal("0.5")  # swings closer than this form one level
MAX_LEVELS = 3


@dataclass(frozen=True, slots=True)
class IndicatorReading:
    name: str
    values: dict[str, Decimal]  # e.g. {"macd": ..., "signal": ..., "histogram": ...}
    signal: str | None = None  # overbought | oversold | neutral | bullish | bearish | above | below


@dataclass(frozen=True, slots=True)
class IndicatorReport:
    symbol: str
    timeframe: str
    price: Decimal
    as_of: datetime
    readings: tuple[IndicatorReading, ...]
    unsupported: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Level:
    price: Decimal
    touches: int  # how many swings formed it


@dataclass(frozen=True, slots=True)
class LevelsReport:
    symbol: str
    timeframe: str
    price: Decimal
    supports: tuple[Level, ...]  # nearest first
    resistances: tuple[Level, ...]  # nearest first


class MarketAnalysisService:
    def __init__(self, market_data: MarketDataPort) -> None:
        self._market_data = market_data

    async def price(self, symbol: str) -> Ticker:
        """Last price with the 24 h change, high, low and volume."""
        return await self._market_data.ticker(symbol)

    async def current_price(self, symbol: str) -> Decimal:
        return (await self._market_data.ticker(symbol)).last

    async def price_at(self, symbol: str, when: datetime) -> Decimal | None:
        """The price at ``when`` (the open of the finest stored candle containing it)."""
        for timeframe, width, depth in HISTORY:
            candles = await self._market_data.ohlcv(symbol, timeframe, depth)
            if candles and candles[0].opened_at <= when:
                containing = [c for c in candles if c.opened_at <= when < c.opened_at + width]
                return containing[0].open if containing else None
        return None

    async def indicators(
        self, symbol: str, timeframe: str = "1h", names: Sequence[str] = ("rsi", "macd"), period: int | None = None
    ) -> IndicatorReport:
        """The latest value of each named indicator; ``period`` overrides its default length."""
        wanted = [n.lower() for n in names] or ["rsi", "macd"]
        if period is not None and not 2 <= period <= 500:
            raise InvalidRequest("An indicator period must be between 2 and 500.")
        candles = await self._market_data.ohlcv(symbol, timeframe, min(MAX_CANDLES, max(MIN_CANDLES, 3 * (period or 0) + 50)))
        closes = [c.close for c in candles]
        readings = [READERS[name](candles, closes, period or DEFAULT_PERIODS.get(name, 14)) for name in wanted if name in READERS]
        return IndicatorReport(
            symbol=symbol,
            timeframe=timeframe,
            price=closes[-1],
            as_of=candles[-1].opened_at,
            readings=tuple(r for r in readings if r is not None),
            unsupported=tuple(n for n in wanted if n not in READERS),
        )

    async def levels(self, symbol: str, timeframe: str = "4h") -> LevelsReport:
        candles = await self._market_data.ohlcv(symbol, timeframe, MIN_CANDLES)
        price = candles[-1].close
        supports, resistances = support_resistance(candles, price)
        return LevelsReport(symbol, timeframe, price, supports, resistances)


def _rsi(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    value = ta.rsi(closes, n)[-1]
    return None if value is None else IndicatorReading("rsi", {"rsi": value, "period": Decimal(n)}, _zone(value, 70, 30))


def _stoch_rsi(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    value = ta.stoch_rsi(closes, n)[-1]
    return None if value is None else IndicatorReading("stochrsi", {"stochrsi": value}, _zone(value, 80, 20))


def _macd(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    line, signal, histogram = (series[-1] for series in ta.macd(closes))
    if line is None or signal is None or histogram is None:
        return None
    values = {"macd": line, "signal": signal, "histogram": histogram}
    return IndicatorReading("macd", values, "bullish" if histogram > 0 else "bearish")


def _moving_average(name: str) -> Reader:
    average = ta.ema if name == "ema" else ta.sma

    def read(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
        value = average(closes, n)[-1]
        return None if value is None else IndicatorReading(name, {name: value, "period": Decimal(n)}, _side(closes[-1], value))

    return read


def _bollinger(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    middle, upper, lower = (series[-1] for series in ta.bollinger(closes, n))
    if middle is None or upper is None or lower is None:
        return None
    percent_b = (closes[-1] - lower) / (upper - lower) if upper > lower else Decimal("0.5")
    values = {"upper": upper, "middle": middle, "lower": lower, "percent_b": percent_b}
    return IndicatorReading("bollinger", values, _zone(percent_b, 1, 0))


def _atr(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    value = ta.atr(candles, n)[-1]
    return None if value is None else IndicatorReading("atr", {"atr": value, "atr_percent": percent(value, closes[-1])})


def _stochastic(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    k, d = (series[-1] for series in ta.stochastic(candles, n))
    return None if k is None or d is None else IndicatorReading("stochastic", {"k": k, "d": d}, _zone(k, 80, 20))


def _vwap(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    value = ta.vwap(candles)[-1]
    return None if value is None else IndicatorReading("vwap", {"vwap": value}, _side(closes[-1], value))


def _obv(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    values = ta.obv(candles)
    change = values[-1] - values[-1 - min(n, len(values) - 1)]
    return IndicatorReading("obv", {"obv": values[-1], "change": change}, "bullish" if change > 0 else "bearish")


def _volume(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    average = ta.sma([c.volume for c in candles], n)[-2]  # the bars before the current one
    if not average:
        return None
    return IndicatorReading("volume", {"volume": candles[-1].volume, "average": average, "ratio": candles[-1].volume / average})


def _fibonacci(candles: list[Candle], closes: list[Decimal], n: int) -> IndicatorReading | None:
    high, low = max(c.high for c in candles), min(c.low for c in candles)
    levels = {f"{ratio.normalize():f}": level for ratio, level in ta.fibonacci_retracements(high, low).items()}
    return IndicatorReading("fibonacci", {"high": high, "low": low} | levels)


Reader = Callable[[list[Candle], list[Decimal], int], IndicatorReading | None]
READERS: dict[str, Reader] = {
    "rsi": _rsi,
    "stochrsi": _stoch_rsi,
    "macd": _macd,
    "ema": _moving_average("ema"),
    "sma": _moving_average("sma"),
    "bollinger": _bollinger,
    "atr": _atr,
    "stochastic": _stochastic,
    "vwap": _vwap,
    "obv": _obv,
    "volume": _volume,
    "fibonacci": _fibonacci,
}


def support_resistance(candles: Sequence[Candle], price: Decimal) -> tuple[tuple[Level, ...], tuple[Level, ...]]:
    """Levels where the price turned (swing lows and highs), merged when close together."""
    swings: list[Decimal] = []
    for i in range(PIVOT_REACH, len(candles) - PIVOT_REACH):
        window = candles[i - PIVOT_REACH:i + PIVOT_REACH + 1]
        if candles[i].high == max(c.high for c in window):
            swings.append(candles[i].high)
        if candles[i].low == min(c.low for c in window):
            swings.append(candles[i].low)
    levels = _cluster(sorted(swings))
    supports = sorted((lv for lv in levels if lv.price < price), key=lambda lv: price - lv.price)
    resistances = sorted((lv for lv in levels if lv.price > price), key=lambda lv: lv.price - price)
    return tuple(supports[:MAX_LEVELS]), tuple(resistances[:MAX_LEVELS])


def _cluster(prices: list[Decimal]) -> list[Level]:
    groups: list[list[Decimal]] = []
    for value in prices:
        if groups and percent(value - groups[-1][0], groups[-1][0]) <= LEVEL_TOLERANCE_PERCENT:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [Level(sum(group, ZERO) / len(group), len(group)) for group in groups]


def _zone(value: Decimal, high: int, low: int) -> str:
    return "overbought" if value >= high else "oversold" if value <= low else "neutral"


def _side(price: Decimal, level: Decimal) -> str:
    return "above" if price > level else "below"
