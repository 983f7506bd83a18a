"""Bybit v5 (spot and USDT perpetuals) through ccxt's real HTTP path against recorded responses: permissions (a key that can
withdraw is refused), balances of a unified account, an order placed under our client id and
read back (Bybit acknowledges with ids only), a lookup by client id after a timeout, a refusal."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from cryptography.fernet import Fernet

from db.crypto import SecretBox
from db.repositories.confirmations import RedisConfirmationStore
from db.repositories.credentials import CredentialVault
from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import InsufficientFunds, InvalidOrder, WithdrawalKeyRefused
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, RetryPolicy, create_client
from domain.exchanges.paper import PaperEngine
from domain.models import ApiCredentials, LiveLimits, OrderRequest
from domain.services.exchange_accounts import ExchangeAccountService
from domain.services.live_trading import LiveVenue
from domain.services.orders import OrderService, TradingPolicy
from domain.services.paper_broker import PaperBroker
from tests.trading.conftest import new_user
from tests.trading.fake_bybit import ORDER_PATH, FakeBybit, Reply, recorded
from tests.trading.test_ccxt_adapter import order

KEY, SECRET = "bYbItKeY0000000001", "bYbItSeCrEt000000000000000000000001"


async def no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def bybit():
    server = FakeBybit()
    await server.start()
    yield server
    await server.stop()


def connector(bybit):
    def connect(exchange, credentials, is_testnet, market_type):
        client = create_client(exchange, credentials, sandbox=is_testnet, market_type=market_type, timeout_ms=300,
                               api_url=bybit.base_url)
        return CcxtExchange(CcxtGateway(client, RetryPolicy(attempts=3), sleep=no_sleep))

    return connect


@pytest.fixture
async def account(bybit):
    exchange = connector(bybit)("bybit", ApiCredentials(KEY, SECRET), True, "spot")
    yield exchange
    await exchange.close()


async def test_permissions_and_unified_balances(account):
    permissions = await account.permissions()
    assert (permissions.can_trade, permissions.can_withdraw, permissions.can_trade_futures) == (True, False, True)
    balances = await account.balances()
    assert (balances["USDT"].total, balances["BTC"].total) == (D("1000.5"), D("0.002"))


async def test_an_order_is_sent_under_our_client_id_and_read_back(account, bybit):
    report = await account.create_order(order(client_order_id="tsr-bybit-order-01"))
    [sent] = bybit.seen("POST", ORDER_PATH)
    assert (sent.params["orderLinkId"], sent.params["marketUnit"], sent.params["qty"]) == ("tsr-bybit-order-01", "baseCoin", "0.001504")
    assert sent.api_key == KEY
    assert (report.status, report.filled, report.exchange_order_id) == (OrderStatus.FILLED, D("0.0015"), "2078912345678901248")
    assert report.average == D("86811.4")


async def test_a_timeout_after_bybit_took_the_order_is_found_by_client_id(account, bybit):
    bybit.script("POST", ORDER_PATH, Reply(recorded("order_create.json"), delay_seconds=1.0))
    report = await account.create_order(order(client_order_id="tsr-bybit-order-01"))
    assert len(bybit.seen("POST", ORDER_PATH)) == 1 and report.status is OrderStatus.FILLED
    assert bybit.seen("GET", "/v5/order/realtime")[0].params["orderLinkId"] == "tsr-bybit-order-01"


async def test_insufficient_balance_is_the_domain_error(account, bybit):
    bybit.script("POST", ORDER_PATH, Reply(recorded("error_insufficient_balance.json"), places_order=False))
    with pytest.raises(InsufficientFunds):
        await account.create_order(order(client_order_id="tsr-bybit-order-02"))
    assert len(bybit.seen("POST", ORDER_PATH)) == 1


async def test_a_key_that_can_withdraw_is_refused(trading, bybit):
    bybit.script("GET", "/v5/user/query-api", Reply(recorded("query_api_withdraw.json")))
    connect = connector(bybit)
    accounts = ExchangeAccountService(CredentialVault(SecretBox(Fernet.generate_key().decode()), connect), connect)
    alice = await new_user(trading)
    with pytest.raises(WithdrawalKeyRefused):
        async with trading.unit() as uow:
            await accounts.connect(uow, alice, "bybit", KEY, SECRET, is_testnet=True)
    assert await trading.scalar("select count(*) from exchange_credentials") == 0


async def test_usdt_perpetuals_cap_leverage_and_open_and_close_shorts(trading, bybit, redis_client):
    connect = connector(bybit)
    vault = CredentialVault(SecretBox(Fernet.generate_key().decode()), connect)
    accounts = ExchangeAccountService(vault, connect)
    broker = PaperBroker(PaperEngine(D("0")))
    orders = OrderService(trading.prices, RedisConfirmationStore(redis_client), broker, trading.portfolios,
                          TradingPolicy(120, D("1"), D("25")), clock=trading.clock,
                          venue=LiveVenue(vault, broker, clock=trading.clock))
    trading.prices.prices["BTC/USDT"] = D("86800")
    bybit.lookup_fixture = "order_realtime_linear_filled.json"
    alice = await new_user(trading)
    async with trading.unit() as uow:
        info = await accounts.connect(uow, alice, "bybit", KEY, SECRET, is_testnet=True, market_type="swap")
        await uow.live.set_limits(alice, LiveLimits(max_leverage=D("2"), confirm_above_value=D("1000")))
        await uow.commit()

    async def confirm(request):
        async with trading.unit() as uow:
            preview = await orders.preview(uow, alice, request, info.portfolio_id)
        async with trading.unit() as uow:
            return await orders.confirm(uow, preview.token, alice)

    short = await confirm(OrderRequest("BTC/USDT", OrderSide.SELL, OrderType.MARKET, amount=D("0.002")))
    [leverage] = bybit.seen("POST", "/v5/position/set-leverage")
    assert (leverage.params["category"], leverage.params["buyLeverage"]) == ("linear", "2")
    [sent] = bybit.seen("POST", ORDER_PATH)
    assert (sent.params["category"], sent.params["symbol"], sent.params["side"], sent.params["qty"]) == (
        "linear", "BTCUSDT", "Sell", "0.002")
    assert "reduceOnly" not in sent.params  # it opens a short
    assert short.order.status is OrderStatus.FILLED and short.position is not None
    assert (short.position.side, short.position.quantity) == (OrderSide.SELL, D("0.002"))

    with pytest.raises(InvalidOrder, match="more than your open"):  # a buy may close the short, never flip it
        await confirm(OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.MARKET, amount=D("0.003")))
    closed = await confirm(OrderRequest("BTC/USDT", OrderSide.BUY, OrderType.MARKET, amount=D("0.002")))
    buy = bybit.seen("POST", ORDER_PATH)[-1]
    assert (buy.params["side"], buy.params["reduceOnly"]) == ("Buy", True)
    assert closed.position is not None and not closed.position.is_open
    # The recorded fill price (86,811.4) both ways: nothing was made.
    assert closed.position.realized_pnl == 0 and closed.position.side is OrderSide.SELL
