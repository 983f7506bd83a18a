"""Technical indicators over price series, in ``Decimal``, with the textbook formulas.

Every function returns a list aligned with its input, ``None`` where the indicator is still
warming up. Conventions (those of TA-Lib and most charting sites):
- EMA is seeded with the simple average of its first ``period`` values, alpha = 2 / (period + 1);
- RSI and ATR use Wilder's smoothing: the first average is a simple mean, then
  avg = (previous * (period - 1) + current) / period;
- Bollinger bands use the population standard deviation;
- stochastic is the "slow" one: %K smoothed over ``smooth_k`` bars, %D its simple average.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.models import Candle
from domain.numbers import HUNDRED, ZERO

Series = list[Decimal | None]


def sma(values: Sequence[Decimal], period: int) -> Series:
    out: Series = [None] * len(values)
    running = ZERO
    for i, value in enumerate(values):
        running += value
        if i >= period:
            running -= values[i - period]
        if i >= period - 1:
            out[i] = running / period
    return out


def ema(values: Sequence[Decimal], period: int) -> Series:
    out: Series = [None] * len(values)
    if len(values) < period:
        return out
    alpha = Decimal(2) / (period + 1)
    current = sum(values[:period], ZERO) / period
    out[period - 1] = current
    for i in range(period, len(values)):
        current += alpha * (values[i] - current)
        out[i] = current
    return out


def _wilder(values: Sequence[Decimal], period: int, start: int = 0) -> Series:
    """Wilder's running average of ``values[start:]``, aligned with ``values``."""
    out: Series = [None] * len(values)
    if len(values) - start < period:
        return out
    current = sum(values[start:start + period], ZERO) / period
    out[start + period - 1] = current
    for i in range(start + period, len(values)):
        current = (current * (period - 1) + values[i]) / period
        out[i] = current
    return out


def rsi(closes: Sequence[Decimal], period: int = 14) -> Series:
    changes = [ZERO] + [b - a for a, b in zip(closes, closes[1:])]
    gains = _wilder([max(c, ZERO) for c in changes], period, start=1)
    losses = _wilder([max(-c, ZERO) for c in changes], period, start=1)
    out: Series = [None] * len(closes)
    for i, (gain, loss) in enumerate(zip(gains, losses)):
        if gain is not None and loss is not None:
            out[i] = HUNDRED if loss == ZERO else HUNDRED - HUNDRED / (1 + gain / loss)
    return out


def macd(closes: Sequence[Decimal], fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[Series, Series, Series]:
    """MACD line (fast EMA - slow EMA), its signal line (EMA of the line) and the histogram."""
    line: Series = [f - s if f is not None and s is not None else None for f, s in zip(ema(closes, fast), ema(closes, slow))]
    first = next((i for i, v in enumerate(line) if v is not None), len(line))
    signal_line: Series = [None] * first + ema([v for v in line[first:] if v is not None], signal)
    histogram: Series = [m - s if m is not None and s is not None else None for m, s in zip(line, signal_line)]
    return line, signal_line, histogram


def bollinger(closes: Sequence[Decimal], period: int = 20, width: Decimal = Decimal(2)) -> tuple[Series, Series, Series]:
    """Middle (SMA), upper and lower bands, ``width`` standard deviations apart."""
    middle = sma(closes, period)
    upper: Series = [None] * len(closes)
    lower: Series = [None] * len(closes)
    for i, mean in enumerate(middle):
        if mean is None:
            continue
        window = closes[i - period + 1:i + 1]
        deviation = (sum(((v - mean) ** 2 for v in window), ZERO) / period).sqrt()
        upper[i], lower[i] = mean + width * deviation, mean - width * deviation
    return middle, upper, lower


def true_range(candles: Sequence[Candle]) -> list[Decimal]:
    ranges = [candles[0].high - candles[0].low] if candles else []
    for previous, candle in zip(candles, candles[1:]):
        ranges.append(max(candle.high - candle.low, abs(candle.high - previous.close), abs(candle.low - previous.close)))
    return ranges


def atr(candles: Sequence[Candle], period: int = 14) -> Series:
    return _wilder(true_range(candles), period)


def stochastic(
    candles: Sequence[Candle], period: int = 14, smooth_k: int = 3, smooth_d: int = 3
) -> tuple[Series, Series]:
    raw: list[Decimal] = []
    for i in range(period - 1, len(candles)):
        window = candles[i - period + 1:i + 1]
        highest, lowest = max(c.high for c in window), min(c.low for c in window)
        raw.append(HUNDRED * (candles[i].close - lowest) / (highest - lowest) if highest > lowest else Decimal(50))
    k = _defined(sma(raw, smooth_k))
    d = _defined(sma(k, smooth_d))
    return _pad(k, len(candles)), _pad(d, len(candles))


def stoch_rsi(closes: Sequence[Decimal], period: int = 14) -> Series:
    """Where RSI stands within its own range over ``period`` bars, 0-100."""
    values = _defined(rsi(closes, period))
    out: list[Decimal] = []
    for i in range(period - 1, len(values)):
        window = values[i - period + 1:i + 1]
        highest, lowest = max(window), min(window)
        out.append(HUNDRED * (values[i] - lowest) / (highest - lowest) if highest > lowest else Decimal(50))
    return _pad(out, len(closes))


def vwap(candles: Sequence[Candle]) -> Series:
    """Volume-weighted average of the typical price (H+L+C)/3 since the first candle."""
    out: Series = []
    weighted, volume = ZERO, ZERO
    for candle in candles:
        weighted += (candle.high + candle.low + candle.close) / 3 * candle.volume
        volume += candle.volume
        out.append(weighted / volume if volume else None)
    return out


def obv(candles: Sequence[Candle]) -> list[Decimal]:
    """On-balance volume: volume added on up closes, subtracted on down closes."""
    total, out = ZERO, [ZERO] if candles else []
    for previous, candle in zip(candles, candles[1:]):
        if candle.close > previous.close:
            total += candle.volume
        elif candle.close < previous.close:
            total -= candle.volume
        out.append(total)
    return out


FIBONACCI_RATIOS = (Decimal("0.236"), Decimal("0.382"), Decimal("0.5"), Decimal("0.618"), Decimal("0.786"))


def fibonacci_retracements(high: Decimal, low: Decimal) -> dict[Decimal, Decimal]:
    """Retracement levels of the move from ``low`` to ``high``, measured down from the high."""
    return {ratio: high - (high - low) * ratio for ratio in FIBONACCI_RATIOS}


def _defined(series: Series) -> list[Decimal]:
    return [v for v in series if v is not None]


def _pad(values: list[Decimal], length: int) -> Series:
    return [None] * (length - len(values)) + list(values)
