"""Trade review arithmetic checked by hand, and the service completing a plan from market data."""

from __future__ import annotations

from decimal import Decimal as D

from domain.enums import OrderSide
from domain.services.trade_review import (
    Liquidation,
    TradePlan,
    TradeReviewService,
    TradeWarning,
    Verdict,
    liquidation_price,
    reward_to_risk,
    review_trade,
)
from tests.analysis.market import ScriptedMarket

BUY, SELL = OrderSide.BUY, OrderSide.SELL


def test_reward_to_risk_for_a_long_and_a_short():
    # Long 100, stop 95 (risk 5), target 112.5 (reward 12.5) -> 2.5.
    assert reward_to_risk(BUY, D(100), D(95), D("112.5")) == D("2.50")
    # "grade this trade: BNB short 640, stop 655, target 600": 40 / 15.
    assert reward_to_risk(SELL, D(640), D(655), D(600)) == D("2.67")
    assert reward_to_risk(BUY, D(100), D(101), D(110)) is None, "a stop above a long's entry risks nothing"


def test_isolated_liquidation_price_with_the_maintenance_margin():
    # Long 10x at 100, mmr 0.5 %: 100 * 0.9 / 0.995 = 90.45226130...
    assert liquidation_price(BUY, D(100), D(10)) == D("90.45226131")
    # Short 10x at 100: 100 * 1.1 / 1.005 = 109.45273632...
    assert liquidation_price(SELL, D(100), D(10)) == D("109.45273632")
    # Without maintenance margin a 50x long dies after exactly a 2 % fall.
    assert liquidation_price(BUY, D(50000), D(50), D(0)) == D(49000)


def test_a_sound_long_with_two_targets():
    plan = TradePlan("ARB/USDT", BUY, D("0.78"), D("0.74"), (D("0.85"), D("0.92")), amount=D(1000))
    review = review_trade(plan, D("0.78"), atr_value=D("0.02"), atr_timeframe="1d")
    assert review.stop_distance_percent == D("5.13")  # 0.04 / 0.78
    assert review.stop_distance_atr == D("2.00")
    assert [t.reward_to_risk for t in review.targets] == [D("1.75"), D("3.50")]
    assert [t.move_percent for t in review.targets] == [D("8.97"), D("17.95")]
    assert [t.profit for t in review.targets] == [D("70.00000000"), D("140.00000000")]
    assert review.loss_at_stop == D("40.00000000") and review.position_value == D("780.00000000")
    assert review.liquidation is None and review.leverage == 1
    assert review.warnings == () and review.verdict is Verdict.REASONABLE


def test_leverage_liquidation_and_loss_of_margin():
    # "10x long on ltc at 88, sl 84": liquidation 88 * 0.9 / 0.995 = 79.5979...
    plan = TradePlan("LTC/USDT", BUY, D(88), D(84), leverage=D(10), amount=D(2))
    review = review_trade(plan, D(88))
    assert review.liquidation == Liquidation(D("79.59798995"), D("9.55"), D("0.005"))
    assert review.stop_distance_percent == D("4.55")
    assert review.loss_at_stop_percent_of_margin == D("45.50")
    assert review.margin == D("17.60000000") and review.loss_at_stop == D("8.00000000")
    assert review.verdict is Verdict.REASONABLE


def test_a_stop_beyond_the_liquidation_price_is_poor():
    # 20x long at 100 liquidates near 95.48; a stop at 94 never gets the chance.
    review = review_trade(TradePlan("SOL/USDT", BUY, D(100), D(94), leverage=D(20)), D(100))
    assert review.liquidation.price == D("95.47738693")
    assert TradeWarning.STOP_BEYOND_LIQUIDATION in review.warnings
    assert review.verdict is Verdict.POOR


def test_a_stop_on_the_wrong_side_is_poor_and_gives_no_ratios():
    review = review_trade(TradePlan("ETH/USDT", SELL, D(3900), D(3800), (D(3500),)), D(3900))
    assert review.warnings[0] is TradeWarning.STOP_WRONG_SIDE
    assert review.targets[0].reward_to_risk is None and review.stop_distance_percent is None
    assert review.verdict is Verdict.POOR


def test_targets_paying_less_than_the_stop_costs():
    # Risk 10; first target pays 5 (0.5 R), the second 15 (1.5 R): a warning, not a fail.
    mixed = review_trade(TradePlan("BTC/USDT", BUY, D(100), D(90), (D(105), D(115))), D(100))
    assert TradeWarning.LOW_REWARD_RISK in mixed.warnings and mixed.verdict is Verdict.RISKY
    poor = review_trade(TradePlan("BTC/USDT", BUY, D(100), D(90), (D(105),)), D(100))
    assert poor.verdict is Verdict.POOR


def test_a_50x_short_without_a_stop():
    review = review_trade(TradePlan("BTC/USDT", SELL, leverage=D(50)), D(60000))
    assert review.liquidation.price == D("60895.52238806")  # 60000 * 1.02 / 1.005
    assert review.liquidation.distance_percent == D("1.49")
    assert review.warnings == (TradeWarning.NO_STOP, TradeWarning.HIGH_LEVERAGE)
    assert review.verdict is Verdict.POOR
    assert review.entry_is_market


def test_the_side_is_read_from_the_stop_or_target_when_not_given():
    assert review_trade(TradePlan("X/USDT", entry=D(10), stop_loss=D(11)), D(10)).side is SELL
    assert review_trade(TradePlan("X/USDT", entry=D(10), take_profits=(D(12),)), D(10)).side is BUY
    bare = review_trade(TradePlan("SHIB/USDT", entry=D("0.0000095")), D("0.0000095"))
    assert bare.side is BUY and bare.side_inferred


def test_a_stop_inside_half_an_atr_is_flagged():
    review = review_trade(TradePlan("X/USDT", BUY, D(100), D(99), (D(103),)), D(100), atr_value=D(4))
    assert review.stop_distance_atr == D("0.25")
    assert review.warnings == (TradeWarning.STOP_WITHIN_NOISE,) and review.verdict is Verdict.RISKY


async def test_the_service_uses_the_current_price_and_the_daily_atr():
    # Every daily candle spans 4 (high - low) with no gaps, so the ATR is exactly 4.
    market = ScriptedMarket({"SOL/USDT": [D(100)] * 60}, candle_range=D(4))
    review = await TradeReviewService(market).review(TradePlan("SOL/USDT", BUY, stop_loss=D(94)))
    assert review.entry == D(100) and review.entry_is_market and review.current_price == D(100)
    assert review.atr == D(4) and review.atr_timeframe == "1d"
    assert review.stop_distance_atr == D("1.50")
