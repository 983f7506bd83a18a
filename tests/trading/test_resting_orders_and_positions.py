"""Resting orders filled by price ticks, cancels, closes and stop-loss/take-profit, on the real
database. BTC/USDT starts at 50,000; slippage 0.05 %, maker and taker fees 0.1 %."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import InvalidOrder, OrderNotFound
from domain.models import OrderRequest


async def place(trading, user, request):
    async with trading.unit() as uow:
        p = await trading.orders.preview(uow, user, request)
    async with trading.unit() as uow:
        return await trading.orders.confirm(uow, p.token, user)


async def tick(trading, price, volume=None, symbol="BTC/USDT"):
    trading.prices.prices[symbol] = D(price)
    async with trading.unit() as uow:
        return await trading.monitor.on_price(uow, symbol, D(price), None if volume is None else D(volume))


async def balances(trading):
    return {r["asset"]: (r["free"], r["locked"]) for r in await trading.rows("select asset, free, locked from balances")}


async def test_limit_buy_locks_funds_then_fills_on_the_tick_that_crosses_it(trading, alice):
    event = await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.1"), price=D("49000")))
    assert event.order.status is OrderStatus.OPEN and event.fills == ()
    assert await balances(trading) == {"USDT": (D("5095.1"), D("4904.9")), "BTC": (D(0), D(0))}
    assert await tick(trading, "49500") == []
    [filled] = await tick(trading, "48900")
    assert filled.actions == ("order.filled",) and filled.fills[0].price == D("49000") and filled.fills[0].is_maker
    assert await balances(trading) == {"USDT": (D("5095.1"), D(0)), "BTC": (D("0.1"), D(0))}
    assert await trading.scalar("select status from orders") == "filled"
    assert await trading.scalar("select entry_price from positions") == D("49000")


async def test_fills_are_queued_as_notifications_for_telegram_users(trading, alice):
    async with trading.session_factory() as session:
        await session.execute(text("insert into telegram_users (telegram_id, user_id, chat_id) values (42, :u, 42)"), {"u": alice})
        await session.commit()
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.1"), price=D("49000")))
    await tick(trading, "48900")
    await tick(trading, "48800")  # nothing left to fill: no second message
    [note] = await trading.rows("select notification_type, payload from notifications")
    assert note["notification_type"] == "order_fill"
    assert (note["payload"]["status"], note["payload"]["average_fill_price"]) == ("filled", "49000.00000000")


async def test_partial_fill_by_tick_volume_then_partial_and_full_cancel(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.2"), price=D("49000")))
    [event] = await tick(trading, "48900", volume="0.05")
    assert event.order.status is OrderStatus.PARTIALLY_FILLED and event.order.filled_quantity == D("0.05")
    order_ref = event.order.id.hex[:8]
    async with trading.unit() as uow:
        [reduced] = await trading.changes.cancel(uow, alice, order_ref=order_ref, quantity=D("0.05"))
    assert reduced.actions == ("order.reduced",) and reduced.order.quantity == D("0.15")
    assert await balances(trading) == {"USDT": (D("2642.65"), D("4904.90")), "BTC": (D("0.05"), D(0))}
    async with trading.unit() as uow:
        [cancelled] = await trading.changes.cancel(uow, alice, symbol="BTC/USDT")
    assert cancelled.order.status is OrderStatus.CANCELLED
    assert await balances(trading) == {"USDT": (D("7547.55"), D(0)), "BTC": (D("0.05"), D(0))}
    actions = [r["action"] for r in await trading.rows("select action from audit_logs where entity_type = 'order' order by created_at")]
    assert actions.count("order.reduced") == 1 and actions.count("order.cancelled") == 1
    with pytest.raises(OrderNotFound):
        async with trading.unit() as uow:
            await trading.changes.cancel(uow, alice, symbol="BTC/USDT")


async def test_trailing_stop_moves_with_the_high_in_the_database_and_sells_on_the_retrace(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.SELL, OrderType.TRAILING_STOP, amount=D("0.1"),
                                             trailing_percent=D("3")))
    assert await trading.scalar("select stop_price from orders where type = 'trailing_stop'") == D("48500")
    assert await tick(trading, "52000") == []  # the trigger moved; nothing to tell the user
    assert await trading.scalar("select stop_price from orders where type = 'trailing_stop'") == D("50440")
    assert await tick(trading, "51000") == []
    [event] = await tick(trading, "50400")
    assert event.fills[0].price == D("50374.80") and event.position is not None and not event.position.is_open
    assert event.realized_pnl == D("34.98") - D("5.03748")
    position = (await trading.rows("select status, realized_pnl from positions"))[0]
    assert (position["status"], position["realized_pnl"]) == ("closed", D("-5.0025") + D("34.98") - D("5.03748"))


async def test_stop_buy_fills_when_the_price_rises_through_it(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.STOP, amount=D("0.1"), stop_price=D("51000")))
    assert await tick(trading, "50900") == []
    [event] = await tick(trading, "51100")
    assert event.fills[0].price == D("51125.55")
    assert (await balances(trading))["USDT"] == (D("10000") - D("5112.555") - D("5.112555"), D(0))


async def test_expired_order_releases_its_funds(trading, alice):
    expires = trading.clock.now + timedelta(hours=1)
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.1"),
                                             price=D("49000"), expires_at=expires))
    assert await tick(trading, "49800") == []
    trading.clock.advance(hours=1)
    [event] = await tick(trading, "49800")
    assert event.actions == ("order.expired",)
    assert await balances(trading) == {"USDT": (D("10000"), D(0)), "BTC": (D(0), D(0))}


async def test_closing_a_position_realizes_the_pnl_net_of_both_fees(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    trading.prices.prices["BTC/USDT"] = D("51000")
    async with trading.unit() as uow:
        p = await trading.orders.preview_close(uow, alice, "BTC/USDT")
    assert p.closes_position and p.amount == D("0.1") and p.side is OrderSide.SELL
    async with trading.unit() as uow:
        event = await trading.orders.confirm(uow, p.token, alice)
    assert event.fills[0].price == D("50974.50") and not event.position.is_open
    # (50,974.50 - 50,025) * 0.1 - 5.09745 sell fee - 5.0025 buy fee
    assert event.position.realized_pnl == D("84.85005")
    [portfolio] = await trading.rows("select realized_pnl, total_fees from portfolios")
    assert (portfolio["realized_pnl"], portfolio["total_fees"]) == (D("84.85005"), D("10.09995"))
    assert await balances(trading) == {"USDT": (D("10084.85005"), D(0)), "BTC": (D(0), D(0))}
    assert await trading.scalar("select action from audit_logs where entity_type = 'position' order by created_at desc limit 1") == "position.closed"


async def test_closing_half_leaves_a_partially_closed_position(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    trading.prices.prices["BTC/USDT"] = D("51000")
    async with trading.unit() as uow:
        p = await trading.orders.preview_close(uow, alice, "BTC/USDT", D("50"))
    async with trading.unit() as uow:
        event = await trading.orders.confirm(uow, p.token, alice)
    assert (event.position.status.value, event.position.quantity, event.position.exit_price) == ("partially_closed", D("0.05"), D("50974.50"))
    assert event.realized_pnl == D("44.926275")


async def test_stop_loss_closes_the_position_and_cancels_resting_sells(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1"), stop_loss=D("48000")))
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.SELL, OrderType.LIMIT, amount=D("0.1"), price=D("60000")))
    assert (await balances(trading))["BTC"] == (D(0), D("0.1"))
    [event] = await tick(trading, "47900")
    assert event.order.source is OrderSource.STOP_LOSS and event.fills[0].price == D("47876.05")
    assert event.position.realized_pnl == D("-5.0025") + (D("47876.05") - D("50025")) * D("0.1") - D("4.787605")
    assert await trading.scalar("select status from orders where price = 60000") == "cancelled"
    assert await balances(trading) == {"USDT": (D("4992.4975") + D("4787.605") - D("4.787605"), D(0)), "BTC": (D(0), D(0))}
    assert await tick(trading, "47000") == []  # closed once only


async def test_take_profit_closes_the_position(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1"), take_profit=D("55000")))
    [event] = await tick(trading, "55100")
    assert event.order.source is OrderSource.TAKE_PROFIT and not event.position.is_open


async def test_moving_the_stop_loss_of_a_position(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    async with trading.unit() as uow:
        change = await trading.changes.set_protection(uow, alice, "BTC/USDT", stop_loss=D("49000.004"))
    assert change.position.stop_loss == D("49000.00")
    assert await trading.scalar("select stop_loss_price from positions") == D("49000")
    assert await trading.scalar("select count(*) from audit_logs where action = 'position.protection_changed'") == 1
    trading.prices.prices["BTC/USDT"] = D("51000")
    async with trading.unit() as uow:
        change = await trading.changes.set_protection(uow, alice, "BTC/USDT", to_breakeven=True)
    assert change.position.stop_loss == D("50025")
    with pytest.raises(InvalidOrder, match="below the current price"):
        async with trading.unit() as uow:
            await trading.changes.set_protection(uow, alice, "BTC/USDT", stop_loss=D("51500"))


async def test_protection_set_before_the_entry_fills_goes_to_the_position(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.1"), price=D("49000")))
    async with trading.unit() as uow:
        change = await trading.changes.set_protection(uow, alice, "BTC/USDT", stop_loss=D("47000"), take_profit=D("56000"))
    assert change.position is None and len(change.orders) == 1
    await tick(trading, "48900")
    [position] = await trading.rows("select stop_loss_price, take_profit_price from positions")
    assert (position["stop_loss_price"], position["take_profit_price"]) == (D("47000"), D("56000"))


async def test_cancel_without_a_target_needs_one_order_or_an_explicit_all(trading, alice):
    for price in ("49000", "48000"):
        await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.01"), price=D(price)))
        trading.clock.advance(seconds=1)  # the list is oldest first
    with pytest.raises(InvalidOrder, match="2 open orders"):
        async with trading.unit() as uow:
            await trading.changes.cancel(uow, alice)
    async with trading.unit() as uow:
        [second] = await trading.changes.cancel(uow, alice, order_ref="2")
    assert second.order.price == D("48000")
    async with trading.unit() as uow:
        [first] = await trading.changes.cancel(uow, alice)  # the only one left
    assert first.order.status is OrderStatus.CANCELLED
    assert await balances(trading) == {"USDT": (D("10000"), D(0)), "BTC": (D(0), D(0))}
