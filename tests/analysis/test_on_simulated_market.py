"""Each market-reading service against the project's simulated feed (the offline market the bot
runs on by default): the real adapter satisfies the services' market-data protocol, and the
results hold together on realistic prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide
from domain.market_data.simulated import SimulatedMarketData
from domain.services.market_overview import DEFAULT_UNIVERSE, MarketOverviewService
from domain.services.recommendations import RecommendationService, Stance
from domain.services.sentiment import Mood, SentimentService
from domain.services.trade_review import TradePlan, TradeReviewService, TradeWarning, Verdict


@pytest.fixture(scope="module")
def market() -> SimulatedMarketData:
    return SimulatedMarketData(seed=7, clock=lambda: datetime(2025, 3, 10, 12, tzinfo=UTC))


async def test_movers_and_summary_agree(market):
    overview = MarketOverviewService(market)
    movers, summary = await overview.movers("7d"), await overview.summary("7d")
    assert summary.pairs_counted == len(DEFAULT_UNIVERSE) and summary.unavailable == ()
    assert summary.advancers + summary.decliners + summary.unchanged == len(DEFAULT_UNIVERSE)
    assert movers.gainers[0] == summary.best and movers.losers[0] == summary.worst
    changes = [m.change_percent for m in movers.gainers]
    assert changes == sorted(changes, reverse=True) and all(c > 0 for c in changes)
    assert D(0) < summary.btc_volume_share_percent < D(100)


async def test_sentiment_scores_stay_in_range_and_match_their_mood(market):
    service = SentimentService(market)
    for reading in (await service.market(), *await service.pairs(["SOL/USDT", "PEPE/USDT"])):
        assert 0 <= reading.score <= 100 and reading.mood is Mood.of(reading.score)
        assert all(0 <= c.score <= 100 for c in reading.components)


async def test_a_recommendation_sits_on_the_right_side_of_its_invalidation(market):
    view = await RecommendationService(market).view("ETH/USDT")
    s = view.snapshot
    assert s.support <= s.last_price <= s.resistance
    if view.stance in (Stance.ACCUMULATE, Stance.HOLD):
        assert view.invalidated_on_close == "below" and view.invalidation_price < s.last_price
    else:
        assert view.invalidated_on_close == "above"


async def test_a_50x_short_at_market_without_a_stop(market):
    review = await TradeReviewService(market).review(TradePlan("BTC/USDT", OrderSide.SELL, leverage=D(50)))
    assert review.entry == review.current_price and review.atr > 0
    assert review.liquidation.price > review.entry and review.liquidation.distance_percent == D("1.49")
    assert TradeWarning.NO_STOP in review.warnings and review.verdict is Verdict.POOR
