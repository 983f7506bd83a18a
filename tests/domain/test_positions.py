"""Position and order bookkeeping: weighted entry, realized PnL net of fees, lifecycle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide, OrderStatus, OrderType, PositionStatus
from domain.models import Fill, Order, Position

AT = datetime(2026, 1, 5, tzinfo=UTC)


def fill(side: OrderSide, quantity: str, price: str, fee: str) -> Fill:
    return Fill(uuid.uuid4(), "t", side, D(quantity), D(price), D(fee), "USDT", False, AT)


def test_position_weights_entries_and_realizes_fees_as_paid():
    position = Position(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "BTC/USDT", AT)
    assert position.apply_fill(fill(OrderSide.BUY, "0.1", "50000", "5")) == D(-5)
    position.apply_fill(fill(OrderSide.BUY, "0.1", "52000", "5.2"))
    assert (position.entry_price, position.quantity, position.realized_pnl) == (D("51000"), D("0.2"), D("-10.2"))

    assert position.apply_fill(fill(OrderSide.SELL, "0.15", "53000", "7.95")) == D("292.05")
    assert (position.status, position.quantity, position.exit_price) == (PositionStatus.PARTIALLY_CLOSED, D("0.05"), D("53000"))
    position.mark(D("54000"))
    assert position.unrealized_pnl == D("150")

    position.apply_fill(fill(OrderSide.SELL, "0.05", "52000", "2.6"))
    assert (position.status, position.closed_at, position.exit_price) == (PositionStatus.CLOSED, AT, D("52750"))
    assert (position.realized_pnl, position.fees, position.unrealized_pnl) == (D("329.25"), D("20.75"), D(0))


def test_a_position_cannot_sell_more_than_it_holds():
    position = Position(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "BTC/USDT", AT)
    position.apply_fill(fill(OrderSide.BUY, "0.1", "50000", "5"))
    with pytest.raises(ValueError):
        position.apply_fill(fill(OrderSide.SELL, "0.2", "50000", "5"))


def test_order_lifecycle_through_fills_and_partial_cancel():
    order = Order(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "BTC/USDT", OrderSide.BUY, OrderType.LIMIT, D("1"), "c", AT,
                  status=OrderStatus.OPEN, price=D("100"))
    order.record_fill(fill(OrderSide.BUY, "0.25", "100", "0.1"))
    order.record_fill(fill(OrderSide.BUY, "0.25", "98", "0.1"))
    assert (order.status, order.average_fill_price, order.fee) == (OrderStatus.PARTIALLY_FILLED, D("99"), D("0.2"))
    order.reduce(D("0.25"), AT)
    assert (order.quantity, order.remaining, order.status) == (D("0.75"), D("0.25"), OrderStatus.PARTIALLY_FILLED)
    with pytest.raises(ValueError):
        order.record_fill(fill(OrderSide.BUY, "0.5", "100", "0"))
    order.reduce(D("0.25"), AT)
    assert order.status is OrderStatus.CANCELLED and not order.is_open
