"""The ccxt adapter against recorded Binance responses, through ccxt's real HTTP code path."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import ExchangeUnavailable, InsufficientFunds, RateLimited
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, RetryPolicy, create_client
from domain.models import ApiCredentials, Order
from tests.trading.fake_binance import FakeBinance, Reply, recorded

CLIENT_ID = "tsr-AbCdEfGhIjKl"


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def live(binance):
    """A keyed Binance adapter on the fake server; backoff sleeps are recorded, not slept."""
    client = binance.point(create_client("binance", ApiCredentials("test-key-0001", "test-secret"), timeout_ms=300))
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    exchange = CcxtExchange(CcxtGateway(client, RetryPolicy(attempts=3), sleep=record_sleep))
    exchange.sleeps = sleeps  # type: ignore[attr-defined]
    yield exchange
    await exchange.close()


def order(order_type=OrderType.MARKET, quantity="0.0015049", price=None, client_order_id=CLIENT_ID) -> Order:
    return Order(
        id=uuid.uuid4(), user_id=uuid.uuid4(), portfolio_id=uuid.uuid4(), symbol="BTC/USDT", side=OrderSide.BUY,
        order_type=order_type, quantity=D(quantity), client_order_id=client_order_id,
        created_at=datetime.now(UTC), price=None if price is None else D(price),
    )


async def test_markets_carry_the_exchange_precision_and_limits(live):
    market = await live.market("BTC/USDT")
    assert (market.price_precision, market.amount_precision) == (2, 5)
    assert (market.min_amount, market.min_notional, market.taker_fee) == (D("0.00001"), D("5"), D("0.001"))


async def test_market_order_is_sent_rounded_under_our_client_id(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))
    report = await live.create_order(order())
    [sent] = binance.seen("POST", "/api/v3/order")
    assert sent.params["newClientOrderId"] == CLIENT_ID
    assert (sent.params["symbol"], sent.params["side"], sent.params["type"]) == ("BTCUSDT", "BUY", "MARKET")
    assert D(sent.params["quantity"]) == D("0.0015")  # truncated to the 0.00001 lot step
    assert (report.status, report.filled, report.client_order_id) == (OrderStatus.FILLED, D("0.0015"), CLIENT_ID)
    assert report.exchange_order_id == "51234567890" and len(report.fills) == 2
    assert round(report.average, 2) == D("86811.45")  # ccxt averages the two fills
    assert (report.fee, report.fee_currency) == (D("0.0000015"), "BTC")


async def test_limit_price_is_rounded_to_the_tick(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    report = await live.create_order(order(OrderType.LIMIT, price="86000.456", client_order_id="tsr-LimitOrder01"))
    [sent] = binance.seen("POST", "/api/v3/order")
    assert (D(sent.params["price"]), sent.params["type"], sent.params["timeInForce"]) == (D("86000.46"), "LIMIT", "GTC")
    assert (report.status, report.filled, report.price) == (OrderStatus.OPEN, D(0), D("86000.46"))


async def test_insufficient_balance_becomes_the_domain_error_without_retrying(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("error_insufficient_balance.json"), status=400))
    with pytest.raises(InsufficientFunds):
        await live.create_order(order())
    assert len(binance.seen("POST", "/api/v3/order")) == 1


async def test_a_timeout_after_the_exchange_took_the_order_is_resolved_by_lookup_not_resent(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json"), delay_seconds=1.0),
                   Reply(recorded("order_market_buy_full.json")))
    report = await live.create_order(order())
    assert len(binance.seen("POST", "/api/v3/order")) == 1
    [lookup] = binance.seen("GET", "/api/v3/order")
    assert lookup.params["origClientOrderId"] == CLIENT_ID
    assert (report.status, report.client_order_id, report.filled) == (OrderStatus.FILLED, CLIENT_ID, D("0.0015"))
    assert live.sleeps == [0.5]


async def test_an_outage_before_the_exchange_acted_is_retried_once_the_lookup_finds_nothing(live, binance):
    binance.script("POST", "/api/v3/order", Reply("Service Unavailable", status=503, places_order=False),
                   Reply(recorded("order_market_buy_full.json")))
    report = await live.create_order(order())
    assert len(binance.seen("POST", "/api/v3/order")) == 2 and len(binance.seen("GET", "/api/v3/order")) == 1
    assert binance.placed == {CLIENT_ID} and report.status is OrderStatus.FILLED


async def test_rate_limit_backs_off_and_retries_without_lookup(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("error_too_many_requests.json"), status=429, places_order=False),
                   Reply(recorded("order_market_buy_full.json")))
    await live.create_order(order())
    assert len(binance.seen("POST", "/api/v3/order")) == 2 and binance.seen("GET", "/api/v3/order") == []


async def test_retries_are_bounded(live, binance):
    binance.script("POST", "/api/v3/order", Reply(recorded("error_too_many_requests.json"), status=429, places_order=False))
    with pytest.raises(RateLimited):
        await live.create_order(order())
    assert len(binance.seen("POST", "/api/v3/order")) == 3 and live.sleeps == [0.5, 1.0]


async def test_unreachable_exchange_is_unavailable(live, binance):
    await binance.stop()
    with pytest.raises(ExchangeUnavailable):
        await live.balances()


async def test_balances_keep_free_and_locked_apart(live):
    balances = await live.balances()
    assert set(balances) == {"BTC", "USDT"}
    assert (balances["USDT"].free, balances["USDT"].locked, balances["BTC"].free) == (D("1520.45"), D("100"), D("0.0123"))


async def test_an_order_leaves_the_callers_decimal_context_as_it_was(live, binance):
    # ccxt's decimal_to_precision sets the ambient context to half-up with underflow trapped; the
    # adapter keeps that inside its calls, so the bot's own arithmetic and formatting are unaffected.
    import decimal

    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    with decimal.localcontext() as mine:
        await live.create_order(order(OrderType.LIMIT, price="86000.456", client_order_id="tsr-LimitOrder02"))
        assert mine.rounding == decimal.ROUND_HALF_EVEN and not mine.traps[decimal.Underflow]
        assert decimal.getcontext() is mine
