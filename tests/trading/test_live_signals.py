"""Signals executed on a connected futures account, through ccxt's real HTTP path against local
servers speaking Binance USDⓈ-M and Bybit v5: the entry, then the exchange's own stop-market and
take-profit-market orders (reduce-only), named by the card's token; a repeated tap; the live
brakes; a target or the stop refused after the entry filled; TP1 moving the stop to the entry;
a limit entry protected once the sync sees it fill; a closed position leaving no orders behind;
a live short; "close btc" closing the account's position; the account's order stream (Bybit's
private websocket, served locally) starting a sync the moment an order changes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal as D

import pytest
from cryptography.fernet import Fernet

from bot.render.notifications import render as render_notification
from db.crypto import SecretBox
from db.repositories.confirmations import RedisConfirmationStore
from db.repositories.credentials import CredentialVault
from domain.enums import OrderSide, OrderType
from domain.errors import AlreadyConfirmed, LiveLimitExceeded
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, RetryPolicy, create_client
from domain.exchanges.paper import PaperEngine
from domain.exchanges.pool import AccountPool
from domain.models import LiveLimits, OrderRequest
from domain.services.exchange_accounts import ExchangeAccountService
from domain.services.live_signals import LiveEntryRefused, LiveExecution, LiveNeedsSecondTap
from domain.services.live_streams import OrderStreams
from domain.services.live_trading import LiveVenue
from domain.services.orders import OrderService, TradingPolicy
from domain.services.paper_broker import PaperBroker
from domain.services.signals import SignalService
from tests.signals.conftest import make_owner
from tests.trading.fake_binance_futures import ALGO_PATH, ORDER_PATH, FakeBinanceFutures
from tests.trading.fake_binance_spot import FakeBinanceSpot
from tests.trading.fake_bybit import ORDER_PATH as BYBIT_ORDER, FakeBybit

KEY, SECRET = "fUtUrEsKeY" * 6 + "abcd", "fUtUrEsSeCrEt" * 4 + "abcdefghijkl"
SIGNAL = {"symbol": "BTC/USDT", "side": "buy", "entry_at_market": True, "take_profits": [88000, 90000],
          "stop_loss": 84000, "leverage": 10}
LIMITS = LiveLimits(max_order_value=D("5000"), confirm_above_value=D("5000"), max_leverage=D("5"),
                    daily_loss_limit=D("200"))


async def no_sleep(_seconds: float) -> None:
    return None


def connector(server):
    def connect(exchange, credentials, is_testnet, market_type):
        client = create_client(exchange, credentials, sandbox=is_testnet, market_type=market_type, timeout_ms=500,
                               api_url=server.base_url)
        return CcxtExchange(CcxtGateway(client, RetryPolicy(attempts=2), sleep=no_sleep))

    return connect


class Live:
    def __init__(self, trading, server, exchange: str) -> None:
        self.trading, self.server, self.exchange = trading, server, exchange
        self.pool = AccountPool(connector(server))
        vault = CredentialVault(SecretBox(Fernet.generate_key().decode()), self.pool)
        self.accounts = ExchangeAccountService(vault, connector(server))
        self.venue = LiveVenue(vault, PaperBroker(PaperEngine(D("0"))), clock=trading.clock)
        self.signals = SignalService(trading.prices, trading.portfolios, clock=trading.clock, live=self.venue.signals)
        trading.prices.prices["BTC/USDT"] = D("86800")

    async def connect(self, limits: LiveLimits = LIMITS, market_type: str = "swap", owner=None):
        owner = owner or await make_owner(self.trading.session_factory)
        async with self.trading.unit() as uow:
            info = await self.accounts.connect(uow, owner.user_id, self.exchange, KEY, SECRET, is_testnet=True,
                                               market_type=market_type)
            await uow.live.set_limits(owner.user_id, limits)
            await uow.commit()
        return owner, info.portfolio_id

    async def execute(self, owner, token: str = "tok1", signal=SIGNAL, second_tap: bool = False):
        async with self.trading.unit() as uow:
            return await self.signals.execute_live(uow, owner, signal, token=token, account=1, second_tap=second_tap)

    async def sync(self):
        async with self.trading.unit() as uow:
            return await self.venue.sync(uow, in_flight=timedelta(0))

    async def orders(self) -> dict[str, dict]:
        rows = await self.trading.rows(
            "select client_order_id, type, side, status, amount, price, stop_price, source, reduce_only, signal_id "
            "from orders order by created_at, client_order_id")
        return {row["client_order_id"]: row for row in rows}


@pytest.fixture
async def binance():
    server = FakeBinanceFutures()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bybit():
    server = FakeBybit(fills_as_sent=True)
    server.lookup_fixture = "order_realtime_linear_filled.json"
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def on_binance(trading, binance):
    live = Live(trading, binance, "binance")
    yield live
    await live.pool.close()


@pytest.fixture
async def on_bybit(trading, bybit):
    live = Live(trading, bybit, "bybit")
    yield live
    await live.pool.close()


@pytest.fixture
async def binance_spot():
    server = FakeBinanceSpot()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def on_spot(trading, binance_spot):
    live = Live(trading, binance_spot, "binance")
    yield live
    await live.pool.close()


def sent(server, path: str) -> list[dict]:
    return [r.params for r in server.seen("POST", path)]


async def test_a_signal_goes_to_binance_futures_with_the_exchanges_own_stop_and_targets(on_binance, binance):
    owner, portfolio_id = await on_binance.connect()
    result = await on_binance.execute(owner)
    assert isinstance(result, LiveExecution) and result.account == "Binance USDT perpetuals (testnet)"
    [leverage] = sent(binance, "/fapi/v1/leverage")
    assert leverage["leverage"] == "5"  # the post's 10x, capped by /limits
    [entry] = sent(binance, ORDER_PATH)
    # 100 USDT of margin at 5x: 500 USDT at 86,800, rounded down to Binance's 0.001 step.
    assert (entry["newClientOrderId"], entry["type"], entry["side"], entry["quantity"]) == (
        "sig-tok1-entry1", "MARKET", "BUY", "0.005")
    stop, tp1, tp2 = sent(binance, ALGO_PATH)
    assert (stop["clientAlgoId"], stop["type"], stop["side"], stop["quantity"], stop["triggerPrice"],
            stop["reduceOnly"]) == ("sig-tok1-stop1", "STOP_MARKET", "SELL", "0.005", "84000", "true")
    assert (tp1["clientAlgoId"], tp1["type"], tp1["quantity"], tp1["triggerPrice"], tp1["reduceOnly"]) == (
        "sig-tok1-tp1", "TAKE_PROFIT_MARKET", "0.002", "88000", "true")
    assert (tp2["clientAlgoId"], tp2["quantity"], tp2["triggerPrice"]) == ("sig-tok1-tp2", "0.003", "90000")
    assert result.placement.protection.refused == ()

    orders = await on_binance.orders()
    signal_id = result.followed.id
    assert {row["signal_id"] for row in orders.values()} == {signal_id}
    assert {row["source"] for row in orders.values()} == {"signal"}
    assert orders["sig-tok1-entry1"]["status"] == "filled"
    assert (orders["sig-tok1-tp1"]["type"], orders["sig-tok1-tp1"]["stop_price"]) == ("take_profit", D("88000"))
    assert (orders["sig-tok1-stop1"]["type"], orders["sig-tok1-stop1"]["status"]) == ("stop", "open")
    [position] = await on_binance.trading.rows(
        "select side, remaining_size, entry_price, signal_id from positions where portfolio_id = :p", p=portfolio_id)
    assert (position["side"], position["remaining_size"], position["signal_id"]) == ("buy", D("0.005"), signal_id)
    audited = await on_binance.trading.rows(
        "select action, details from audit_logs where entity_type = 'order' order by created_at")
    created = [row["details"] for row in audited if row["action"] == "order.created"]
    assert len(created) == 4 and all(d["live"] and d["source"] == "signal" for d in created)
    assert {d["signal_id"] for d in created} == {str(signal_id)}

    with pytest.raises(AlreadyConfirmed):  # the same card tapped again: nothing more is sent
        await on_binance.execute(owner)
    assert len(sent(binance, ORDER_PATH)) == 1 and len(sent(binance, ALGO_PATH)) == 3


async def test_tp1_moves_the_stop_to_the_entry_and_the_stop_closes_what_is_left(on_binance, binance):
    owner, portfolio_id = await on_binance.connect()
    result = await on_binance.execute(owner)
    binance.trigger("sig-tok1-tp1")
    await on_binance.sync()
    orders = await on_binance.orders()
    assert orders["sig-tok1-tp1"]["status"] == "filled"
    assert orders["sig-tok1-stop1"]["status"] == "cancelled"
    moved = orders["sig-tok1-stop2"]
    assert (moved["status"], moved["stop_price"], moved["amount"]) == ("open", D("86810.4"), D("0.003"))
    assert binance.algo_orders["sig-tok1-stop2"]["triggerPrice"] == "86810.4"

    binance.trigger("sig-tok1-stop2")
    await on_binance.sync()
    orders = await on_binance.orders()
    assert orders["sig-tok1-stop2"]["status"] == "filled"
    assert orders["sig-tok1-tp2"]["status"] == "cancelled"  # nothing left on the exchange
    assert binance.algo_orders["sig-tok1-tp2"]["algoStatus"] == "CANCELED"
    status = await on_binance.trading.scalar(
        "select status from positions where signal_id = :s", s=result.followed.id)
    assert status == "closed"


async def test_a_target_refused_after_the_entry_filled_is_reported_and_the_stop_still_guards(on_binance, binance):
    owner, _ = await on_binance.connect()
    binance.refuse("sig-tok1-tp1", "error_max_stop_orders.json")
    result = await on_binance.execute(owner)
    protection = result.placement.protection
    assert [name for name, _ in protection.refused] == ["tp1"]
    assert protection.closed is None
    orders = await on_binance.orders()
    assert orders["sig-tok1-tp1"]["status"] == "rejected"
    assert orders["sig-tok1-stop1"]["status"] == "open" and orders["sig-tok1-tp2"]["status"] == "open"


async def test_a_refused_stop_closes_the_entry_at_once(on_binance, binance):
    owner, portfolio_id = await on_binance.connect()
    binance.refuse("sig-tok1-stop1", "error_max_stop_orders.json")
    result = await on_binance.execute(owner)
    protection = result.placement.protection
    assert [name for name, _ in protection.refused] == ["stop1"]
    assert protection.closed is not None and protection.closed.order.status.value == "filled"
    [entry, close] = sent(binance, ORDER_PATH)
    assert (close["side"], close["type"], close["quantity"], close["reduceOnly"]) == ("SELL", "MARKET", "0.005", "true")
    assert sent(binance, ALGO_PATH) == [p for p in sent(binance, ALGO_PATH) if p["clientAlgoId"] == "sig-tok1-stop1"]
    assert await on_binance.trading.scalar(
        "select status from positions where portfolio_id = :p", p=portfolio_id) == "closed"


async def test_the_live_brakes_apply_to_signals(on_binance, binance):
    owner, _ = await on_binance.connect(LiveLimits(max_order_value=D("300"), max_leverage=D("5")))
    with pytest.raises(LiveLimitExceeded, match="above your limit"):
        await on_binance.execute(owner)
    assert sent(binance, ORDER_PATH) == []
    assert await on_binance.trading.scalar("select count(*) from trading_signals") == 0

    async with on_binance.trading.unit() as uow:
        await uow.live.set_limits(owner.user_id, LiveLimits(max_order_value=D("5000"), confirm_above_value=D("100"),
                                                           max_leverage=D("5")))
        await uow.commit()
    asked = await on_binance.execute(owner)
    assert isinstance(asked, LiveNeedsSecondTap) and asked.threshold == D("100") and asked.value > D("400")
    assert sent(binance, ORDER_PATH) == []
    placed = await on_binance.execute(owner, second_tap=True)
    assert isinstance(placed, LiveExecution) and len(sent(binance, ORDER_PATH)) == 1


async def test_a_limit_entry_is_protected_when_the_sync_sees_it_fill(on_binance, binance):
    owner, _ = await on_binance.connect()
    signal = SIGNAL | {"entry_at_market": False, "entries": [86000]}
    result = await on_binance.execute(owner, signal=signal)
    assert result.placement.protection.placed == () and sent(binance, ALGO_PATH) == []
    binance.fill("sig-tok1-entry1")
    await on_binance.sync()
    assert [p["clientAlgoId"] for p in sent(binance, ALGO_PATH)] == ["sig-tok1-stop1", "sig-tok1-tp1", "sig-tok1-tp2"]
    await on_binance.sync()  # a second pass places nothing twice
    assert len(sent(binance, ALGO_PATH)) == 3


async def test_a_short_signal_on_bybit_uses_conditional_orders_on_the_right_side(on_bybit, bybit):
    owner, portfolio_id = await on_bybit.connect()
    short = {"symbol": "BTC/USDT", "side": "sell", "entry_at_market": True, "take_profits": [84000],
             "stop_loss": 89000, "leverage": 3}
    result = await on_bybit.execute(owner, signal=short)
    entry, stop, target = sent(bybit, BYBIT_ORDER)
    assert (entry["orderLinkId"], entry["side"], entry["orderType"], entry.get("reduceOnly")) == (
        "sig-tok1-entry1", "Sell", "Market", None)
    # A short's stop triggers when the price rises (1), its target when it falls (2).
    assert (stop["orderLinkId"], stop["side"], stop["triggerPrice"], stop["triggerDirection"], stop["reduceOnly"]) == (
        "sig-tok1-stop1", "Buy", "89000", 1, True)
    assert (target["orderLinkId"], target["side"], target["triggerPrice"], target["triggerDirection"]) == (
        "sig-tok1-tp1", "Buy", "84000", 2)
    [position] = await on_bybit.trading.rows("select side, remaining_size from positions where portfolio_id = :p",
                                             p=portfolio_id)
    assert position["side"] == "sell" and position["remaining_size"] == D(entry["qty"])

    bybit.trigger("sig-tok1-tp1")  # the only target: the position is closed, the stop cancelled
    await on_bybit.sync()
    orders = await on_bybit.orders()
    assert orders["sig-tok1-tp1"]["status"] == "filled" and orders["sig-tok1-stop1"]["status"] == "cancelled"
    assert bybit.states["sig-tok1-stop1"] == "Deactivated"
    realized = await on_bybit.trading.scalar("select realized_pnl from positions where signal_id = :s",
                                             s=result.followed.id)
    assert realized > 0  # a short bought back lower made money


async def test_close_btc_closes_the_live_position_once_and_cancels_its_stop_and_targets(
    on_binance, binance, redis_client,
):
    owner, portfolio_id = await on_binance.connect()
    await on_binance.execute(owner)
    trading = on_binance.trading
    orders = OrderService(trading.prices, RedisConfirmationStore(redis_client), PaperBroker(PaperEngine(D("0"))),
                          trading.portfolios, TradingPolicy(120, D("1"), D("25")), clock=trading.clock,
                          venue=on_binance.venue)
    async with trading.unit() as uow:  # "close btc": no paper position, so the account's
        preview = await orders.preview_close(uow, owner.user_id, "BTC/USDT")
    assert (preview.live_account, preview.side, preview.amount, preview.closes_position) == (
        "Binance USDT perpetuals (testnet)", OrderSide.SELL, D("0.005"), True)
    async with trading.unit() as uow:
        event = await orders.confirm(uow, preview.token, owner.user_id, second_tap=True)
    with pytest.raises(AlreadyConfirmed):
        async with trading.unit() as uow:
            await orders.confirm(uow, preview.token, owner.user_id, second_tap=True)
    entry, close = sent(binance, ORDER_PATH)
    assert (close["side"], close["quantity"], close["reduceOnly"]) == ("SELL", "0.005", "true")
    assert event.position is not None and not event.position.is_open
    assert {algo["algoStatus"] for algo in binance.algo_orders.values()} == {"CANCELED"}
    statuses = {row["client_order_id"]: row["status"] for row in (await on_binance.orders()).values()}
    assert [statuses[f"sig-tok1-{leg}"] for leg in ("stop1", "tp1", "tp2")] == ["cancelled"] * 3


async def test_a_target_refused_in_the_background_is_pushed_to_the_user(on_binance, binance):
    owner, _ = await on_binance.connect()
    await on_binance.execute(owner, signal=SIGNAL | {"entry_at_market": False, "entries": [86000]})
    binance.refuse("sig-tok1-tp2")
    binance.fill("sig-tok1-entry1")
    await on_binance.sync()
    payloads = [row["payload"] for row in await on_binance.trading.rows(
        "select payload from notifications where notification_type = 'order_fill' order by created_at")]
    [refused] = [p for p in payloads if p["status"] == "rejected"]
    text = render_notification("order_fill", refused)
    assert text.startswith("🔴 LIVE · Binance USDT perpetuals (testnet)")
    assert "Your take-profit SELL order on BTC/USDT was refused: The exchange refused the order" in text


async def test_the_channels_stop_move_and_the_users_close_reach_the_exchange(on_binance, binance):
    owner, portfolio_id = await on_binance.connect()
    result = await on_binance.execute(owner)
    async with on_binance.trading.unit() as uow:
        update = await on_binance.signals.apply_update(uow, owner, "BTC/USDT", {"update": "move_sl", "stop_loss": 85500})
    assert [str(change) for change in update.changes] == [
        "your stop order on Binance USDT perpetuals (testnet) moved to 85,500"]
    assert binance.algo_orders["sig-tok1-stop1"]["algoStatus"] == "CANCELED"
    assert (binance.algo_orders["sig-tok1-stop2"]["triggerPrice"], binance.algo_orders["sig-tok1-stop2"]["quantity"]) \
        == ("85500", "0.005")

    async with on_binance.trading.unit() as uow:
        closed = await on_binance.signals.close(uow, owner, result.followed.id)
    assert [str(change) for change in closed.changes] == [
        "closed 0.005 BTC at market on Binance USDT perpetuals (testnet)"]
    assert {a["algoStatus"] for a in binance.algo_orders.values()} == {"CANCELED"}
    close = sent(binance, ORDER_PATH)[-1]
    assert (close["side"], close["reduceOnly"], close["newClientOrderId"].startswith("sig-tok1-close")) == (
        "SELL", "true", True)
    assert await on_binance.trading.scalar(
        "select status from positions where portfolio_id = :p", p=portfolio_id) == "closed"


async def test_the_accounts_order_stream_brings_a_fill_without_waiting_for_the_poll(on_bybit, bybit):
    stream = bybit.open_stream(KEY, SECRET)
    owner, portfolio_id = await on_bybit.connect()
    await on_bybit.execute(owner, signal=SIGNAL | {"entry_at_market": False, "entries": [86000]})
    [entry] = sent(bybit, BYBIT_ORDER)
    assert entry["orderType"] == "Limit"
    streams = OrderStreams(on_bybit.venue, on_bybit.trading.unit, retry_seconds=0.1)
    try:
        await streams.refresh()
        assert streams.watching == {portfolio_id}
        await wait_until(lambda: stream.authenticated == 1 and "order" in stream.subscribed)
        bybit.trigger("sig-tok1-entry1")
        await bybit.push("sig-tok1-entry1")  # no sync is called here: the stream's message starts it
        await wait_until(lambda: len(sent(bybit, BYBIT_ORDER)) == 4)
        assert [p["orderLinkId"] for p in sent(bybit, BYBIT_ORDER)[1:]] == ["sig-tok1-stop1", "sig-tok1-tp1",
                                                                          "sig-tok1-tp2"]
        assert (await on_bybit.orders())["sig-tok1-entry1"]["status"] == "filled"
    finally:
        await streams.close()
    assert streams.watching == set()


async def test_an_account_without_open_orders_gets_no_stream_and_a_wrong_secret_is_refused(on_bybit, bybit):
    stream = bybit.open_stream(KEY, "not-" + SECRET)  # the exchange knows another secret for this key
    owner, portfolio_id = await on_bybit.connect()
    streams = OrderStreams(on_bybit.venue, on_bybit.trading.unit, retry_seconds=0.1)
    try:
        await streams.refresh()
        assert streams.watching == set()
        await on_bybit.execute(owner, signal=SIGNAL | {"entry_at_market": False, "entries": [86000]})
        await streams.refresh()
        await wait_until(lambda: stream.refused >= 2)  # refused, and tried again after a pause
        assert stream.authenticated == 0 and streams.watching == {portfolio_id}  # the poll follows it meanwhile
        assert len(await on_bybit.sync()) == 0
    finally:
        await streams.close()


async def wait_until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_an_entry_the_exchange_refuses_is_reported_and_leaves_nothing_to_follow(on_binance, binance):
    owner, _ = await on_binance.connect()
    binance.refuse("sig-tok1-entry1", "error_new_order_rejected.json")
    with pytest.raises(LiveEntryRefused, match="not valid"):
        await on_binance.execute(owner)
    assert sent(binance, ALGO_PATH) == []
    assert (await on_binance.orders())["sig-tok1-entry1"]["status"] == "rejected"
    signal = (await on_binance.trading.rows("select state, is_active from trading_signals"))[0]
    assert (signal["state"], signal["is_active"]) == ("cancelled", False)


async def test_a_manual_live_order_is_sized_to_the_accounts_own_market(on_binance, binance, redis_client):
    owner, portfolio_id = await on_binance.connect()
    trading = on_binance.trading
    orders = OrderService(trading.prices, RedisConfirmationStore(redis_client), PaperBroker(PaperEngine(D("0"))),
                          trading.portfolios, TradingPolicy(120, D("1"), D("25")), clock=trading.clock,
                          venue=on_binance.venue)
    request = OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.MARKET, amount=D("0.0123"))
    async with trading.unit() as uow:  # the market data's BTC/USDT steps by 0.00001; the perpetual by 0.001
        preview = await orders.preview(uow, owner.user_id, request, portfolio_id)
    assert preview.amount == D("0.012") and preview.live_account == "Binance USDT perpetuals (testnet)"
    async with trading.unit() as uow:
        event = await orders.confirm(uow, preview.token, owner.user_id, second_tap=True)
    [sent_order] = sent(binance, ORDER_PATH)
    assert sent_order["quantity"] == "0.012"
    assert (event.order.quantity, event.order.filled_quantity, event.order.status.value) == (
        D("0.012"), D("0.012"), "filled")
