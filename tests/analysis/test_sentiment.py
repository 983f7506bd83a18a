"""The price-based mood score: direction of each component, the bands, the market reading."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.errors import MarketDataUnavailable
from domain.services.sentiment import BASIS, MARKET, Mood, SentimentService
from tests.analysis.market import ScriptedMarket, line

RISING = line(100, 1, 60)
FALLING = line(200, -1, 60)
# Zigzag 100, 102, 100, ...: no momentum, steady swings; up days trade 3,000, down days 1,000.
ZIGZAG = [D(102) if i % 2 else D(100) for i in range(60)]
ZIGZAG_VOLUME = [D(3000) if i % 2 else D(1000) for i in range(60)]


@pytest.fixture
def service() -> SentimentService:
    market = ScriptedMarket(
        {"UP/USDT": RISING, "DOWN/USDT": FALLING, "ZIG/USDT": ZIGZAG},
        volumes={"ZIG/USDT": ZIGZAG_VOLUME},
    )
    return SentimentService(market, majors=["UP/USDT", "ZIG/USDT", "DOWN/USDT", "GONE/USDT"])


def _scores(reading) -> dict[str, int]:
    return {c.key: c.score for c in reading.components}


async def test_a_rising_series_reads_greedier_than_a_falling_one(service):
    rising, falling = await service.pairs(["UP/USDT", "DOWN/USDT"])
    assert rising.score > 55 > 45 > falling.score
    assert rising.mood is Mood.EXTREME_GREED and falling.mood is Mood.EXTREME_FEAR
    # Momentum: 159 against 129 thirty days earlier is +23.26 %, past the +20 % that scores 100.
    assert rising.components[0].value == D("23.26") and _scores(rising)["momentum"] == 100
    # 141 against 171 is -17.54 %: 50 - 17.54 x 2.5 = 6.15 -> 6.
    assert _scores(falling)["momentum"] == 6
    assert (_scores(rising)["rsi"], _scores(falling)["rsi"]) == (100, 0)
    assert (_scores(rising)["volume"], _scores(falling)["volume"]) == (100, 0), "all volume on up / down days"


async def test_a_zigzag_is_neutral_on_momentum_and_volatility_and_reads_volume_by_direction(service):
    zig = await service.pair("ZIG/USDT")
    components = {c.key: c for c in zig.components}
    assert components["momentum"].value == D("0.00") and components["momentum"].score == 50
    assert components["volatility"].value == D("1.00") and components["volatility"].score == 50
    assert 40 < components["rsi"].score < 60
    # 7 up days of 3,000 and 7 down days of 1,000 in the last 14: 75 % of volume on up days.
    assert components["volume"].value == D("75.00") and components["volume"].score == 75


async def test_the_score_is_the_mean_of_the_listed_components_and_says_what_it_is_based_on(service):
    for reading in await service.pairs(["UP/USDT", "ZIG/USDT", "DOWN/USDT"]):
        scores = [c.score for c in reading.components]
        assert reading.score == int(D(sum(scores)) / len(scores) + D("0.5"))
        assert reading.mood is Mood.of(reading.score)
        assert "price and volume" in reading.basis and reading.basis == BASIS
        assert all(c.meaning for c in reading.components)


def test_the_mood_bands():
    assert [Mood.of(s) for s in (0, 24, 25, 44, 45, 55, 56, 75, 76, 100)] == [
        Mood.EXTREME_FEAR, Mood.EXTREME_FEAR, Mood.FEAR, Mood.FEAR, Mood.NEUTRAL,
        Mood.NEUTRAL, Mood.GREED, Mood.GREED, Mood.EXTREME_GREED, Mood.EXTREME_GREED,
    ]
    assert Mood.EXTREME_FEAR.label == "Extreme fear"


async def test_the_market_reading_adds_breadth_over_the_majors(service):
    market = await service.market()
    assert market.subject == MARKET
    assert market.pairs == ("UP/USDT", "ZIG/USDT", "DOWN/USDT") and market.unavailable == ("GONE/USDT",)
    breadth = market.components[-1]
    # Up over 7 days: UP, and ZIG (it ends on 102 against 100 seven days earlier); DOWN fell.
    assert breadth.key == "breadth" and breadth.value == D("66.67") and breadth.score == 67
    # Momentum is the majors' average change: (23.26 + 0 - 17.54) / 3.
    assert market.components[0].value == D("1.91")
    pair_scores = [r.score for r in await service.pairs(["UP/USDT", "ZIG/USDT", "DOWN/USDT"])]
    assert min(pair_scores) < market.score < max(pair_scores)


async def test_no_major_available_is_a_market_data_outage():
    with pytest.raises(MarketDataUnavailable):
        await SentimentService(ScriptedMarket({}), majors=["BTC/USDT"]).market()
