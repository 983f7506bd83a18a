"""The public ccxt feed against recorded Binance responses (no API key)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from domain.errors import MarketDataUnavailable, UnknownSymbol
from domain.exchanges.ccxt_exchange import CcxtGateway, RetryPolicy, create_client
from domain.market_data.ccxt_feed import CcxtMarketData
from tests.trading.fake_binance import FakeBinance


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def feed(binance):
    async def no_wait(seconds: float) -> None:
        return None

    client = binance.point(create_client("binance", timeout_ms=300))
    feed = CcxtMarketData(CcxtGateway(client, RetryPolicy(attempts=2), sleep=no_wait))
    yield feed
    await feed.close()


async def test_ticker_has_the_24h_statistics(feed, binance):
    ticker = await feed.ticker("BTC/USDT")
    assert (ticker.last, ticker.open, ticker.high, ticker.low) == (D("86811.45"), D("88046.01"), D("88612"), D("86020"))
    assert (ticker.bid, ticker.ask, ticker.base_volume) == (D("86811.44"), D("86811.45"), D("18234.56789"))
    assert round(ticker.change_percent, 3) == D("-1.402")
    [request] = binance.seen("GET", "/api/v3/ticker/24hr")
    assert request.params["symbol"] == "BTCUSDT"


async def test_order_book_top(feed):
    top = await feed.order_book_top("BTC/USDT")
    assert (top.bid, top.bid_amount, top.ask, top.ask_amount) == (D("86811.44"), D("3.12345"), D("86811.45"), D("0.51234"))


async def test_ohlcv_candles_in_order(feed, binance):
    candles = await feed.ohlcv("BTC/USDT", "1h", 4)
    assert [c.opened_at for c in candles][0] == datetime(2025, 11, 25, 8, 0, tzinfo=UTC)
    assert (candles[-1].close, candles[0].volume) == (D("86811.45"), D("612.48213"))
    [request] = binance.seen("GET", "/api/v3/klines")
    assert (request.params["interval"], request.params["limit"]) == ("1h", "4")


async def test_unknown_pair(feed):
    with pytest.raises(UnknownSymbol):
        await feed.ticker("DOGE/USDT")


async def test_unreachable_source_is_market_data_unavailable(feed, binance):
    await binance.stop()
    with pytest.raises(MarketDataUnavailable, match="Binance"):
        await feed.ticker("BTC/USDT")
