"""Paper matching rules against hand-computed fills, fees, slippage and locked funds.

Market: BTC/USDT, prices to 0.01, amounts to 0.00001, maker 0.08 %, taker 0.1 %; slippage 0.05 %.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import InsufficientFunds
from domain.exchanges.paper import PaperEngine
from domain.models import Balance, Market, Order, Wallet

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
BTC = Market("BTC/USDT", "BTC", "USDT", price_precision=2, amount_precision=5, min_amount=D("0.00001"),
             maker_fee=D("0.0008"), taker_fee=D("0.001"))
engine = PaperEngine(slippage_percent=D("0.05"))


def wallet(usdt: str = "10000", btc: str = "0") -> Wallet:
    return {"USDT": Balance("USDT", D(usdt)), "BTC": Balance("BTC", D(btc))}


def order(side: OrderSide, order_type: OrderType, quantity: str, **prices: str) -> Order:
    return Order(
        id=uuid.uuid4(), user_id=uuid.uuid4(), portfolio_id=uuid.uuid4(), symbol="BTC/USDT", side=side,
        order_type=order_type, quantity=D(quantity), client_order_id="t-1", created_at=AT,
        **{name: D(value) for name, value in prices.items()},
    )


def assert_locked_matches_reserves(w: Wallet, *orders: Order) -> None:
    expected = {"USDT": D(0), "BTC": D(0)}
    for o in orders:
        asset, amount = engine.reserve(o, BTC)
        expected[asset] += amount
    assert {a: b.locked for a, b in w.items()} == expected


def test_market_buy_fills_at_slipped_price_with_taker_fee():
    w, o = wallet(), order(OrderSide.BUY, OrderType.MARKET, "0.1")
    [fill] = engine.submit(o, BTC, w, D("50000"), AT)
    assert (fill.price, fill.fee, fill.is_maker) == (D("50025.00"), D("5.0025"), False)
    assert o.status is OrderStatus.FILLED and o.average_fill_price == D("50025")
    assert w["USDT"].free == D("4992.4975") and w["BTC"].free == D("0.1")


def test_market_sell_slips_down_and_pays_fee_from_proceeds():
    w = wallet(usdt="0", btc="0.1")
    [fill] = engine.submit(order(OrderSide.SELL, OrderType.MARKET, "0.1"), BTC, w, D("51000"), AT)
    assert (fill.price, fill.fee) == (D("50974.50"), D("5.097450"))
    assert w["USDT"].free == D("5092.352550") and w["BTC"].free == D("0")


def test_market_buy_beyond_balance_is_refused_untouched():
    w, o = wallet(), order(OrderSide.BUY, OrderType.MARKET, "0.2")
    with pytest.raises(InsufficientFunds, match="USDT"):
        engine.submit(o, BTC, w, D("50000"), AT)
    assert o.status is OrderStatus.PENDING and o.filled_quantity == 0
    assert w["USDT"] == Balance("USDT", D("10000"))


def test_limit_buy_locks_funds_and_fills_as_maker_when_crossed():
    w, o = wallet(), order(OrderSide.BUY, OrderType.LIMIT, "0.2", price="49000")
    assert engine.submit(o, BTC, w, D("50000"), AT) == []
    assert o.status is OrderStatus.OPEN
    # 0.2 * 49,000 * (1 + 0.1 % worst-case fee)
    assert (w["USDT"].free, w["USDT"].locked) == (D("190.2"), D("9809.8"))
    assert engine.on_price(o, BTC, w, D("49500"), AT) == []
    [fill] = engine.on_price(o, BTC, w, D("48800"), AT)
    assert (fill.price, fill.fee, fill.is_maker) == (D("49000"), D("7.8400"), True)
    assert o.status is OrderStatus.FILLED
    assert (w["USDT"].free, w["USDT"].locked, w["BTC"].free) == (D("192.16"), D("0"), D("0.2"))


def test_marketable_limit_fills_at_once_as_taker_at_the_better_price():
    w, o = wallet(), order(OrderSide.BUY, OrderType.LIMIT, "0.1", price="51000")
    [fill] = engine.submit(o, BTC, w, D("50000"), AT)
    assert (fill.price, fill.is_maker) == (D("50025.00"), False)
    assert w["USDT"].locked == 0 and w["USDT"].free == D("4992.4975")


def test_partial_fill_then_partial_cancel_then_cancel_releases_exactly_the_rest():
    w, o = wallet(), order(OrderSide.BUY, OrderType.LIMIT, "0.2", price="49000")
    engine.submit(o, BTC, w, D("50000"), AT)
    [fill] = engine.on_price(o, BTC, w, D("48900"), AT, liquidity=D("0.05"))
    assert (fill.quantity, fill.fee) == (D("0.05"), D("1.9600"))
    assert o.status is OrderStatus.PARTIALLY_FILLED and o.remaining == D("0.15")
    assert (w["USDT"].free, w["USDT"].locked) == (D("190.69"), D("7357.35"))
    assert_locked_matches_reserves(w, o)

    engine.cancel(o, BTC, w, AT, quantity=D("0.05"))
    assert o.status is OrderStatus.PARTIALLY_FILLED and (o.quantity, o.remaining) == (D("0.15"), D("0.10"))
    assert w["USDT"].locked == D("4904.90")
    assert_locked_matches_reserves(w, o)

    engine.cancel(o, BTC, w, AT)
    assert o.status is OrderStatus.CANCELLED and o.filled_quantity == D("0.05")
    assert (w["USDT"].free, w["USDT"].locked) == (D("7548.04"), D("0"))


def test_stop_sell_triggers_when_price_falls_through_it():
    w, o = wallet(usdt="0", btc="0.1"), order(OrderSide.SELL, OrderType.STOP, "0.1", stop_price="48000")
    assert engine.submit(o, BTC, w, D("50000"), AT) == []
    assert (w["BTC"].free, w["BTC"].locked) == (D("0"), D("0.1"))
    assert engine.on_price(o, BTC, w, D("48500"), AT) == []
    [fill] = engine.on_price(o, BTC, w, D("47900"), AT)
    assert (fill.price, fill.fee) == (D("47876.05"), D("4.787605"))
    assert w["USDT"].free == D("4782.817395") and w["BTC"].total == 0


def test_trailing_sell_follows_the_high_and_triggers_on_the_retrace():
    w, o = wallet(usdt="0", btc="0.1"), order(OrderSide.SELL, OrderType.TRAILING_STOP, "0.1", trailing_percent="3")
    engine.submit(o, BTC, w, D("50000"), AT)
    assert o.stop_price == D("48500.00")
    engine.on_price(o, BTC, w, D("52000"), AT)
    assert o.stop_price == D("50440.00")
    assert engine.on_price(o, BTC, w, D("51000"), AT) == []
    assert o.stop_price == D("50440.00")  # a trailing stop never moves back
    [fill] = engine.on_price(o, BTC, w, D("50400"), AT)
    assert fill.price == D("50374.80") and o.status is OrderStatus.FILLED
    assert w["USDT"].free == D("5032.442520")


def test_trailing_buy_lowers_its_trigger_and_releases_the_difference():
    w, o = wallet(), order(OrderSide.BUY, OrderType.TRAILING_STOP, "0.1", trailing_percent="2")
    engine.submit(o, BTC, w, D("50000"), AT)
    # trigger 51,000, locked at trigger + slippage + worst fee: 0.1 * 51,025.5 * 1.001
    assert (o.stop_price, w["USDT"].locked) == (D("51000.00"), D("5107.65255"))
    engine.on_price(o, BTC, w, D("48000"), AT)
    assert (o.stop_price, w["USDT"].locked) == (D("48960.00"), D("4903.346448"))
    [fill] = engine.on_price(o, BTC, w, D("49000"), AT)
    assert fill.price == D("49024.50")
    assert (w["USDT"].free, w["USDT"].locked, w["BTC"].free) == (D("5092.64755"), D("0"), D("0.1"))


def test_stop_limit_triggered_through_a_gap_rests_as_a_limit():
    w, o = wallet(usdt="0", btc="0.1"), order(OrderSide.SELL, OrderType.STOP_LIMIT, "0.1", stop_price="48000", price="47900")
    engine.submit(o, BTC, w, D("50000"), AT)
    assert engine.on_price(o, BTC, w, D("47000"), AT) == []
    assert o.triggered_at == AT and o.status is OrderStatus.OPEN
    [fill] = engine.on_price(o, BTC, w, D("47950"), AT)
    assert (fill.price, fill.is_maker) == (D("47900"), True)


def test_stop_limit_triggered_inside_its_limit_fills_at_once_as_taker():
    w, o = wallet(), order(OrderSide.BUY, OrderType.STOP_LIMIT, "0.1", stop_price="51000", price="51200")
    engine.submit(o, BTC, w, D("50000"), AT)
    [fill] = engine.on_price(o, BTC, w, D("51100"), AT)
    assert (fill.price, fill.is_maker) == (D("51125.55"), False)
    assert w["USDT"].locked == 0


def test_stop_buy_gapping_past_the_locked_funds_fills_what_it_can_and_expires():
    w, o = wallet(usdt="1000"), order(OrderSide.BUY, OrderType.STOP, "0.019", stop_price="50000")
    engine.submit(o, BTC, w, D("49000"), AT)
    assert w["USDT"].locked == D("951.425475")
    [fill] = engine.on_price(o, BTC, w, D("60000"), AT)
    assert (fill.quantity, fill.price) == (D("0.00485"), D("60030.00"))
    assert o.status is OrderStatus.EXPIRED and o.filled_quantity == D("0.00485")
    assert w["USDT"].locked == 0 and w["USDT"].free == D("1000") - D("291.4366455")


def test_limit_order_beyond_balance_cannot_lock():
    w, o = wallet(usdt="100"), order(OrderSide.BUY, OrderType.LIMIT, "0.01", price="49000")
    with pytest.raises(InsufficientFunds):
        engine.submit(o, BTC, w, D("50000"), AT)
    assert o.status is OrderStatus.PENDING and w["USDT"] == Balance("USDT", D("100"))


def test_locked_funds_match_reserves_across_many_orders():
    w = wallet(usdt="100000", btc="1")
    orders = [
        order(OrderSide.BUY, OrderType.LIMIT, "0.3", price="48000"),
        order(OrderSide.BUY, OrderType.TRAILING_STOP, "0.2", trailing_percent="1.5"),
        order(OrderSide.SELL, OrderType.LIMIT, "0.4", price="53000"),
        order(OrderSide.SELL, OrderType.STOP, "0.5", stop_price="47000"),
    ]
    for o in orders:
        engine.submit(o, BTC, w, D("50000"), AT)
    for price in ("49000", "47900", "46000", "52000", "53500"):
        for o in orders:
            engine.on_price(o, BTC, w, D(price), AT, liquidity=D("0.25"))
        assert_locked_matches_reserves(w, *orders)
    assert all(b.free >= 0 and b.locked >= 0 for b in w.values())
