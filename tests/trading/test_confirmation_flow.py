"""Preview -> confirm against the real database and Redis: what is stored, and what never is twice.

BTC/USDT at 50,000, slippage 0.05 %, fees 0.1 %, starting balance 10,000 USDT.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import AlreadyConfirmed, ConfirmationExpired, ConfirmationNotYours, InsufficientFunds, InvalidOrder
from db.repositories.signals import SignalOwner
from domain.models import OrderRequest
from domain.services.orders import PriceMoved
from domain.services.paper_broker import OrderEvent
from domain.services.previews import WarningCode
from domain.signals import TradeSignal

BUY_01_BTC = OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1"))


async def preview(trading, user, request=BUY_01_BTC):
    async with trading.unit() as uow:
        return await trading.orders.preview(uow, user, request)


async def confirm(trading, token, user):
    async with trading.unit() as uow:
        return await trading.orders.confirm(uow, token, user)


async def test_preview_prices_the_order_and_stores_nothing_but_the_draft(trading, alice):
    p = await preview(trading, alice)
    assert len(p.token) <= 16 and p.expires_at == trading.clock.now.replace(minute=32)
    assert (p.amount, p.estimated_price, p.estimated_cost, p.estimated_fee) == (D("0.1"), D("50025.00"), D("5002.5"), D("5.0025"))
    assert (p.quote_balance_after, p.base_balance_after) == (D("4992.4975"), D("0.1"))
    assert {w.code for w in p.warnings} == {WarningCode.NO_STOP_LOSS, WarningCode.POSITION_TOO_LARGE}
    assert p.position_share_percent == D("50.025")
    assert await trading.scalar("select count(*) from orders") == 0


async def test_confirm_stores_order_fill_position_balances_totals_and_audit_together(trading, alice):
    p = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1"), stop_loss=D("48000"),
                                                   ai_command_id=None))
    event = await confirm(trading, p.token, alice)
    assert isinstance(event, OrderEvent) and event.order.status is OrderStatus.FILLED

    [order] = await trading.rows("select * from orders")
    assert (order["status"], order["amount"], order["filled_amount"], order["remaining_amount"],
            order["average_fill_price"], order["total_fee"]) == ("filled", D("0.1"), D("0.1"), D(0), D("50025"), D("5.0025"))
    assert order["client_order_id"] == f"tsr-{p.token}" and order["source"] == "manual"
    [trade] = await trading.rows("select * from trades")
    assert (trade["quantity"], trade["price"], trade["fee"], trade["realized_pnl"]) == (D("0.1"), D("50025"), D("5.0025"), D("-5.0025"))
    [position] = await trading.rows("select * from positions")
    assert (position["status"], position["size"], position["remaining_size"], position["entry_price"],
            position["stop_loss_price"], position["total_fees"]) == ("open", D("0.1"), D("0.1"), D("50025"), D("48000"),
                                                                     D("5.0025"))
    assert trade["position_id"] == position["id"]
    balances = {r["asset"]: (r["free"], r["locked"]) for r in await trading.rows("select * from balances")}
    assert balances == {"USDT": (D("4992.4975"), D(0)), "BTC": (D("0.1"), D(0))}
    [portfolio] = await trading.rows("select * from portfolios")
    assert (portfolio["realized_pnl"], portfolio["total_fees"]) == (D("-5.0025"), D("5.0025"))
    actions = [r["action"] for r in await trading.rows("select action from audit_logs order by created_at, action")]
    assert sorted(actions) == ["order.created", "order.filled", "position.opened"]


async def test_a_second_confirm_places_nothing(trading, alice):
    p = await preview(trading, alice)
    await confirm(trading, p.token, alice)
    with pytest.raises(AlreadyConfirmed):
        await confirm(trading, p.token, alice)
    assert await trading.scalar("select count(*) from orders") == 1


async def test_two_concurrent_confirms_place_exactly_one_order(trading, alice):
    p = await preview(trading, alice)
    results = await asyncio.gather(*(confirm(trading, p.token, alice) for _ in range(2)), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyConfirmed", "OrderEvent"]
    assert await trading.scalar("select count(*) from orders") == 1
    assert await trading.scalar("select count(*) from trades") == 1


async def test_concurrent_orders_cannot_overspend_the_balance(trading, alice):
    big = OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.12"))  # about 6,000 USDT each
    tokens = [(await preview(trading, alice, big)).token for _ in range(2)]
    results = await asyncio.gather(*(confirm(trading, t, alice) for t in tokens), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["InsufficientFunds", "OrderEvent"]
    statuses = sorted(r["status"] for r in await trading.rows("select status from orders"))
    assert statuses == ["filled", "rejected"]
    assert await trading.scalar("select free from balances where asset = 'USDT'") == D("10000") - D("6003") - D("6.003")


async def test_expired_confirmation_places_nothing(trading, alice):
    p = await preview(trading, alice)
    trading.clock.advance(seconds=121)
    with pytest.raises(ConfirmationExpired):
        await confirm(trading, p.token, alice)
    assert await trading.scalar("select count(*) from orders") == 0


async def test_unknown_token_reads_as_expired(trading, alice):
    with pytest.raises(ConfirmationExpired):
        await confirm(trading, "nope", alice)


async def test_someone_elses_token_is_refused_and_left_for_its_owner(trading, alice, bob):
    p = await preview(trading, alice)
    with pytest.raises(ConfirmationNotYours):
        await confirm(trading, p.token, bob)
    assert isinstance(await confirm(trading, p.token, alice), OrderEvent)
    assert await trading.scalar("select count(*) from orders where user_id = :u", u=bob) == 0


async def test_price_moved_beyond_tolerance_returns_a_fresh_preview_instead_of_placing(trading, alice):
    p = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, quote_amount=D("1000")))
    trading.prices.prices["BTC/USDT"] = D("50600")  # +1.2 %, tolerance 1 %
    moved = await confirm(trading, p.token, alice)
    assert isinstance(moved, PriceMoved)
    assert (moved.previous_price, moved.current_price, moved.moved_percent) == (D("50000"), D("50600"), D("1.2"))
    assert moved.preview.token != p.token and moved.preview.amount == D("0.01975")  # re-sized at the new price
    assert await trading.scalar("select count(*) from orders") == 0
    with pytest.raises(AlreadyConfirmed):
        await confirm(trading, p.token, alice)
    assert isinstance(await confirm(trading, moved.preview.token, alice), OrderEvent)


async def test_price_move_within_tolerance_still_places(trading, alice):
    p = await preview(trading, alice)
    trading.prices.prices["BTC/USDT"] = D("50400")
    event = await confirm(trading, p.token, alice)
    assert event.order.average_fill_price == D("50425.20")


async def test_insufficient_balance_is_warned_then_refused_and_recorded_as_rejected(trading, alice):
    p = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.3")))
    assert WarningCode.INSUFFICIENT_BALANCE in {w.code for w in p.warnings}
    with pytest.raises(InsufficientFunds):
        await confirm(trading, p.token, alice)
    [order] = await trading.rows("select status, error_message from orders")
    assert order["status"] == "rejected" and "USDT" in order["error_message"]
    assert await trading.scalar("select free from balances where asset = 'USDT'") == D("10000")
    assert await trading.scalar("select action from audit_logs") == "order.rejected"


async def test_sizes_from_quote_amount_and_share_of_balance(trading, alice):
    by_value = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, quote_amount=D("200")))
    assert by_value.amount == D("0.00399")  # 200 / 50,025 rounded down to the lot step
    by_share = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, percent_of_balance=D("25")))
    assert by_share.amount == D("0.04992")  # 2,500 / (50,025 * 1.001)
    assert by_share.quote_balance_after >= D("7500")


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.00005")), "worth 5 USDT"),
        (OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.STOP, amount=D("0.01"), stop_price=D("49000")), "above the current price"),
        (OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.01")), "needs a limit price"),
        (OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.01"), stop_loss=D("51000")), "stop-loss must be below"),
        (OrderRequest("BTC/USDT", OrderSide.BUY), "Tell me how much"),
    ],
)
async def test_orders_an_exchange_would_refuse_are_refused_at_preview(trading, alice, request_, message):
    with pytest.raises(InvalidOrder, match=message):
        await preview(trading, alice, request_)


async def test_editing_a_draft_reprices_it_under_a_new_token(trading, alice):
    p = await preview(trading, alice)
    async with trading.unit() as uow:
        edited = await trading.orders.edit_draft(uow, p.token, alice, amount=D("0.05"))
    assert edited.token != p.token and edited.amount == D("0.05") and edited.estimated_cost == D("2501.25")
    with pytest.raises(AlreadyConfirmed):
        await confirm(trading, p.token, alice)


async def test_a_market_data_outage_at_confirm_leaves_the_token_usable(trading, alice):
    p = await preview(trading, alice)
    prices, trading.prices.prices = trading.prices.prices, {}
    with pytest.raises(KeyError):  # the stub's way of having no price
        await confirm(trading, p.token, alice)
    trading.prices.prices = prices
    assert isinstance(await confirm(trading, p.token, alice), OrderEvent)


async def test_the_first_order_on_a_signal_marks_it_executed(trading, alice):
    async with trading.unit() as uow:
        followed = await uow.signals.add(
            SignalOwner(telegram_user_id=None, user_id=alice), TradeSignal("BTC/USDT", OrderSide.BUY, (D(50000),)),
            source_name=None, raw_text=None, strength=D("0.5"), confidence=D("0.9"), ai_command_id=None,
        )
        await uow.commit()
    for _ in range(2):
        p = await preview(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.01"), signal_id=followed.id))
        await confirm(trading, p.token, alice)
    first_order_at = await trading.scalar("select min(created_at) from orders where signal_id = :s", s=followed.id)
    assert await trading.scalar("select executed_at from trading_signals") == first_order_at
