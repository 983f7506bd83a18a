"""The exchange errors or times out while the user confirms an order.

Prices come from a ccxt feed against a local server answering in recorded Binance format. The
confirm needs a fresh price; when the exchange cannot give one the user is told so in an alert,
nothing is stored, the card keeps its buttons, and a later tap places the order once.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from db.market_cache import KEY_PREFIX
from db.models import Order
from domain.exchanges.ccxt_exchange import CcxtGateway, RetryPolicy, create_client
from domain.market_data.ccxt_feed import CcxtMarketData
from tests.e2e.conftest import accept_terms
from tests.faults.ledger import Ledger
from tests.trading.fake_binance import FakeBinance, Reply, recorded

USER = 5401
TICKER = "/api/v3/ticker/24hr"


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def feed(binance) -> CcxtMarketData:
    async def no_wait(seconds: float) -> None:
        return None

    client = binance.point(create_client("binance", timeout_ms=300))
    return CcxtMarketData(CcxtGateway(client, RetryPolicy(attempts=2), sleep=no_wait))


async def _orders(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(Order))


@pytest.mark.parametrize("failure", [
    Reply({"code": -1001, "msg": "Internal error; unable to process your request. Please try again."}, status=503),
    Reply(recorded("ticker_24hr_btcusdt.json"), delay_seconds=1.0),  # past the client's 300 ms timeout
], ids=["internal-error", "timeout"])
async def test_an_exchange_failure_during_confirm_places_nothing_until_it_answers_again(
    failure, bot_api, binance, feed, session_factory, redis_client, launch, settings
):
    await launch(session_factory, redis_client, feed=feed)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, USER)
    card = await ledger.say(USER, "buy 0.01 btc")
    assert card is not None and "Confirm" in card, card

    binance.script("GET", TICKER, failure)
    # The cached price has aged out: in Redis, and the bot's own copy after its second.
    await redis_client.delete(f"{KEY_PREFIX}BTC/USDT")
    await asyncio.sleep(settings.exchange.market_cache_local_seconds)
    alert = await ledger.tap(USER, "Confirm")
    assert alert is not None and "try again" in alert, alert
    assert await _orders(session_factory) == 0

    binance.script("GET", TICKER, Reply(recorded("ticker_24hr_btcusdt.json")))
    result = await ledger.tap(USER, "Confirm")  # the same card: its buttons are still there
    assert result is not None and "Bought 0.01 BTC" in result, result
    assert await _orders(session_factory) == 1
    ledger.assert_none_lost()
