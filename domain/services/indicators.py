"""Technical indicators, vectorised with NumPy in float64.

Indicators are statistics, so float64 is precise enough; money stays ``Decimal`` at the edges:
:class:`Bars` turns candles into float columns and :func:`latest` turns the newest point back
into a ``Decimal``. Every function returns arrays aligned with its input, NaN while the
indicator is still warming up. Conventions are TA-Lib's (the tests compare against it):
- EMA is seeded with the simple average of its first ``period`` values, alpha = 2 / (period + 1);
- RSI, ATR and ADX use Wilder's smoothing (alpha = 1 / period, seeded with a simple average);
- Bollinger bands use the population standard deviation;
- stochastic is the "slow" one: %K smoothed over ``smooth_k`` bars, %D its simple average;
- OBV starts at the first bar's volume.
VWAP, Ichimoku and pivots follow their usual definitions (VWAP restarts each UTC day).
"""

from __future__ import annotations

import math
import operator
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from domain.models import Candle

Array = NDArray[np.float64]
MAX_GROWTH = 1e100  # bound on w**-k inside one block of the recursive average (float64 tops at 1e308)
# A cached candle series is the same Candle objects on every request until it is refreshed, and
# converting 200 Decimal bars to floats costs most of a millisecond: the last few conversions are
# kept, keyed by the series' objects (frozen dataclasses, so the same objects hold the same values).
RECENT_BARS_KEPT = 64


@dataclass(frozen=True, slots=True)
class Bars:
    """OHLCV columns of a candle series; ``day`` numbers each bar's UTC day (VWAP sessions)."""

    open: Array
    high: Array
    low: Array
    close: Array
    volume: Array
    day: NDArray[np.int64]

    @classmethod
    def of(cls, candles: Sequence[Candle]) -> Bars:
        """The columns of ``candles``; the same Candle objects as a recent call give the same (read-only) Bars."""
        if not candles:
            return cls._convert(candles)
        key = (id(candles[0]), len(candles))
        known = _RECENT_BARS.get(key)
        if known is not None and all(map(operator.is_, known[0], candles)):
            _RECENT_BARS.move_to_end(key)
            return known[1]
        bars = cls._convert(candles)
        # The candles are kept with their Bars, so their ids cannot be reused by other objects.
        _RECENT_BARS[key] = (tuple(candles), bars)
        if len(_RECENT_BARS) > RECENT_BARS_KEPT:
            _RECENT_BARS.popitem(last=False)
        return bars

    @classmethod
    def _convert(cls, candles: Sequence[Candle]) -> Bars:
        columns = np.array([(c.open, c.high, c.low, c.close, c.volume) for c in candles], dtype=np.float64)
        columns = columns.reshape(len(candles), 5)
        days = np.array([int(c.opened_at.timestamp()) // 86_400 for c in candles], dtype=np.int64)
        arrays = [np.ascontiguousarray(columns[:, i]) for i in range(5)] + [days]
        for array in arrays:
            array.flags.writeable = False  # shared between callers: nobody may change it in place
        return cls(*arrays[:5], day=arrays[5])

    def __len__(self) -> int:
        return len(self.close)


_RECENT_BARS: OrderedDict[tuple[int, int], tuple[tuple[Candle, ...], Bars]] = OrderedDict()


def latest(series: ArrayLike) -> Decimal | None:
    """The newest point as a ``Decimal`` (None while warming up or for an empty series)."""
    values = np.asarray(series, dtype=np.float64)
    return to_decimal(values[-1]) if len(values) else None


def to_decimal(value: float) -> Decimal | None:
    return None if math.isnan(value) else Decimal(repr(float(value)))


def _floats(values: ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


def _nans(length: int) -> Array:
    return np.full(length, np.nan)


# -- averages ------------------------------------------------------------------------------------


def sma(values: ArrayLike, period: int) -> Array:
    x = _floats(values)
    out = _nans(len(x))
    if len(x) >= period:
        out[period - 1:] = sliding_window_view(x, period).mean(axis=1)
    return out


def _recursive_average(x: Array, alpha: float, seed: float) -> Array:
    """y[0] = seed, y[t] = (1 - alpha) * y[t-1] + alpha * x[t], without a Python loop per bar.

    Unrolled, y[t] = w**t * (seed + alpha * sum(x[i] * w**-i)). w**-i grows without bound, so
    the series is cut into blocks short enough for w**-i to stay far below float64's range."""
    w = 1.0 - alpha
    out = np.empty(len(x))
    out[0] = seed
    block = len(x) if w >= 1.0 or w <= 0.0 else max(1, int(math.log(MAX_GROWTH) / -math.log(w)))
    block = min(block, len(x))
    if w <= 0.0:  # alpha == 1: the average is the value itself
        out[1:] = x[1:]
        return out
    powers = w ** np.arange(1, block + 1)  # w**k, k = 1..block
    previous, start = seed, 1
    while start < len(x):
        chunk = x[start:start + block]
        k = len(chunk)
        grown = np.cumsum(chunk / powers[:k])  # sum of x[i] * w**-i within the block
        out[start:start + k] = powers[:k] * (previous + alpha * grown)
        previous, start = out[start + k - 1], start + k
    return out


def _seeded(x: Array, period: int, alpha: float) -> Array:
    """Average seeded with the mean of the first ``period`` defined values (leading NaNs skipped)."""
    out = _nans(len(x))
    defined = np.flatnonzero(~np.isnan(x))
    first = int(defined[0]) if len(defined) else len(x)
    if len(x) - first < period:
        return out
    seed_at = first + period - 1
    out[seed_at:] = _recursive_average(x[seed_at:], alpha, float(x[first:seed_at + 1].mean()))
    return out


def ema(values: ArrayLike, period: int) -> Array:
    return _seeded(_floats(values), period, 2.0 / (period + 1))


def wilder(values: ArrayLike, period: int) -> Array:
    """Wilder's running average: the first value a simple mean, then alpha = 1 / period."""
    return _seeded(_floats(values), period, 1.0 / period)


# -- momentum ------------------------------------------------------------------------------------


def rsi(closes: ArrayLike, period: int = 14) -> Array:
    x = _floats(closes)
    change = np.concatenate(([np.nan], np.diff(x)))
    gain = wilder(np.where(np.isnan(change), np.nan, np.maximum(change, 0.0)), period)
    loss = wilder(np.where(np.isnan(change), np.nan, np.maximum(-change, 0.0)), period)
    total = gain + loss
    with np.errstate(invalid="ignore", divide="ignore"):
        # 100 * gain / (gain + loss) is 100 - 100 / (1 + RS) without dividing by a zero loss;
        # a flat market (no gains, no losses) sits in the middle.
        return np.where(total > 0, 100.0 * gain / total, np.where(np.isnan(total), np.nan, 50.0))


def macd(closes: ArrayLike, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[Array, Array, Array]:
    """MACD line (fast EMA - slow EMA), its signal line (EMA of the line) and the histogram."""
    x = _floats(closes)
    line = ema(x, fast) - ema(x, slow)
    signal_line = ema(line, signal)
    return line, signal_line, line - signal_line


def _position_in_range(value: Array, highest: Array, lowest: Array) -> Array:
    """Where ``value`` stands between ``lowest`` (0) and ``highest`` (100); 50 in a flat range."""
    span = highest - lowest
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, 100.0 * (value - lowest) / span, np.where(np.isnan(span), np.nan, 50.0))


def rolling_max(values: ArrayLike, period: int) -> Array:
    return _rolling_extreme(_floats(values), period, np.maximum)


def rolling_min(values: ArrayLike, period: int) -> Array:
    return _rolling_extreme(_floats(values), period, np.minimum)


def _rolling_extreme(x: Array, period: int, pick: np.ufunc) -> Array:
    """Max (or min) of each ``period``-bar window in O(n), van Herk/Gil-Werman: cut the series
    into blocks of ``period``; a window spans the tail of one block and the head of the next,
    so its extreme is that of a suffix extreme and a prefix extreme."""
    out = _nans(len(x))
    if len(x) < period:
        return out
    blocks = -(-len(x) // period)
    padded = np.full(blocks * period, np.nan)
    padded[:len(x)] = x
    grid = padded.reshape(blocks, period)
    prefix = pick.accumulate(grid, axis=1).ravel()
    suffix = pick.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    ends = np.arange(period - 1, len(x))
    out[period - 1:] = pick(suffix[ends - period + 1], prefix[ends])
    return out


def stochastic(bars: Bars, period: int = 14, smooth_k: int = 3, smooth_d: int = 3) -> tuple[Array, Array]:
    raw = _position_in_range(bars.close, rolling_max(bars.high, period), rolling_min(bars.low, period))
    k = _sma_after_warmup(raw, smooth_k)
    return k, _sma_after_warmup(k, smooth_d)


def stoch_rsi(closes: ArrayLike, period: int = 14, k_period: int = 14, d_period: int = 3) -> tuple[Array, Array]:
    """Where RSI stands within its own range over ``k_period`` bars (0-100), and its average."""
    r = rsi(closes, period)
    k = _position_in_range(r, rolling_max(r, k_period), rolling_min(r, k_period))
    return k, _sma_after_warmup(k, d_period)


def _sma_after_warmup(values: Array, period: int) -> Array:
    out = _nans(len(values))
    defined = np.flatnonzero(~np.isnan(values))
    if len(defined):
        out[defined[0]:] = sma(values[defined[0]:], period)
    return out


# -- volatility ----------------------------------------------------------------------------------


def bollinger(closes: ArrayLike, period: int = 20, width: float = 2.0) -> tuple[Array, Array, Array]:
    """Middle (SMA), upper and lower bands, ``width`` population standard deviations apart."""
    x = _floats(closes)
    middle, deviation = _nans(len(x)), _nans(len(x))
    if len(x) >= period:
        windows = sliding_window_view(x, period)
        middle[period - 1:] = windows.mean(axis=1)
        deviation[period - 1:] = windows.std(axis=1)
    return middle, middle + width * deviation, middle - width * deviation


def true_range(bars: Bars) -> Array:
    """From the second bar on (the first has no previous close)."""
    previous = np.concatenate(([np.nan], bars.close[:-1]))
    return np.fmax(bars.high - bars.low, np.maximum(np.abs(bars.high - previous), np.abs(bars.low - previous)))


def atr(bars: Bars, period: int = 14) -> Array:
    out = _nans(len(bars))
    if len(bars) > period:
        out[1:] = wilder(true_range(bars)[1:], period)
    return out


# -- volume --------------------------------------------------------------------------------------


def vwap(bars: Bars) -> Array:
    """Volume-weighted average of the typical price (H+L+C)/3, restarting each UTC day."""
    weighted = (bars.high + bars.low + bars.close) / 3.0 * bars.volume
    return _session_cumsum(weighted, bars.day) / np.where(
        (volume := _session_cumsum(bars.volume, bars.day)) > 0, volume, np.nan)


def _session_cumsum(values: Array, sessions: NDArray[np.int64]) -> Array:
    total = np.cumsum(values)
    starts = np.flatnonzero(np.diff(sessions, prepend=sessions[:1] - 1))  # first bar of each session
    before = np.concatenate(([0.0], total))[starts]  # running total before each session began
    return total - np.repeat(before, np.diff(np.append(starts, len(values))))


def obv(bars: Bars) -> Array:
    """On-balance volume: volume added on up closes, subtracted on down closes."""
    if not len(bars):
        return _nans(0)
    direction = np.sign(np.diff(bars.close))
    return bars.volume[0] + np.concatenate(([0.0], np.cumsum(direction * bars.volume[1:])))


# -- trend ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Adx:
    adx: Array
    plus_di: Array
    minus_di: Array


def adx(bars: Bars, period: int = 14) -> Adx:
    """Wilder's average directional index with the +DI and -DI lines."""
    n = len(bars)
    nothing = Adx(_nans(n), _nans(n), _nans(n))
    if n <= 2 * period:
        return nothing
    up = np.diff(bars.high)
    down = -np.diff(bars.low)
    plus_dm = np.where((up > down) & (up > 0), up, 0.0)
    minus_dm = np.where((down > up) & (down > 0), down, 0.0)
    ranges = true_range(bars)[1:]
    # Wilder's running sums (sum - sum / n + new) are his averages times n; the ratios are the same.
    smoothed_tr, smoothed_plus, smoothed_minus = (wilder(s, period) for s in (ranges, plus_dm, minus_dm))
    with np.errstate(invalid="ignore", divide="ignore"):
        plus_di = np.where(smoothed_tr > 0, 100.0 * smoothed_plus / smoothed_tr, 0.0)
        minus_di = np.where(smoothed_tr > 0, 100.0 * smoothed_minus / smoothed_tr, 0.0)
        di_sum = plus_di + minus_di
        dx = np.where(di_sum > 0, 100.0 * np.abs(plus_di - minus_di) / di_sum, 0.0)
    defined = ~np.isnan(smoothed_tr)
    dx = np.where(defined, dx, np.nan)
    pad = np.array([np.nan])
    return Adx(
        adx=np.concatenate((pad, wilder(dx, period))),
        plus_di=np.concatenate((pad, np.where(defined, plus_di, np.nan))),
        minus_di=np.concatenate((pad, np.where(defined, minus_di, np.nan))),
    )


@dataclass(frozen=True, slots=True)
class Ichimoku:
    """Lines aligned with the bars they are drawn at: the cloud (``span_a``, ``span_b``) is
    computed ``displacement`` bars earlier and projected forward, so it has ``displacement``
    extra points past the last bar; ``lagging`` is the close drawn ``displacement`` bars back."""

    conversion: Array  # tenkan-sen
    base: Array  # kijun-sen
    span_a: Array  # senkou span A
    span_b: Array  # senkou span B
    lagging: Array  # chikou span


def midpoint(bars: Bars, period: int) -> Array:
    """(highest high + lowest low) / 2 over ``period`` bars."""
    return (rolling_max(bars.high, period) + rolling_min(bars.low, period)) / 2.0


def ichimoku(bars: Bars, conversion: int = 9, base: int = 26, span_b: int = 52, displacement: int = 26) -> Ichimoku:
    tenkan, kijun = midpoint(bars, conversion), midpoint(bars, base)
    ahead = _nans(displacement)
    lagging = np.concatenate((bars.close[displacement:], _nans(min(displacement, len(bars)))))
    return Ichimoku(
        conversion=tenkan,
        base=kijun,
        span_a=np.concatenate((ahead, (tenkan + kijun) / 2.0)),
        span_b=np.concatenate((ahead, midpoint(bars, span_b))),
        lagging=lagging[:len(bars)],
    )


# -- levels --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pivots:
    """Classic floor-trader pivots from one session's high, low and close."""

    pivot: float
    r1: float
    r2: float
    r3: float
    s1: float
    s2: float
    s3: float


def pivots(high: float, low: float, close: float) -> Pivots:
    p = (high + low + close) / 3.0
    span = high - low
    return Pivots(p, 2 * p - low, p + span, high + 2 * (p - low), 2 * p - high, p - span, low - 2 * (high - p))


def previous_session_pivots(bars: Bars) -> Pivots | None:
    """Pivots of the last complete UTC day in ``bars`` (None without one)."""
    days = np.unique(bars.day)
    if len(days) < 2:
        return None
    session = bars.day == days[-2]
    return pivots(float(bars.high[session].max()), float(bars.low[session].min()), float(bars.close[session][-1]))


def swing_points(bars: Bars, reach: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Indices of swing highs and swing lows: a bar whose high (low) is the extreme of the
    ``reach`` bars on each side of it."""
    width = 2 * reach + 1
    if len(bars) < width:
        empty = np.array([], dtype=np.intp)
        return empty, empty
    centre = slice(reach, len(bars) - reach)
    highs = np.flatnonzero(bars.high[centre] == rolling_max(bars.high, width)[width - 1:]) + reach
    lows = np.flatnonzero(bars.low[centre] == rolling_min(bars.low, width)[width - 1:]) + reach
    return highs, lows


FIBONACCI_RATIOS = (Decimal("0.236"), Decimal("0.382"), Decimal("0.5"), Decimal("0.618"), Decimal("0.786"))


def fibonacci_retracements(high: Decimal, low: Decimal) -> dict[Decimal, Decimal]:
    """Retracement levels of the move from ``low`` to ``high``, measured down from the high."""
    return {ratio: high - (high - low) * ratio for ratio in FIBONACCI_RATIOS}
