"""Market answers on the simulated feed, support/resistance on drawn candles, risk sizing by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide
from domain.errors import InvalidRequest
from domain.market_data.simulated import SimulatedMarketData
from domain.models import Candle, Market
from domain.services import indicators as ta
from domain.services.market_analysis import MarketAnalysisService, support_resistance
from domain.services.risk import size_position

NOW = datetime(2026, 3, 4, 13, 7, tzinfo=UTC)
BTC = Market("BTC/USDT", "BTC", "USDT", price_precision=2, amount_precision=5, min_amount=D("0.00001"),
             taker_fee=D("0.001"))


@pytest.fixture
def analysis() -> MarketAnalysisService:
    return MarketAnalysisService(SimulatedMarketData(seed=5, clock=lambda: NOW))


async def test_indicator_report_matches_the_indicator_functions(analysis):
    report = await analysis.indicators("ETH/USDT", "4h", ["RSI", "macd", "ema", "bollinger", "stoch"], period=50)
    candles = await SimulatedMarketData(seed=5, clock=lambda: NOW).ohlcv("ETH/USDT", "4h", 200)
    closes = ta.Bars.of(candles).close
    readings = {r.name: r for r in report.readings}
    assert report.price == candles[-1].close and report.unsupported == ("stoch",)
    assert readings["rsi"].values["rsi"] == ta.latest(ta.rsi(closes, 50)) and readings["rsi"].values["period"] == 50
    assert readings["ema"].values["ema"] == ta.latest(ta.ema(closes, 50))
    assert readings["macd"].signal == ("bullish" if readings["macd"].values["histogram"] > 0 else "bearish")
    bands = readings["bollinger"].values
    assert bands["lower"] < bands["middle"] < bands["upper"]


async def test_every_supported_indicator_reads(analysis):
    names = ["rsi", "macd", "ema", "sma", "bollinger", "atr", "stochastic", "stochrsi", "vwap", "obv", "volume", "fibonacci",
             "adx", "ichimoku", "pivots"]
    report = await analysis.indicators("BTC/USDT", "1h", names)
    assert [r.name for r in report.readings] == names and report.unsupported == ()


async def test_price_answer_and_price_at(analysis):
    ticker = await analysis.price("BTC/USDT")
    assert ticker.low <= ticker.last <= ticker.high and ticker.base_volume > 0
    an_hour_ago = await analysis.price_at("BTC/USDT", NOW - timedelta(hours=1))
    [minute] = [c for c in await SimulatedMarketData(seed=5, clock=lambda: NOW).ohlcv("BTC/USDT", "1m", 70)
                if c.opened_at == (NOW - timedelta(hours=1)).replace(second=0)]
    assert an_hour_ago == minute.open
    assert await analysis.price_at("BTC/USDT", NOW - timedelta(days=30)) is not None


def test_support_and_resistance_come_from_swings_merged_when_close():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lows_highs = [(101, 105), (100, 104), (98, 103), (95, 101), (97, 103), (99, 106), (102, 110), (104, 108), (101, 107),
                  (96, 103), (95.2, 102), (98, 105), (100, 109.8), (103, 109), (101, 106), (99, 104), (100, 105)]
    bars = [Candle(start + timedelta(hours=i), D(lo), D(hi), D(lo), D((lo + hi) / 2), D(1))
            for i, (lo, hi) in enumerate(lows_highs)]
    supports, resistances = support_resistance(bars, D(102))
    assert [(round(s.price, 1), s.touches) for s in supports] == [(D("95.1"), 2)]  # 95 and 95.2 merged
    assert [(round(r.price, 1), r.touches) for r in resistances] == [(D("109.9"), 2)]  # 110 and 109.8


def test_position_size_for_a_percent_risk_counts_fees():
    sizing = size_position(BTC, D("10000"), D("50000"), D("49000"), risk_percent=D("1"))
    # 100 USDT at risk; each BTC loses 1,000 + fees (50,000 + 49,000) * 0.1 % = 1,099
    assert sizing.quantity == D("0.09099") and sizing.side is OrderSide.BUY
    assert sizing.risk_amount <= D("100") and sizing.stop_distance_percent == D(2)
    assert sizing.position_value == D("4549.5") and sizing.position_percent == D("45.495")


def test_position_size_for_an_amount_and_a_short():
    sizing = size_position(BTC, D("10000"), D("50000"), D("51000"), risk_amount=D("50"))
    assert sizing.side is OrderSide.SELL and sizing.quantity == D("0.04541")  # 50 / (1,000 + 101 of fees)


def test_position_size_needs_exactly_one_risk_and_a_real_stop():
    with pytest.raises(InvalidRequest):
        size_position(BTC, D("10000"), D("50000"), D("49000"))
    with pytest.raises(InvalidRequest):
        size_position(BTC, D("10000"), D("50000"), D("50000"), risk_percent=D("1"))
