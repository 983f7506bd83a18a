"""Movers, the market summary and comparisons over a scripted market, checked by hand; and the
indicator stand-ins on series whose values are known in closed form."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.errors import MarketDataUnavailable, UnknownSymbol
from domain.models import Candle
from domain.services.market_overview import MarketOverviewService, Trend, change_over, classify_trend, fetch_snapshot
from tests.analysis.market import NOW, ScriptedMarket, line

TWO_DAYS = {
    "UP/USDT": [D(100), D(110)],  # +10 %
    "DOWN/USDT": [D(100), D(95)],  # -5 %
    "FLAT/USDT": [D(50), D(50)],  # 0 %
    "BIG/USDT": [D(10), D(12)],  # +20 %
    "BTC/USDT": [D(100), D(101)],  # +1 %
}
UNIVERSE = [*TWO_DAYS, "GONE/USDT"]


@pytest.fixture
def overview() -> MarketOverviewService:
    return MarketOverviewService(ScriptedMarket(TWO_DAYS), UNIVERSE)


async def test_gainers_and_losers_are_ranked_and_flat_pairs_are_neither(overview):
    movers = await overview.movers("24h", limit=2)
    assert [(m.symbol, m.change_percent) for m in movers.gainers] == [("BIG/USDT", D("20.00")), ("UP/USDT", D("10.00"))]
    assert [(m.symbol, m.change_percent) for m in movers.losers] == [("DOWN/USDT", D("-5.00"))]
    assert movers.unavailable == ("GONE/USDT",), "a pair the exchange does not list is set aside"


async def test_the_summary_counts_breadth_and_btc_volume_share(overview):
    summary = await overview.summary("24h")
    assert (summary.pairs_counted, summary.advancers, summary.decliners, summary.unchanged) == (5, 3, 1, 1)
    assert summary.average_change_percent == D("5.20")  # (10 - 5 + 0 + 20 + 1) / 5
    assert summary.median_change_percent == D("1.00")
    # Quote volume = 1000 x last close: BTC 101,000 of 110,000 + 95,000 + 50,000 + 12,000 + 101,000.
    assert summary.btc_volume_share_percent == D("27.45")
    assert summary.best.symbol == "BIG/USDT" and summary.worst.symbol == "DOWN/USDT"


async def test_weekly_movers_use_daily_candles_seven_days_apart():
    market = ScriptedMarket({"A/USDT": line(93, 1, 10), "B/USDT": line(200, -5, 10)})
    movers = await MarketOverviewService(market, ["A/USDT", "B/USDT"]).movers("7d")
    # A: 102 against 95 seven days earlier; B: 155 against 190.
    assert movers.gainers[0].change_percent == D("7.37")
    assert movers.losers[0].change_percent == D("-18.42")
    # Traded value over the week: 1000 x (96 + 97 + ... + 102).
    assert movers.gainers[0].quote_volume == D(693000)
    assert ("A/USDT", "1d", 8) in market.requests


async def test_comparing_two_pairs_reads_trend_rsi_volatility_and_range():
    steady = [D(100) * D("1.01") ** i for i in range(250)]  # +1 % every day
    choppy = [D(300) + (D(10) if i % 2 else D(0)) - D(i) for i in range(250)]  # falling, zigzagging
    market = ScriptedMarket({"STEADY/USDT": steady, "CHOPPY/USDT": choppy}, candle_range=D(2))
    comparison = await MarketOverviewService(market, []).compare(["STEADY/USDT", "CHOPPY/USDT"], "7d")
    up, down = comparison.snapshots
    assert (up.trend, down.trend) == (Trend.UP, Trend.DOWN)
    assert up.ema_periods == (50, 200)
    assert up.rsi == D(100)
    assert up.change_percent == D("7.21")  # 1.01 ** 7 - 1
    assert up.volatility_percent == D("1.00") and down.volatility_percent > D(3)
    assert comparison.strongest == "STEADY/USDT" and comparison.calmest == "STEADY/USDT"
    # The 30-day range: lowest low and highest high of the last 30 candles (1 beyond the bodies).
    assert down.range_low == min(choppy[-30:]) - 1 and down.range_high == max(choppy[-31:]) + 1


async def test_support_is_the_nearest_swing_low_and_resistance_falls_back_to_the_range():
    # Down from 120 to 100 in steps of 2, then up to 110: one swing low at 100, no swing high above.
    closes = line(120, -2, 11) + line(102, 2, 5)
    snapshot = await fetch_snapshot(ScriptedMarket({"V/USDT": closes}), "V/USDT")
    assert snapshot.last_price == D(110)
    assert snapshot.support == D(100)
    assert snapshot.resistance == snapshot.range_high == D(120)
    assert snapshot.ema_periods == (20, 50) and snapshot.trend is Trend.SIDEWAYS, "too young for any EMA"


async def test_comparing_an_unknown_pair_tells_the_user():
    with pytest.raises(UnknownSymbol):
        await MarketOverviewService(ScriptedMarket(TWO_DAYS), []).compare(["BTC/USDT", "NOPE/USDT"])


def test_change_over_and_trend_classification():
    candles = [Candle(NOW, c, c, c, c, D(1)) for c in (D(80), D(90), D(100))]
    assert change_over(candles, 2) == D("25.00")
    assert change_over(candles, 30) == D("25.00"), "a short history is measured from its start"
    assert classify_trend(D(110), D(100), D(90)) is Trend.UP
    assert classify_trend(D(80), D(90), D(100)) is Trend.DOWN
    assert classify_trend(D(95), D(100), D(90)) is Trend.SIDEWAYS
    assert classify_trend(D(95), None, None) is Trend.SIDEWAYS


async def test_when_no_pair_answers_market_data_is_unavailable():
    with pytest.raises(MarketDataUnavailable):
        await MarketOverviewService(ScriptedMarket({}), ["BTC/USDT", "ETH/USDT"]).movers()


async def test_an_unknown_period_is_a_programming_error(overview):
    with pytest.raises(ValueError, match="unknown period"):
        await overview.summary("1y")
