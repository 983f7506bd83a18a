"""Indicators against TA-Lib (the reference implementation) on real-shaped candles, and against
answers worked out by hand where TA-Lib has no such indicator (session VWAP, pivots)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import numpy as np
import pytest
import talib

from domain.models import Candle
from domain.services import indicators as ta
from tests.domain.candle_walk import random_walk

# Relative tolerance once an indicator has warmed up: float64 rounding, nothing more.
RTOL = 1e-9
# The 14-period RSI example of StockCharts' "RSI" article (closes of 33 sessions).
CLOSES = [float(x) for x in (
    "44.34 44.09 44.15 43.61 44.33 44.83 45.10 45.42 45.84 46.08 45.89 46.03 45.61 46.28 46.28 46.00 46.03 "
    "46.41 46.22 45.64 46.21 46.25 45.71 46.45 45.78 45.35 44.03 44.18 44.22 44.57 43.42 42.66 43.13"
).split()]
STOCKCHARTS_RSI = [float(x) for x in (
    "70.53 66.32 66.55 69.41 66.36 57.97 62.93 63.26 56.06 62.38 54.71 50.42 39.99 41.46 41.87 45.46 37.30 33.08 37.77"
).split()]


@pytest.fixture(scope="module", params=[1, 2, 3], ids=lambda seed: f"walk{seed}")
def bars(request) -> ta.Bars:
    return random_walk(3_000, seed=request.param)


def same(mine: np.ndarray, theirs: np.ndarray, *, settled: int = 0, atol: float = 1e-9) -> None:
    """Equal where TA-Lib has a value (from ``settled`` on), and NaN exactly where TA-Lib is."""
    assert mine.shape == theirs.shape
    defined = ~np.isnan(theirs)
    assert not np.isnan(mine[defined]).any(), "NaN where the reference has a value"
    np.testing.assert_allclose(mine[settled:][defined[settled:]], theirs[settled:][defined[settled:]], rtol=RTOL, atol=atol)


@pytest.mark.parametrize("period", [2, 9, 20, 200])
def test_moving_averages_match_talib(bars, period):
    same(ta.sma(bars.close, period), talib.SMA(bars.close, period))
    same(ta.ema(bars.close, period), talib.EMA(bars.close, period))
    assert np.isnan(ta.ema(bars.close, period)[:period - 1]).all()


@pytest.mark.parametrize("period", [5, 14, 50])
def test_rsi_matches_talib(bars, period):
    mine = ta.rsi(bars.close, period)
    same(mine, talib.RSI(bars.close, period))
    assert np.isnan(mine[:period]).all() and not np.isnan(mine[period])


def test_macd_matches_talib_once_the_fast_average_settles(bars):
    # TA-Lib seeds the fast EMA at the slow one's start; the textbook seeds each at its own.
    # The difference fades as (11/13)**n: below 1e-9 of the price after 150 bars.
    for mine, theirs in zip(ta.macd(bars.close), talib.MACD(bars.close, 12, 26, 9), strict=True):
        same(mine, theirs, settled=200, atol=1e-7)


def test_bollinger_matches_talib(bars):
    upper, middle, lower = talib.BBANDS(bars.close, 20, 2, 2, 0)
    for mine, theirs in zip(ta.bollinger(bars.close, 20, 2.0), (middle, upper, lower), strict=True):
        same(mine, theirs)


def test_atr_and_true_range_match_talib(bars):
    same(ta.atr(bars, 14), talib.ATR(bars.high, bars.low, bars.close, 14))
    same(ta.true_range(bars), talib.TRANGE(bars.high, bars.low, bars.close))


def test_stochastic_and_stoch_rsi_match_talib(bars):
    k, d = ta.stochastic(bars, 14, 3, 3)
    talib_k, talib_d = talib.STOCH(bars.high, bars.low, bars.close, 14, 3, 0, 3, 0)
    same(k, talib_k, atol=1e-7)
    same(d, talib_d, atol=1e-7)
    k, d = ta.stoch_rsi(bars.close, 14, 14, 3)
    talib_k, talib_d = talib.STOCHRSI(bars.close, 14, 14, 3, 0)
    same(k, talib_k, atol=1e-7)
    same(d, talib_d, atol=1e-7)


def test_obv_matches_talib(bars):
    same(ta.obv(bars), talib.OBV(bars.close, bars.volume), atol=1e-6)


def test_adx_and_directional_lines_match_talib_after_wilders_warm_up(bars):
    # TA-Lib seeds Wilder's sums with period - 1 bars, the textbook with period; the seed's
    # weight decays as (13/14)**n, under 1e-13 after 400 bars.
    lines = ta.adx(bars, 14)
    same(lines.adx, talib.ADX(bars.high, bars.low, bars.close, 14), settled=500, atol=1e-7)
    same(lines.plus_di, talib.PLUS_DI(bars.high, bars.low, bars.close, 14), settled=500, atol=1e-7)
    same(lines.minus_di, talib.MINUS_DI(bars.high, bars.low, bars.close, 14), settled=500, atol=1e-7)


def test_ichimoku_lines_are_talib_midprices_shifted(bars):
    cloud = ta.ichimoku(bars)
    tenkan, kijun, span_b = (talib.MIDPRICE(bars.high, bars.low, n) for n in (9, 26, 52))
    same(cloud.conversion, tenkan)
    same(cloud.base, kijun)
    assert len(cloud.span_a) == len(bars) + 26  # the cloud runs 26 bars ahead of the price
    same(cloud.span_a[26:], (tenkan + kijun) / 2)
    same(cloud.span_b[26:], span_b)
    same(cloud.lagging[:-26], bars.close[26:])
    assert np.isnan(cloud.lagging[-26:]).all()


def test_swing_points_are_talib_window_extremes(bars):
    highs, lows = ta.swing_points(bars, 3)
    window_high = talib.MAX(bars.high, 7)[6:]  # the 7 bars centred on bar i end at i + 3
    window_low = talib.MIN(bars.low, 7)[6:]
    centre = np.arange(3, len(bars) - 3)
    assert np.array_equal(highs, centre[bars.high[3:-3] == window_high])
    assert np.array_equal(lows, centre[bars.low[3:-3] == window_low])
    assert len(highs) > 100 and len(lows) > 100


def test_a_long_series_keeps_its_precision():
    """The block-wise recursion stays exact over 100,000 bars, even for a 2-bar EMA."""
    long = random_walk(100_000, seed=9)
    same(ta.ema(long.close, 2), talib.EMA(long.close, 2))
    same(ta.rsi(long.close, 14), talib.RSI(long.close, 14))
    same(ta.ema(long.close, 500), talib.EMA(long.close, 500))


# -- known answers ---------------------------------------------------------------------------------


def test_rsi_reproduces_the_stockcharts_example():
    values = ta.rsi(CLOSES, 14)
    # first: simple averages of the 14 changes (gains 3.34, losses 1.40)
    assert values[14] == pytest.approx(100 - 100 / (1 + 3.34 / 1.40), rel=1e-12)
    # StockCharts rounds its intermediate averages; the exact values stay within 0.1 of its table.
    np.testing.assert_allclose(values[14:], STOCKCHARTS_RSI, atol=0.1)


def test_rsi_of_a_rising_line_is_100_and_of_a_flat_one_50():
    assert ta.rsi(np.arange(20.0), 14)[-1] == 100
    assert ta.rsi(np.full(20, 7.0), 14)[-1] == 50


def test_ema_of_a_straight_line_lags_by_half_its_period():
    line = np.arange(1.0, 31.0)
    np.testing.assert_allclose(ta.ema(line, 3)[2:], line[2:] - 1)


def candles(*rows: tuple[str, str, str, str, str], start: datetime = datetime(2026, 1, 1, 22, tzinfo=UTC)) -> list[Candle]:
    return [Candle(start + timedelta(hours=i), D(o), D(h), D(lo), D(c), D(v)) for i, (o, h, lo, c, v) in enumerate(rows)]


# 22:00 and 23:00 on 1 January, then 00:00 and 01:00 on 2 January (UTC)
TWO_SESSIONS = candles(("9", "10", "8", "9", "100"), ("9", "11", "9", "10", "200"), ("10", "12", "9", "12", "300"),
                       ("12", "13", "11", "12", "100"))


def test_vwap_restarts_at_each_utc_day():
    values = ta.vwap(ta.Bars.of(TWO_SESSIONS))
    # typical prices (H + L + C) / 3: 9, 10, then 11 and 12 in the new session
    np.testing.assert_allclose(values, [9, (9 * 100 + 10 * 200) / 300, 11, (11 * 300 + 12 * 100) / 400])


def test_pivots_of_the_previous_utc_day():
    levels = ta.previous_session_pivots(ta.Bars.of(TWO_SESSIONS))
    assert levels is not None
    # 1 January: high 11, low 8, close 10 -> pivot 29 / 3
    p = 29 / 3
    assert levels.pivot == pytest.approx(p) and levels.r1 == pytest.approx(2 * p - 8)
    assert levels.s1 == pytest.approx(2 * p - 11) and levels.r2 == pytest.approx(p + 3)
    assert levels.s2 == pytest.approx(p - 3) and levels.r3 == pytest.approx(11 + 2 * (p - 8))
    assert levels.s3 == pytest.approx(8 - 2 * (11 - p))
    assert ta.previous_session_pivots(ta.Bars.of(TWO_SESSIONS[:2])) is None  # no complete day yet


def test_bars_and_latest_convert_at_the_decimal_boundary():
    bars = ta.Bars.of(TWO_SESSIONS)
    assert bars.close.dtype == np.float64 and list(bars.close) == [9, 10, 12, 12]
    assert ta.latest(bars.close) == D("12.0") and ta.latest(ta.sma(bars.close, 5)) is None
    assert ta.latest([]) is None and ta.to_decimal(0.1) == D("0.1")


def test_short_series_warm_up_without_errors():
    few = ta.Bars.of(TWO_SESSIONS[:3])
    assert np.isnan(ta.atr(few, 14)).all() and np.isnan(ta.adx(few, 14).adx).all()
    assert np.isnan(ta.stochastic(few)[0]).all() and ta.swing_points(few, 3)[0].size == 0
    assert len(ta.obv(ta.Bars.of([]))) == 0


def test_fibonacci_retracements_from_the_high():
    levels = ta.fibonacci_retracements(D(200), D(100))
    assert levels[D("0.5")] == 150 and levels[D("0.618")] == D("138.2")


def test_the_same_candle_objects_give_the_same_read_only_bars():
    """Cached series hand out the same Candle objects: their conversion is reused, and shared arrays
    cannot be changed in place by one caller under another."""
    series = candles(*[(str(9 + i), str(10 + i), str(8 + i), str(9 + i), "100") for i in range(30)])
    first = ta.Bars.of(series)
    assert ta.Bars.of(list(series)) is first  # a copy of the list, the same objects
    with pytest.raises(ValueError):
        first.close[0] = 0.0
    changed = series[:15] + [replace(series[15], close=D("99"))] + series[16:]  # one bar in the middle differs
    assert ta.Bars.of(changed) is not first and ta.Bars.of(changed).close[15] == 99.0
