"""The validation card's figures and warnings, on plain values."""

from __future__ import annotations

from decimal import Decimal

from domain.signal_check import check_signal
from domain.signal_trade import ExecutionSettings
from domain.signals import TradeSignal

D = Decimal


def _check(entities: dict, price: str | None, **settings) -> object:
    signal = TradeSignal.from_entities({"symbol": "BTC/USDT", **entities})
    return check_signal(signal, ExecutionSettings(**settings), None if price is None else D(price), expiry_hours=48,
                        cross_wallet=D(10000))


def test_figures_of_a_clean_long():
    check = _check({"side": "buy", "entries": [61000, 61500], "take_profits": [62500, 63500], "stop_loss": 60200,
                    "leverage": 10}, "61200")
    assert check.zone == "inside" and check.reference_entry == D(61500)
    # From 61,500: TP1 +1,000 against a 1,300 risk = 0.77; TP2 2,000 / 1,300 = 1.54; stop 2.11 % away.
    assert [round(r, 2) for r in check.reward_risk] == [D("0.77"), D("1.54")]
    assert round(check.stop_distance_percent, 2) == D("2.11")
    # 100 USDT x 10 at 61,500 isolated: LP = (100 - 999.99...) / (0.0162601 x 0.004 - 0.0162601) = 55,572.29
    assert check.leverage == 10 and round(check.liquidation_price, 0) == D(55572) and not check.stop_beyond_liquidation
    assert check.warnings == ()


def test_warnings_for_a_messy_post_far_from_the_market():
    check = _check({"side": "buy", "entries": [61000], "take_profits": [63500, 62500], "stop_loss": 62000,
                    "leverage": 50}, "70000", max_leverage=D(20))
    assert check.zone == "above" and round(check.zone_distance_percent, 2) == D("14.75")
    text = " ".join(map(str, check.warnings))
    # Same precision as the card's "14.75% above the zone": one figure, one way of writing it.
    for fragment in ("14.75% from the market", "wrong side of the entry for a long", "out of order",
                     "Leverage capped at 20x"):
        assert fragment in text, fragment


def test_an_unlisted_pair_and_a_spot_short_are_called_out():
    check = _check({"side": "sell", "entries": [1], "take_profits": [0.9], "stop_loss": 1.1, "market_type": "spot"}, None)
    assert not check.pair_found
    assert any("not listed" in str(w) for w in check.warnings) and any("spot short" in str(w) for w in check.warnings)
