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

DEFAULT_PERIODS = {"rsi": 14, "ema": 20, "sma": 20, "bollinger": 20, "atr": 14, "stochastic": 14, "stochrsi": 14, "volume": 20, "adx": 14}
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
        bars, price = ta.Bars.of(candles), candles[-1].close
        readings = [READERS[name](bars, price, period or DEFAULT_PERIODS.get(name, 14)) for name in wanted if name in READERS]
        return IndicatorReport(
            symbol=symbol,
            timeframe=timeframe,
            price=price,
            as_of=candles[-1].opened_at,
            readings=tuple(r for r in readings if r is not None),
            unsupported=tuple(n for n in wanted if n not in READERS),
        )

    async def levels(self, symbol: str, timeframe: str = "4h") -> LevelsReport:
        candles = await self._market_data.ohlcv(symbol, timeframe, MIN_CANDLES)
        price = candles[-1].close
        supports, resistances = support_resistance(candles, price)
        return LevelsReport(symbol, timeframe, price, supports, resistances)


def _rsi(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    value = ta.latest(ta.rsi(bars.close, n))
    return None if value is None else IndicatorReading("rsi", {"rsi": value, "period": Decimal(n)}, _zone(value, 70, 30))


def _stoch_rsi(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    k, d = (ta.latest(series) for series in ta.stoch_rsi(bars.close, n, n))
    if k is None or d is None:
        return None
    return IndicatorReading("stochrsi", {"stochrsi": k, "d": d}, _zone(k, 80, 20))


def _macd(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    line, signal, histogram = (ta.latest(series) for series in ta.macd(bars.close))
    if line is None or signal is None or histogram is None:
        return None
    values = {"macd": line, "signal": signal, "histogram": histogram}
    return IndicatorReading("macd", values, "bullish" if histogram > 0 else "bearish")


def _moving_average(name: str) -> Reader:
    average = ta.ema if name == "ema" else ta.sma

    def read(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
        value = ta.latest(average(bars.close, n))
        return None if value is None else IndicatorReading(name, {name: value, "period": Decimal(n)}, _side(price, value))

    return read


def _bollinger(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    middle, upper, lower = (ta.latest(series) for series in ta.bollinger(bars.close, n))
    if middle is None or upper is None or lower is None:
        return None
    percent_b = (price - lower) / (upper - lower) if upper > lower else Decimal("0.5")
    values = {"upper": upper, "middle": middle, "lower": lower, "percent_b": percent_b}
    return IndicatorReading("bollinger", values, _zone(percent_b, 1, 0))


def _atr(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    value = ta.latest(ta.atr(bars, n))
    return None if value is None else IndicatorReading("atr", {"atr": value, "atr_percent": percent(value, price)})


def _stochastic(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    k, d = (ta.latest(series) for series in ta.stochastic(bars, n))
    return None if k is None or d is None else IndicatorReading("stochastic", {"k": k, "d": d}, _zone(k, 80, 20))


def _vwap(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    value = ta.latest(ta.vwap(bars))
    return None if value is None else IndicatorReading("vwap", {"vwap": value}, _side(price, value))


def _obv(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    values = ta.obv(bars)
    now, then = ta.to_decimal(values[-1]), ta.to_decimal(values[-1 - min(n, len(values) - 1)])
    if now is None or then is None:
        return None
    change = now - then
    return IndicatorReading("obv", {"obv": now, "change": change}, "bullish" if change > 0 else "bearish")


def _adx(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    lines = ta.adx(bars, n)
    value, plus, minus = (ta.latest(series) for series in (lines.adx, lines.plus_di, lines.minus_di))
    if value is None or plus is None or minus is None:
        return None
    trend = "bullish" if plus > minus else "bearish"
    # Below 20 the direction lines cross back and forth: no trend worth following.
    return IndicatorReading("adx", {"adx": value, "plus_di": plus, "minus_di": minus}, trend if value >= 20 else "neutral")


def _ichimoku(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    cloud = ta.ichimoku(bars)
    now = len(bars) - 1  # the cloud drawn under the current bar
    lines = (cloud.conversion[now], cloud.base[now], cloud.span_a[now], cloud.span_b[now])
    conversion, base, span_a, span_b = (ta.to_decimal(v) for v in lines)
    if conversion is None or base is None or span_a is None or span_b is None:
        return None
    top, bottom = max(span_a, span_b), min(span_a, span_b)
    signal = "above" if price > top else "below" if price < bottom else "neutral"
    values = {"conversion": conversion, "base": base, "span_a": span_a, "span_b": span_b}
    return IndicatorReading("ichimoku", values, signal)


def _pivots(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    levels = ta.previous_session_pivots(bars)
    if levels is None:
        return None
    values = {name: ta.to_decimal(getattr(levels, name)) or ZERO for name in ("s3", "s2", "s1", "pivot", "r1", "r2", "r3")}
    return IndicatorReading("pivots", values, _side(price, values["pivot"]))


def _volume(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    average = ta.to_decimal(ta.sma(bars.volume, n)[-2]) if len(bars) > 1 else None  # the bars before the current one
    volume = ta.to_decimal(bars.volume[-1])
    if not average or volume is None:
        return None
    return IndicatorReading("volume", {"volume": volume, "average": average, "ratio": volume / average})


def _fibonacci(bars: ta.Bars, price: Decimal, n: int) -> IndicatorReading | None:
    high, low = ta.to_decimal(bars.high.max()), ta.to_decimal(bars.low.min())
    if high is None or low is None:
        return None
    levels = {f"{ratio.normalize():f}": level for ratio, level in ta.fibonacci_retracements(high, low).items()}
    return IndicatorReading("fibonacci", {"high": high, "low": low} | levels)


Reader = Callable[[ta.Bars, Decimal, int], IndicatorReading | None]
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
    "adx": _adx,
    "ichimoku": _ichimoku,
    "pivots": _pivots,
    "volume": _volume,
    "fibonacci": _fibonacci,
}


def support_resistance(candles: Sequence[Candle], price: Decimal) -> tuple[tuple[Level, ...], tuple[Level, ...]]:
    """Levels where the price turned (swing lows and highs), merged when close together."""
    highs, lows = ta.swing_points(ta.Bars.of(candles), PIVOT_REACH)
    swings = [candles[i].high for i in highs] + [candles[i].low for i in lows]
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
