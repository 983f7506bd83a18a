"""Signals on a connected spot account, through ccxt's real HTTP path against local servers
speaking Binance spot and Bybit v5. Binance: the entry, then one OCO list per target slice (a
take-profit limit above, a stop-loss limit below, on the same coins), named by the card's token; a
repeated tap; a spot short refused; TP1 moving the stop to the entry by replacing the remaining
lists; a refused list selling what it would have guarded; a limit entry protected once the sync
sees it fill. Bybit: the stop and targets as spot conditional orders, the stop resized as targets
sell."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.errors import AlreadyConfirmed, InvalidOrder
from domain.services.live_signals import LiveExecution
from tests.trading.fake_binance_spot import OCO_PATH, ORDER_PATH
from tests.trading.fake_bybit import ORDER_PATH as BYBIT_ORDER, FakeBybit
from tests.trading.test_live_signals import SIGNAL, Live, binance_spot, on_spot, sent  # noqa: F401 - fixtures


async def test_a_spot_signal_buys_then_guards_each_target_slice_with_an_oco(on_spot, binance_spot):
    owner, portfolio_id = await on_spot.connect(market_type="spot")
    result = await on_spot.execute(owner)
    assert isinstance(result, LiveExecution) and result.account == "Binance spot (testnet)"
    assert sent(binance_spot, "/api/v3/leverage") == []
    [entry] = sent(binance_spot, ORDER_PATH)
    # 100 USDT at 1x (spot): 0.00115 BTC at 86,800, Binance's 0.00001 step.
    assert (entry["newClientOrderId"], entry["type"], entry["side"], entry["quantity"]) == (
        "sig-tok1-entry1", "MARKET", "BUY", "0.00115")
    first, second = sent(binance_spot, OCO_PATH)
    assert {k: first[k] for k in ("listClientOrderId", "side", "quantity", "aboveType", "aboveClientOrderId",
                                  "abovePrice", "belowType", "belowClientOrderId", "belowStopPrice",
                                  "belowPrice")} == {
        "listClientOrderId": "sig-tok1-oco1", "side": "SELL", "quantity": "0.00057", "aboveType": "LIMIT_MAKER",
        "aboveClientOrderId": "sig-tok1-tp1", "abovePrice": "88000", "belowType": "STOP_LOSS_LIMIT",
        "belowClientOrderId": "sig-tok1-stop1", "belowStopPrice": "84000", "belowPrice": "83580"}
    # The last slice takes the rest, so the two lists hold exactly what was bought.
    assert (second["listClientOrderId"], second["quantity"], second["abovePrice"], second["belowStopPrice"]) == (
        "sig-tok1-oco2", "0.00058", "90000", "84000")
    assert "reduceOnly" not in first and result.placement.protection.refused == ()

    orders = await on_spot.orders()
    assert orders["sig-tok1-entry1"]["status"] == "filled"
    assert (orders["sig-tok1-tp1"]["type"], orders["sig-tok1-tp1"]["price"], orders["sig-tok1-tp1"]["status"]) == (
        "limit", D("88000"), "open")
    assert (orders["sig-tok1-stop2"]["type"], orders["sig-tok1-stop2"]["stop_price"],
            orders["sig-tok1-stop2"]["amount"]) == ("stop_limit", D("84000"), D("0.00058"))
    [position] = await on_spot.trading.rows(
        "select side, remaining_size, signal_id from positions where portfolio_id = :p", p=portfolio_id)
    assert (position["side"], position["remaining_size"], position["signal_id"]) == (
        "buy", D("0.00115"), result.followed.id)

    with pytest.raises(AlreadyConfirmed):  # the same card tapped again: nothing more is sent
        await on_spot.execute(owner)
    await on_spot.sync()  # a sync pass places nothing twice either
    assert len(sent(binance_spot, ORDER_PATH)) == 1 and len(sent(binance_spot, OCO_PATH)) == 2


async def test_tp1_replaces_the_remaining_oco_with_the_stop_at_the_entry(on_spot, binance_spot):
    owner, portfolio_id = await on_spot.connect(market_type="spot")
    result = await on_spot.execute(owner)
    binance_spot.fill("sig-tok1-tp1")  # its stop leg expires with it, on the exchange
    await on_spot.sync()
    orders = await on_spot.orders()
    assert (orders["sig-tok1-tp1"]["status"], orders["sig-tok1-stop1"]["status"]) == ("filled", "expired")
    assert (orders["sig-tok1-tp2"]["status"], orders["sig-tok1-stop2"]["status"]) == ("cancelled", "cancelled")
    moved = sent(binance_spot, OCO_PATH)[-1]
    assert (moved["listClientOrderId"], moved["aboveClientOrderId"], moved["belowClientOrderId"]) == (
        "sig-tok1-oco2g1", "sig-tok1-tp2g1", "sig-tok1-stop2g1")
    assert (moved["quantity"], moved["abovePrice"], moved["belowStopPrice"]) == ("0.00058", "90000", "86811.45")
    assert set(binance_spot.open_orders()) == {"sig-tok1-tp2g1", "sig-tok1-stop2g1"}

    binance_spot.fill("sig-tok1-stop2g1", price="86811.45")
    await on_spot.sync()
    orders = await on_spot.orders()
    assert (orders["sig-tok1-stop2g1"]["status"], orders["sig-tok1-tp2g1"]["status"]) == ("filled", "expired")
    assert binance_spot.open_orders() == {}
    status = await on_spot.trading.scalar("select status from positions where signal_id = :s", s=result.followed.id)
    assert status == "closed"


async def test_a_spot_short_is_refused_with_its_reason_and_sends_nothing(on_spot, binance_spot):
    owner, _ = await on_spot.connect(market_type="spot")
    short = SIGNAL | {"side": "sell", "stop_loss": 89000, "take_profits": [84000]}
    with pytest.raises(InvalidOrder, match="spot account: it cannot sell BTC/USDT it does not hold"):
        await on_spot.execute(owner, signal=short)
    assert sent(binance_spot, ORDER_PATH) == [] and sent(binance_spot, OCO_PATH) == []


async def test_a_refused_oco_sells_the_slice_it_would_have_guarded(on_spot, binance_spot):
    owner, _ = await on_spot.connect(market_type="spot")
    binance_spot.refuse("sig-tok1-oco2")
    result = await on_spot.execute(owner)
    protection = result.placement.protection
    assert [name for name, _ in protection.refused] == ["tp2"]
    entry, close = sent(binance_spot, ORDER_PATH)
    assert (close["side"], close["type"], close["quantity"]) == ("SELL", "MARKET", "0.00058")
    assert protection.closed is not None and protection.closed.order.status.value == "filled"
    orders = await on_spot.orders()
    assert (orders["sig-tok1-tp2"]["status"], orders["sig-tok1-stop2"]["status"]) == ("rejected", "rejected")
    assert set(binance_spot.open_orders()) == {"sig-tok1-tp1", "sig-tok1-stop1"}  # slice 1 still guarded


async def test_a_spot_limit_entry_is_guarded_once_the_sync_sees_it_fill(on_spot, binance_spot):
    owner, _ = await on_spot.connect(market_type="spot")
    await on_spot.execute(owner, signal=SIGNAL | {"entry_at_market": False, "entries": [86000]})
    assert sent(binance_spot, OCO_PATH) == []
    binance_spot.fill("sig-tok1-entry1")
    await on_spot.sync()
    assert [p["listClientOrderId"] for p in sent(binance_spot, OCO_PATH)] == ["sig-tok1-oco1", "sig-tok1-oco2"]
    await on_spot.sync()
    assert len(sent(binance_spot, OCO_PATH)) == 2


async def test_a_spot_account_is_offered_on_signal_cards(on_spot, trading):
    owner, spot_id = await on_spot.connect(market_type="spot")
    async with trading.unit() as uow:
        offered = await on_spot.venue.signals.accounts(uow, owner.user_id)
    assert [p.id for p in offered] == [spot_id]


@pytest.fixture
async def bybit():
    server = FakeBybit(fills_as_sent=True)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def on_bybit_spot(trading, bybit):
    live = Live(trading, bybit, "bybit")
    yield live
    await live.pool.close()


async def test_a_spot_signal_on_bybit_holds_its_exits_as_conditional_orders_and_resizes_the_stop(
    on_bybit_spot, bybit,
):
    owner, _ = await on_bybit_spot.connect(market_type="spot")
    result = await on_bybit_spot.execute(owner)
    entry, stop, tp1, tp2 = sent(bybit, BYBIT_ORDER)
    assert (entry["category"], entry["side"], entry["orderType"], entry["orderLinkId"]) == (
        "spot", "Buy", "Market", "sig-tok1-entry1")
    # Conditional orders (orderFilter=StopOrder) hold no coins until they trigger: the stop can
    # cover the whole amount while the targets cover their slices.
    assert (stop["orderLinkId"], stop["orderFilter"], stop["side"], stop["triggerPrice"], stop["qty"]) == (
        "sig-tok1-stop1", "StopOrder", "Sell", "84000", entry["qty"])
    assert (tp1["orderLinkId"], tp1["orderFilter"], tp1["triggerPrice"]) == ("sig-tok1-tp1", "StopOrder", "88000")
    assert D(tp1["qty"]) + D(tp2["qty"]) == D(entry["qty"]) and "reduceOnly" not in stop
    assert result.placement.protection.refused == ()

    bybit.trigger("sig-tok1-tp1")  # TP1 sold its slice: the stop moves to the entry, sized to the rest
    await on_bybit_spot.sync()
    assert bybit.states["sig-tok1-stop1"] == "Deactivated"
    moved = bybit.sent["sig-tok1-stop2"]
    entry_price = await on_bybit_spot.trading.scalar("select entry_price from positions where signal_id = :s",
                                                     s=result.followed.id)
    assert (moved["orderFilter"], D(moved["triggerPrice"]), moved["qty"]) == ("StopOrder", entry_price, tp2["qty"])

    bybit.trigger("sig-tok1-tp2")
    await on_bybit_spot.sync()
    assert bybit.states["sig-tok1-stop2"] == "Deactivated"
    assert await on_bybit_spot.trading.scalar(
        "select status from positions where signal_id = :s", s=result.followed.id) == "closed"
