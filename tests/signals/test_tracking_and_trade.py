"""The tracking state machine and the signal trade book, on plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.enums import OrderSide
from domain.errors import InvalidOrder
from domain.futures import MarginMode, MarketType
from domain.models import Balance, Market
from domain.signal_trade import ExecutionSettings, LegKind, plan_trade, target_shares
from domain.signals import SignalEventKind, SignalState, Track, TrackingRules, TradeSignal, advance, result_r

D = Decimal
T0 = datetime(2026, 11, 30, 12, tzinfo=UTC)
LONG = TradeSignal.from_entities({"symbol": "BTC/USDT", "side": "buy", "entries": [61000, 61500],
                                  "take_profits": [62500, 63500, 65000], "stop_loss": 60200, "leverage": 10})
SHORT = TradeSignal.from_entities({"symbol": "ETH/USDT", "side": "sell", "entries": [3000, 3020],
                                   "take_profits": [2900, 2800, 2700], "stop_loss": 3100, "leverage": 5})
BTC = Market("BTC/USDT", "BTC", "USDT", 2, 5, D("0.00001"))
ETH = Market("ETH/USDT", "ETH", "USDT", 2, 4, D("0.0001"))


def _track(signal: TradeSignal) -> Track:
    return Track(stop=signal.stop_loss, valid_until=T0 + timedelta(hours=48))


def test_targets_far_from_an_unreached_entry_count_for_nothing():
    track = _track(LONG)
    # The price is already above every target: the entry zone was never reached.
    assert advance(LONG, track, D(99600), T0, TrackingRules()) == []
    assert track.state == SignalState.WAITING and track.targets_hit == 0


def test_long_enters_then_tp1_moves_the_stop_to_entry_then_tp2_then_the_stop():
    track, rules = _track(LONG), TrackingRules(move_stop_to_entry_after_tp1=True)
    [entered] = advance(LONG, track, D(61400), T0, rules)
    assert entered.kind is SignalEventKind.ENTERED and track.entry_price == D(61500)  # the zone's top edge
    [tp1] = advance(LONG, track, D(62600), T0, rules)
    assert tp1.target_index == 1 and tp1.new_stop == D(61500) and track.stop == D(61500) and track.state == "tp1"
    assert advance(LONG, track, D(62600), T0, rules) == []  # the same price again: nothing new
    [tp2] = advance(LONG, track, D(63500), T0, rules)
    assert tp2.target_index == 2 and track.state == "tp2"
    [stop] = advance(LONG, track, D(61400), T0, rules)
    assert stop.kind is SignalEventKind.STOP_HIT and stop.price == D(61400)  # stop-market: the worse price
    assert track.state == SignalState.CLOSED and track.outcome == "breakeven"
    assert advance(LONG, track, D(70000), T0, rules) == []


def test_short_mirrors_and_trailing_follows_one_target_behind():
    track, rules = _track(SHORT), TrackingRules(move_stop_to_entry_after_tp1=False, trail_after_target=2)
    assert [e.kind for e in advance(SHORT, track, D(3010), T0, rules)] == [SignalEventKind.ENTERED]
    assert track.entry_price == D(3000)
    [tp1] = advance(SHORT, track, D(2900), T0, rules)
    assert tp1.new_stop is None and track.stop == D(3100)  # trailing starts at TP2, breakeven is off
    [tp2] = advance(SHORT, track, D(2790), T0, rules)
    assert tp2.target_index == 2 and track.stop == D(2900)
    [tp3] = advance(SHORT, track, D(2650), T0, rules)
    assert tp3.target_index == 3 and track.state == SignalState.CLOSED and track.outcome == "all_targets"
    # From 3000 to 2700 is a 10 % move; the risk to 3100 was 3.33 %: 3R.
    assert round(result_r(SHORT, track, D(2700)), 2) == D("3.00")


def test_an_entry_never_reached_expires():
    track = _track(LONG)
    assert advance(LONG, track, D(64000), T0 + timedelta(hours=47), TrackingRules()) == []
    [expired] = advance(LONG, track, D(64000), T0 + timedelta(hours=48), TrackingRules())
    assert expired.kind is SignalEventKind.EXPIRED and track.state == SignalState.EXPIRED


def test_target_split_fits_the_number_of_targets():
    assert target_shares(3, ()) == [D(100) / 3] * 3
    assert target_shares(3, (D(50), D(30), D(20))) == [D(50), D(30), D(20)]
    assert target_shares(2, (D(50), D(30), D(20))) == [D(62.5), D(37.5)]


def _wallet(usdt: str) -> dict[str, Balance]:
    return {"USDT": Balance("USDT", D(usdt)), "BTC": Balance("BTC"), "ETH": Balance("ETH")}


def test_executed_long_futures_fills_every_target_with_the_split():
    settings = ExecutionSettings(margin_per_trade=D(100), max_leverage=D(20), target_split=(D(50), D(30), D(20)))
    trade = plan_trade(LONG, settings, BTC, D(62000))
    assert trade.market_type is MarketType.FUTURES and trade.leverage == 10 and trade.margin_mode is MarginMode.ISOLATED
    [entry] = trade.legs_of(LegKind.ENTRY)
    assert entry.price == D(61500) and entry.quantity == D("0.01626")  # 1,000 USDT of notional
    assert [t.quantity for t in trade.legs_of(LegKind.TARGET)] == [D("0.00813"), D("0.00487"), D("0.00325")]
    wallet = _wallet("1000")
    entry.reserved = trade.reserve_for(entry, entry.price)
    wallet["USDT"].lock(entry.reserved)
    [opened] = trade.on_price(D(61400), T0, wallet)
    # Margin 0.01626 x 61,500 / 10 = 99.999; maker fee 0.02 % of 999.99 = 0.199998.
    assert trade.margin == D("99.999") and opened.fee == D("0.199998")
    assert wallet["USDT"].locked == D("99.999") and wallet["USDT"].free == D("1000") - D("99.999") - D("0.199998")
    [tp1] = trade.on_price(D(62500), T0, wallet)
    # 0.00813 x (62,500 - 61,500) = 8.13 profit, fee 0.00813 x 62,500 x 0.0002 = 0.101625
    assert tp1.quantity == D("0.00813") and tp1.realized == D("8.13") - D("0.101625")
    trade.move_stop(D(61500))
    trade.on_price(D(63500), T0, wallet)
    [stop] = trade.on_price(D(61500), T0, wallet)
    assert stop.quantity == D("0.00326") and stop.realized == -stop.fee and trade.closed
    assert wallet["USDT"].locked == 0
    assert wallet["USDT"].free == D(1000) + trade.realized_pnl


def test_short_spot_is_refused_and_a_stop_beyond_liquidation_is_liquidated_first():
    with pytest.raises(InvalidOrder):
        plan_trade(TradeSignal("ETH/USDT", OrderSide.SELL, (D(3000),), market_type="spot"), ExecutionSettings(), ETH, D(3000))
    wide = TradeSignal.from_entities({"symbol": "BTC/USDT", "side": "sell", "entries": [60000], "take_profits": [58000],
                                      "stop_loss": 70000, "leverage": 20})
    trade = plan_trade(wide, ExecutionSettings(margin_per_trade=D(300), max_leverage=D(20)), BTC, D(60000))
    wallet = _wallet("1000")
    trade.on_price(D(60000), T0, wallet)
    # Short 0.1 BTC at 60,000 with 300 margin: LP = (300 + 0 + 6,000) / (0.1 x 0.004 + 0.1) = 62,749.0040
    assert round(trade.liquidation_price, 2) == D("62749.00")
    assert trade.on_price(D(62700), T0, wallet) == []
    [liquidation] = trade.on_price(D(62800), T0, wallet)
    assert liquidation.price == trade.liquidation_price and liquidation.realized == D(-300) and trade.liquidated
    assert wallet["USDT"].locked == 0 and wallet["USDT"].free == D(1000) - D(300) - D("1.2")  # minus the entry fee
