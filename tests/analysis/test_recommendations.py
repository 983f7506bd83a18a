"""Stance rules on hand-made snapshots, DCA arithmetic, switching, and the strategy templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from domain.services.market_overview import SymbolSnapshot, Trend
from domain.services.recommendations import (
    NOT_FINANCIAL_ADVICE,
    DcaPeriod,
    InvalidPlan,
    RecommendationService,
    Stance,
    StrategyKind,
    SwitchLeaning,
    build_dca_plan,
    buy_dates,
    compare_switch,
    grid_levels,
    range_levels,
    recommend,
    v_shaped_path,
)
from tests.analysis.market import ScriptedMarket, line

# An uptrend at 110 between support 100 and resistance 120, RSI 55, ATR 2.
BASE = SymbolSnapshot(
    symbol="SOL/USDT", last_price=D(110), period="30d", change_percent=D(8), volatility_percent=D(3),
    rsi=D(55), trend=Trend.UP, ema_periods=(50, 200), ema_fast=D(105), ema_slow=D(95), atr=D(2),
    support=D(100), resistance=D(120), range_low=D(100), range_high=D(120),
)


def test_an_uptrend_mid_range_is_a_hold_invalidated_below_support_minus_an_atr():
    view = recommend(BASE)
    assert view.stance is Stance.HOLD
    assert (view.invalidation_price, view.invalidated_on_close) == (D(98), "below")
    assert str(view.reasons[0]).startswith("Uptrend")
    assert "9.09% above support at 100" in str(view.reasons[2])  # (110 - 100) / 110
    assert view.disclaimer == NOT_FINANCIAL_ADVICE and "not financial advice" in view.disclaimer


def test_overbought_or_at_resistance_takes_partial_profit_until_a_breakout():
    for snapshot in (replace(BASE, rsi=D(74)), replace(BASE, last_price=D(117))):
        view = recommend(snapshot)
        assert view.stance is Stance.TAKE_PARTIAL_PROFIT
        assert (view.invalidation_price, view.invalidated_on_close) == (D(122), "above")


def test_a_pullback_in_an_uptrend_or_support_in_a_range_is_accumulation():
    assert recommend(replace(BASE, rsi=D(42))).stance is Stance.ACCUMULATE
    at_support = replace(BASE, trend=Trend.SIDEWAYS, last_price=D(102))
    assert recommend(at_support).stance is Stance.ACCUMULATE
    # The same RSI without an uptrend is merely neutral.
    assert recommend(replace(BASE, trend=Trend.SIDEWAYS, rsi=D(42))).stance is Stance.HOLD


def test_a_downtrend_waits_for_price_to_reclaim_the_fast_average_even_when_oversold():
    view = recommend(replace(BASE, trend=Trend.DOWN, last_price=D(101), rsi=D(25)))
    assert view.stance is Stance.WAIT
    assert (view.invalidation_price, view.invalidated_on_close) == (D(105), "above")
    assert "oversold" in str(view.reasons[1])


def test_buy_dates_per_period_clamp_month_ends():
    assert buy_dates(date(2025, 1, 31), DcaPeriod.MONTHLY, 4) == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert buy_dates(date(2025, 12, 15), DcaPeriod.MONTHLY, 2)[1] == date(2026, 1, 15)
    assert buy_dates(date(2025, 3, 3), DcaPeriod.BIWEEKLY, 3)[2] == date(2025, 3, 31)


def test_a_flat_dca_plan_costs_todays_price():
    plan = build_dca_plan("SOL/USDT", D(100), DcaPeriod.WEEKLY, 12, date(2025, 3, 10), D(150))
    assert len(plan.flat.buys) == 12 and plan.flat.buys[-1].on == date(2025, 5, 26)
    assert plan.flat.total_invested == D(1200) and plan.flat.average_cost == D(150)
    assert plan.flat.total_quantity == D(8) and plan.flat.buys[0].quantity == D("0.66666667")


def test_the_dip_variant_lowers_the_average_cost_on_a_dip_and_back():
    # Level 10 % below 100 = 90; the scenario dips to 80: prices 100, 80, 100.
    plan = build_dca_plan("X/USDT", D(100), DcaPeriod.WEEKLY, 3, date(2025, 3, 10), D(100))
    variant = plan.dip_variant
    assert (variant.level, variant.scenario_low, variant.max_total) == (D(90), D(80), D(600))
    assert [b.price for b in variant.scenario_plain.buys] == [D(100), D(80), D(100)]
    # Plain: 300 buys 1 + 1.25 + 1 = 3.25 coins -> 92.31. Doubling below 90: 400 buys 4.5 -> 88.89.
    assert variant.scenario_plain.average_cost == D("92.30769231")
    assert [b.quote_amount for b in variant.scenario_with_dips.buys] == [D(100), D(200), D(100)]
    assert variant.scenario_with_dips.total_invested == D(400)
    assert variant.scenario_with_dips.average_cost == D("88.88888889")


def test_a_plan_without_money_or_buys_is_refused_with_a_message():
    for amount, buys in ((D(0), 4), (D(50), 0)):
        with pytest.raises(InvalidPlan) as refused:
            build_dca_plan("X/USDT", amount, DcaPeriod.WEEKLY, buys, date(2025, 3, 10), D(100))
        assert "positive amount" in refused.value.user_message


def test_the_v_shaped_path_falls_evenly_and_comes_back():
    assert v_shaped_path(D(100), D(80), 5) == [D(100), D(90), D(80), D(90), D(100)]
    assert v_shaped_path(D(100), D(80), 1) == [D(100)]


def test_switching_to_a_stronger_trend_with_wilder_swings():
    current = recommend(replace(BASE, trend=Trend.SIDEWAYS, change_percent=D(5)))
    candidate = recommend(replace(BASE, symbol="SUI/USDT", change_percent=D(15), volatility_percent=D(6)))
    switch = compare_switch(current, candidate)
    # One trend rank better plus 10 points of outperformance: an edge of 2.
    assert switch.leaning is SwitchLeaning.CANDIDATE_STRONGER
    assert (switch.relative_strength_percent, switch.volatility_ratio) == (D("10.00"), D("2.00"))
    assert any("raises your risk" in str(reason) for reason in switch.reasons)
    reverse = compare_switch(candidate, current)
    assert reverse.leaning is SwitchLeaning.CURRENT_STRONGER
    assert compare_switch(current, current).leaning is SwitchLeaning.NO_CLEAR_EDGE


def test_grid_and_range_levels_by_hand():
    grid = grid_levels(D(100), D(120), D(1000))
    assert grid.lines == tuple(D(100 + 2 * i) for i in range(11))
    assert (grid.step, grid.step_percent, grid.quote_per_grid) == (D(2), D("1.82"), D(100))  # 2 / 110
    levels = range_levels(D(100), D(120), D(2))
    # Buy below 105, sell above 115, stop 98: reward 10 for risk 7.
    assert (levels.buy_below, levels.sell_above, levels.stop_loss, levels.reward_to_risk) == (
        D(105), D(115), D(98), D("1.43"))


async def test_the_service_reads_the_view_from_daily_candles():
    market = ScriptedMarket({"ETH/USDT": line(1000, 10, 250)}, candle_range=D(4))
    view = await RecommendationService(market).view("ETH/USDT")
    # A straight climb: uptrend, RSI 100, at the 30-day high -> take partial profit.
    assert view.snapshot.trend is Trend.UP and view.snapshot.rsi == D(100)
    assert view.stance is Stance.TAKE_PARTIAL_PROFIT
    assert view.invalidation_price == view.snapshot.resistance + view.snapshot.atr
    assert view.snapshot.change_percent == D("9.40")  # 3490 against 3190


async def test_the_service_plans_from_the_current_price_and_splits_capital_over_templates():
    market = ScriptedMarket({"BTC/USDT": line(60000, 100, 250)}, candle_range=D(200))
    service = RecommendationService(market, today=lambda: date(2025, 3, 10))
    plan = await service.dca_plan("BTC/USDT", D(50), DcaPeriod.DAILY, 4)
    assert plan.current_price == D(84900) and plan.flat.buys[-1].on == date(2025, 3, 13)

    ideas = await service.strategies(D(500))
    assert ideas.symbol == "BTC/USDT" and [t.kind for t in ideas.templates] == list(StrategyKind)
    assert ideas.dca.amount_per_buy == D(50) and len(ideas.dca.flat.buys) == 10
    assert ideas.grid.quote_per_grid == D(50)
    assert (ideas.grid.lower, ideas.grid.upper) == (ideas.snapshot.range_low, ideas.snapshot.range_high)
    assert (await service.strategies()).dca is None


async def test_screening_puts_accumulation_candidates_first():
    market = ScriptedMarket({
        "HOT/USDT": line(100, 1, 250),  # straight up to its high: take partial profit
        "DIP/USDT": line(100, 1, 240) + line(336, -2, 10),  # uptrend pulled back: accumulate
        "SINK/USDT": line(400, -1, 250),  # downtrend: wait
    })
    screen = await RecommendationService(market).screen(["SINK/USDT", "HOT/USDT", "DIP/USDT", "GONE/USDT"])
    assert [(r.symbol, r.stance) for r in screen.recommendations] == [
        ("DIP/USDT", Stance.ACCUMULATE), ("HOT/USDT", Stance.TAKE_PARTIAL_PROFIT), ("SINK/USDT", Stance.WAIT)]
    assert [r.symbol for r in screen.to_accumulate] == ["DIP/USDT"] and screen.unavailable == ("GONE/USDT",)
