"""Live orders on a connected Binance account, through ccxt's real HTTP path against a local server
answering with Binance's recorded responses: connect, place, fill, partial fill, cancel, rejects,
rate limit, a timeout after the exchange accepted, a crash between place and store, /panic."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from decimal import Decimal as D

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from db.crypto import SecretBox
from db.repositories.confirmations import RedisConfirmationStore
from db.repositories.credentials import CredentialVault
from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import (
    AlreadyConfirmed,
    InsufficientFunds,
    InvalidOrder,
    LiveLimitExceeded,
    OrderOutcomeUnknown,
    WithdrawalKeyRefused,
)
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, RetryPolicy, create_client
from domain.exchanges.paper import PaperEngine
from domain.exchanges.pool import AccountPool
from domain.models import LiveLimits, OrderRequest
from domain.services.exchange_accounts import ExchangeAccountService
from domain.services.live_trading import LiveVenue
from domain.services.orders import NeedsSecondTap, OrderService, TradingPolicy
from domain.services.paper_broker import OrderEvent, PaperBroker
from tests.trading.conftest import new_user
from tests.trading.fake_binance import FakeBinance, Reply, recorded

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
BUY = OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.MARKET, amount=D("0.0015"))
LIMIT_BUY = OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("0.0015"), price=D("86000.46"))


async def no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def live(trading, binance, redis_client):
    """The trading services with a live venue whose accounts reach the fake Binance."""

    def connect(exchange, credentials, is_testnet, market_type):
        client = create_client(exchange, credentials, sandbox=is_testnet, market_type=market_type, timeout_ms=300,
                               api_url=binance.base_url)
        return CcxtExchange(CcxtGateway(client, RetryPolicy(attempts=3), sleep=no_sleep))

    pool = AccountPool(connect)
    vault = CredentialVault(SecretBox(Fernet.generate_key().decode()), pool)
    broker = PaperBroker(PaperEngine(slippage_percent=D("0.05")))
    venue = LiveVenue(vault, broker, clock=trading.clock)
    policy = TradingPolicy(confirmation_ttl_seconds=120, price_tolerance_percent=D("1"), max_position_percent=D("25"))
    trading.orders = OrderService(trading.prices, RedisConfirmationStore(redis_client), broker, trading.portfolios,
                                  policy, clock=trading.clock, venue=venue)
    trading.prices.prices["BTC/USDT"] = D("86800")
    trading.accounts = ExchangeAccountService(vault, connect)
    trading.venue = venue
    trading.pool = pool
    yield trading
    await pool.close()


async def execute(live, sql: str, **params: object) -> None:
    async with live.session_factory() as session:
        await session.execute(text(sql), params)
        await session.commit()


async def connected(live) -> tuple:
    alice = await new_user(live)
    async with live.unit() as uow:
        info = await live.accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    return alice, info.portfolio_id


async def place(live, user, portfolio_id, request=BUY) -> OrderEvent:
    async with live.unit() as uow:
        preview = await live.orders.preview(uow, user, request, portfolio_id)
    async with live.unit() as uow:
        return await live.orders.confirm(uow, preview.token, user, second_tap=True)


async def test_connect_checks_the_key_copies_balances_and_refuses_withdrawal_keys(live, binance):
    alice, portfolio_id = await connected(live)
    [row] = await live.rows("select market_type, permissions from exchange_credentials")
    assert row["market_type"] == "spot" and row["permissions"] == {"trade": True, "withdraw": False, "futures": False}
    balances = {r["asset"]: r["free"] for r in await live.rows(
        "select asset, free from balances where portfolio_id = :p", p=portfolio_id)}
    assert balances == {"BTC": D("0.0123"), "USDT": D("1520.45")}
    assert await live.scalar("select is_paper from portfolios where id = :p", p=portfolio_id) is False

    binance.script("GET", "/sapi/v1/account/apiRestrictions", Reply(recorded("api_restrictions_withdrawals.json")))
    bob = await new_user(live, "bob")
    with pytest.raises(WithdrawalKeyRefused):
        async with live.unit() as uow:
            await live.accounts.connect(uow, bob, "binance", API_KEY, SECRET)
    assert await live.scalar("select count(*) from exchange_credentials") == 1


async def test_a_live_order_needs_a_second_tap_above_the_threshold_then_is_placed_once(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))
    async with live.unit() as uow:
        preview = await live.orders.preview(uow, alice, BUY, portfolio_id)
    assert preview.live_account == "Binance spot"
    async with live.unit() as uow:
        first = await live.orders.confirm(uow, preview.token, alice)
    assert isinstance(first, NeedsSecondTap) and first.threshold == D("100") and binance.seen("POST", "/api/v3/order") == []
    async with live.unit() as uow:
        event = await live.orders.confirm(uow, preview.token, alice, second_tap=True)
    with pytest.raises(AlreadyConfirmed):
        async with live.unit() as uow:
            await live.orders.confirm(uow, preview.token, alice, second_tap=True)
    [sent] = binance.seen("POST", "/api/v3/order")
    assert sent.params["newClientOrderId"] == event.order.client_order_id
    [order] = await live.rows("select status, exchange_order_id, filled_amount from orders")
    assert (order["status"], order["exchange_order_id"], order["filled_amount"]) == ("filled", "51234567890", D("0.0015"))
    assert await live.scalar("select count(*) from trades where portfolio_id = :p", p=portfolio_id) == 2
    assert await live.scalar("select remaining_size from positions where portfolio_id = :p", p=portfolio_id) == D("0.0015")


@pytest.mark.parametrize(("fixture", "error"), [("error_insufficient_balance.json", InsufficientFunds),
                                                 ("error_lot_size.json", InvalidOrder)])
async def test_a_refused_order_is_kept_as_rejected_and_not_retried(live, binance, fixture, error):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded(fixture), status=400, places_order=False))
    with pytest.raises(error):
        await place(live, alice, portfolio_id)
    assert len(binance.seen("POST", "/api/v3/order")) == 1
    [order] = await live.rows("select status, error_message from orders")
    assert order["status"] == "rejected" and order["error_message"]


async def test_rate_limit_is_retried_and_places_one_order(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("error_too_many_requests.json"), status=429, places_order=False),
                   Reply(recorded("order_market_buy_full.json")))
    event = await place(live, alice, portfolio_id)
    assert event.order.status is OrderStatus.FILLED and len(binance.placed) == 1


async def test_a_timeout_after_the_exchange_accepted_finds_the_order_and_sends_no_second(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json"), delay_seconds=1.0))
    event = await place(live, alice, portfolio_id)
    assert len(binance.seen("POST", "/api/v3/order")) == 1 and event.order.status is OrderStatus.FILLED
    assert await live.scalar("select count(*) from orders") == 1


async def test_no_answer_at_all_leaves_the_order_pending_until_the_lookup_settles_it(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json"), delay_seconds=1.0))
    binance.script("GET", "/api/v3/order", Reply("Bad Gateway", status=502))
    with pytest.raises(OrderOutcomeUnknown):
        await place(live, alice, portfolio_id)
    assert await live.scalar("select status from orders") == "pending"
    binance.script("GET", "/api/v3/order", Reply(recorded("order_query_filled.json")))
    async with live.unit() as uow:
        [event] = await live.venue.sync(uow, in_flight=timedelta(0))
    assert event.order.status is OrderStatus.FILLED and len(binance.seen("POST", "/api/v3/order")) == 1


async def test_a_crash_between_place_and_store_is_reconciled_at_start_up(live, binance, monkeypatch):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))

    async def killed(*_args, **_kwargs):
        raise asyncio.CancelledError  # the process dies with the exchange's answer in hand

    monkeypatch.setattr(LiveVenue, "_apply", killed)
    with pytest.raises(asyncio.CancelledError):
        await place(live, alice, portfolio_id)
    monkeypatch.undo()
    [order] = await live.rows("select status, exchange_order_id, client_order_id from orders")
    assert (order["status"], order["exchange_order_id"]) == ("pending", None)
    binance.unscript("GET", "/api/v3/order")  # lookups by client order id answer from what was placed
    restarted = LiveVenue(live.venue._accounts, PaperBroker(PaperEngine(D("0"))), clock=live.clock)
    async with live.unit() as uow:
        [event] = await restarted.sync(uow, in_flight=timedelta(0))
    assert [r.params["origClientOrderId"] for r in binance.seen("GET", "/api/v3/order")] == [order["client_order_id"]]
    assert event.order.status is OrderStatus.FILLED and len(binance.seen("POST", "/api/v3/order")) == 1
    assert await live.scalar("select exchange_order_id from orders") == "51234567890"
    assert await live.scalar("select count(*) from trades") == 1


async def test_partial_then_full_fill_are_booked_and_notified(live, binance):
    alice, portfolio_id = await connected(live)
    await execute(live, "insert into telegram_users (telegram_id, user_id, status) values (42, :u, 'active')", u=alice)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    binance.script("GET", "/api/v3/order", Reply(recorded("order_query_limit_partially_filled.json")),
                   Reply(recorded("order_query_limit_filled.json")))
    event = await place(live, alice, portfolio_id, LIMIT_BUY)
    assert event.order.status is OrderStatus.OPEN
    async with live.unit() as uow:
        [partial] = await live.venue.sync(uow)
    assert (partial.order.status, partial.order.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, D("0.0005"))
    async with live.unit() as uow:
        [full] = await live.venue.sync(uow)
    assert full.order.status is OrderStatus.FILLED and full.order.average_fill_price == D("86000.46")
    assert [r["quantity"] for r in await live.rows("select quantity from trades order by executed_at, quantity")] == [
        D("0.0005"), D("0.001")]
    payloads = await live.rows("select payload from notifications order by created_at")
    assert [p["payload"]["status"] for p in payloads] == ["partially_filled", "filled"]
    assert payloads[0]["payload"]["live_account"] == "Binance spot"


async def test_cancel_and_panic_cancel_every_open_live_order(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    binance.script("DELETE", "/api/v3/order", Reply(recorded("order_cancel_limit.json")))
    await place(live, alice, portfolio_id, LIMIT_BUY)
    async with live.unit() as uow:
        events = await live.venue.cancel_all(uow, alice)
    assert [e.order.status for e in events] == [OrderStatus.CANCELLED]
    assert len(binance.seen("DELETE", "/api/v3/order")) == 1
    assert await live.scalar("select status from orders") == "cancelled"


async def test_limits_refuse_large_orders_and_stop_after_the_daily_loss(live, binance):
    alice, portfolio_id = await connected(live)
    async with live.unit() as uow:
        await uow.live.set_limits(alice, LiveLimits(max_order_value=D("50")))
        await uow.commit()
    with pytest.raises(LiveLimitExceeded, match="above your limit"):
        await place(live, alice, portfolio_id)
    async with live.unit() as uow:
        await uow.live.set_limits(alice, LiveLimits(daily_loss_limit=D("10")))
        await uow.commit()
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))
    await place(live, alice, portfolio_id)
    await execute(live, "update trades set realized_pnl = -6, executed_at = :t", t=live.clock())
    with pytest.raises(LiveLimitExceeded, match="daily limit"):
        await place(live, alice, portfolio_id)
    assert len(binance.seen("POST", "/api/v3/order")) == 1


async def test_no_key_or_secret_in_logs_or_results(live, binance, caplog):
    caplog.set_level(logging.DEBUG)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json"), delay_seconds=1.0))
    alice, portfolio_id = await connected(live)
    event = await place(live, alice, portfolio_id)
    async with live.unit() as uow:
        listed = await live.accounts.list(uow, alice)
    shown = caplog.text + repr(event) + repr(listed)
    assert "retrying" in caplog.text  # the timeout was logged...
    assert API_KEY not in shown and SECRET not in shown  # ...without the key


async def test_changing_a_live_order_cancels_it_and_places_the_rest_at_the_new_price(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    binance.script("DELETE", "/api/v3/order", Reply(recorded("order_cancel_limit.json")))
    event = await place(live, alice, portfolio_id, LIMIT_BUY)
    async with live.unit() as uow:
        cancelled, placed = await live.venue.replace(uow, await uow.portfolios.get(portfolio_id), event.order,
                                                     price=D("85000"))
    first, second = binance.seen("POST", "/api/v3/order")
    assert D(second.params["price"]) == D("85000") and second.params["newClientOrderId"] != first.params["newClientOrderId"]
    assert cancelled.order.status is OrderStatus.CANCELLED and placed.order.status is OrderStatus.OPEN
    assert [r["status"] for r in await live.rows("select status from orders order by created_at")] == ["cancelled", "open"]


async def test_a_filled_buy_with_a_stop_loss_gets_the_exchanges_own_stop_order(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")),
                   Reply(recorded("order_stop_loss_new_full.json")))
    await place(live, alice, portfolio_id, OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.MARKET, amount=D("0.0015"),
                                                        stop_loss=D("80000")))
    buy, stop = binance.seen("POST", "/api/v3/order")
    assert (stop.params["side"], stop.params["type"], D(stop.params["stopPrice"])) == ("SELL", "STOP_LOSS", D("80000"))
    assert D(stop.params["quantity"]) == D("0.0015")  # the account held more BTC than this buy added
    rows = await live.rows("select source, status, exchange_order_id from orders order by created_at")
    assert [(r["source"], r["status"]) for r in rows] == [("manual", "filled"), ("stop_loss", "open")]


async def test_panic_closes_live_positions_at_market_once_confirmed(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")),
                   Reply(recorded("order_market_sell_full.json")))
    await place(live, alice, portfolio_id)
    async with live.unit() as uow:
        [closed] = await live.venue.close_all(uow, alice)
    sell = binance.seen("POST", "/api/v3/order")[-1]
    assert (sell.params["side"], sell.params["type"], D(sell.params["quantity"])) == ("SELL", "MARKET", D("0.0015"))
    assert closed.order.status is OrderStatus.FILLED and closed.position is not None and not closed.position.is_open
    assert await live.scalar("select status from positions where portfolio_id = :p", p=portfolio_id) == "closed"
    assert closed.realized_pnl > 0  # bought near 86,811, sold at 87,000


async def test_an_order_that_never_reached_the_exchange_is_marked_so_at_start_up(live, binance, monkeypatch):
    alice, portfolio_id = await connected(live)

    async def killed_before_sending(*_args, **_kwargs):
        raise asyncio.CancelledError  # the process dies right after the write-ahead commit

    monkeypatch.setattr(LiveVenue, "_protect_leverage", killed_before_sending)
    with pytest.raises(asyncio.CancelledError):
        await place(live, alice, portfolio_id)
    monkeypatch.undo()
    async with live.unit() as uow:
        [event] = await live.venue.sync(uow, in_flight=timedelta(0))
    assert binance.seen("POST", "/api/v3/order") == [] and event.order.status is OrderStatus.REJECTED
    assert await live.scalar("select error_message from orders") == "The order never reached the exchange."


async def test_an_account_keeps_one_client_markets_load_once_and_idle_clients_close(live, binance):
    alice, portfolio_id = await connected(live)
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))
    await place(live, alice, portfolio_id)
    await place(live, alice, portfolio_id)
    async with live.unit() as uow:
        await live.venue.sync(uow)
    # one market load for the key check at connect, one for the pooled client of the account
    assert len(binance.seen("GET", "/api/v3/exchangeInfo")) == 2 and len(live.pool) == 1
    live.pool._idle_seconds = -1  # everything is idle now
    await live.pool.close_idle()
    assert len(live.pool) == 0
