"""Indicators against values computed by hand from their definitions and a published example."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from domain.models import Candle
from domain.services import indicators as ta

# The 14-period RSI example of StockCharts' "RSI" article (closes of 33 sessions).
CLOSES = [D(x) for x in (
    "44.34 44.09 44.15 43.61 44.33 44.83 45.10 45.42 45.84 46.08 45.89 46.03 45.61 46.28 46.28 46.00 46.03 "
    "46.41 46.22 45.64 46.21 46.25 45.71 46.45 45.78 45.35 44.03 44.18 44.22 44.57 43.42 42.66 43.13"
).split()]
STOCKCHARTS_RSI = [D(x) for x in (
    "70.53 66.32 66.55 69.41 66.36 57.97 62.93 63.26 56.06 62.38 54.71 50.42 39.99 41.46 41.87 45.46 37.30 33.08 37.77"
).split()]


def candles(*rows: tuple[str, str, str, str]) -> list[Candle]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [Candle(start + timedelta(hours=i), D(c), D(h), D(lo), D(c), D(v)) for i, (h, lo, c, v) in enumerate(rows)]


BARS = candles(("10", "8", "9", "100"), ("11", "9", "10", "200"), ("12", "9", "11", "300"), ("11", "10", "10.5", "400"))


def test_rsi_uses_wilders_smoothing():
    values = ta.rsi(CLOSES, 14)
    assert values[:14] == [None] * 14
    # first: simple averages of the 14 changes (gains 3.34, losses 1.40); then Wilder's smoothing
    assert values[14] == 100 - 100 / (1 + D("3.34") / D("1.40"))
    avg_gain, avg_loss = D("3.34") / 14 * 13 / 14, (D("1.40") / 14 * 13 + D("0.28")) / 14
    assert abs(values[15] - (100 - 100 / (1 + avg_gain / avg_loss))) < D("1e-20")
    # StockCharts rounds its intermediate averages; the exact values stay within 0.1 of its table.
    assert all(abs(mine - theirs) < D("0.1") for mine, theirs in zip(values[14:], STOCKCHARTS_RSI, strict=True))


def test_rsi_is_100_without_losses():
    assert ta.rsi([D(i) for i in range(20)], 14)[-1] == 100


def test_sma_and_ema_on_a_straight_line():
    line = [D(i) for i in range(1, 31)]
    assert ta.sma(line, 5)[4] == 3 and ta.sma(line, 5)[-1] == 28
    # an EMA seeded with the SMA lags a straight line by exactly (period - 1) / 2
    assert ta.ema(line, 3)[2:] == [v - 1 for v in line[2:]]


def test_macd_of_a_straight_line_is_the_lag_difference():
    line = [D(i) for i in range(1, 101)]
    macd, signal, histogram = ta.macd(line)
    assert macd[24] is None and macd[25] == 7  # EMA12 lags 5.5, EMA26 lags 12.5
    assert signal[33] == 7 and histogram[-1] == 0 and signal[32] is None


def test_bollinger_bands_use_the_population_deviation():
    middle, upper, lower = ta.bollinger([D(i) for i in range(1, 6)], 5)
    assert middle[-1] == 3 and upper[-1] == 3 + 2 * D(2).sqrt() and lower[-1] == 3 - 2 * D(2).sqrt()


def test_atr_true_range_and_wilder_average():
    assert ta.true_range(BARS) == [D(2), D(2), D(3), D(1)]
    assert ta.atr(BARS, 3)[2:] == [D(7) / 3, (D(7) / 3 * 2 + 1) / 3]


def test_stochastic_k_and_d():
    k, d = ta.stochastic(BARS, 3, smooth_k=1, smooth_d=2)
    assert k[2:] == [D(75), D(50)] and d[3] == D("62.5")


def test_vwap_and_obv():
    # typical prices (H + L + C) / 3 of the first two bars: 9 and 10
    assert ta.vwap(BARS)[1] == (9 * 100 + 10 * 200) / D(300)
    assert ta.obv(BARS) == [D(0), D(200), D(500), D(100)]


def test_fibonacci_retracements_from_the_high():
    levels = ta.fibonacci_retracements(D(200), D(100))
    assert levels[D("0.5")] == 150 and levels[D("0.618")] == D("138.2")


def test_stoch_rsi_stays_in_range():
    values = [v for v in ta.stoch_rsi(CLOSES, 5) if v is not None]
    assert values and all(0 <= v <= 100 for v in values)
