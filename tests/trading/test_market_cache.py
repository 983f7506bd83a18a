"""The Redis market-data cache: hits, misses, expiry, and a Redis outage degrading to uncached."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncio

import pytest
import redis.asyncio as aioredis

from db.market_cache import CachedMarketData
from domain.errors import MarketDataUnavailable
from domain.market_data.simulated import SimulatedMarketData

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class CountingSource:
    """The simulated feed, counting how often it is asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._feed = SimulatedMarketData(seed=3, clock=lambda: NOW)
        self.down = False
        self.gate: asyncio.Event | None = None  # when set, calls wait for it to open

    def __getattr__(self, name: str):
        async def call(*args):
            self.calls.append(name)
            if self.gate is not None:
                await self.gate.wait()
            if self.down:
                raise MarketDataUnavailable("The source is down.")
            return await getattr(self._feed, name)(*args)

        return call


@pytest.fixture
def source() -> CountingSource:
    return CountingSource()


async def test_second_read_within_the_ttl_is_served_from_redis(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    first = await cache.ticker("BTC/USDT")
    second = await cache.ticker("BTC/USDT")
    assert first == second and source.calls == ["ticker"]
    assert 0 < await redis_client.ttl("cache:market_data:BTC/USDT") <= 10


async def test_the_ticker_is_the_designs_hash(source, redis_client):
    ticker = await CachedMarketData(source, redis_client, ttl_seconds=10).ticker("BTC/USDT")
    stored = {k.decode(): v.decode() for k, v in (await redis_client.hgetall("cache:market_data:BTC/USDT")).items()}
    assert (stored["price"], stored["volume_24h"], stored["change_24h"], stored["last_updated"]) == (
        str(ticker.last), str(ticker.base_volume), str(ticker.change_percent), NOW.isoformat())


async def test_every_kind_of_data_round_trips_through_the_cache(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    fresh = [await cache.market("ETH/USDT"), await cache.order_book_top("ETH/USDT"), await cache.ohlcv("ETH/USDT", "1h", 30)]
    cached = [await cache.market("ETH/USDT"), await cache.order_book_top("ETH/USDT"), await cache.ohlcv("ETH/USDT", "1h", 30)]
    assert cached == fresh and source.calls == ["market", "order_book_top", "ohlcv"]


async def test_candles_follow_the_redis_entry_when_another_worker_replaces_it(source, redis_client):
    """Decoded candles are kept per Redis value: a new value (another worker refreshed the entry)
    is decoded again, and callers never share one list."""
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    key = "cache:market_data:ETH/USDT:ohlcv:1h:30"
    first = await cache.ohlcv("ETH/USDT", "1h", 30)
    again = await cache.ohlcv("ETH/USDT", "1h", 30)
    assert again == first and again is not first
    again.clear()
    assert await cache.ohlcv("ETH/USDT", "1h", 30) == first

    other = CachedMarketData(source, redis_client, ttl_seconds=10)
    await redis_client.delete(key)
    source._feed = SimulatedMarketData(seed=4, clock=lambda: NOW)
    refreshed = await other.ohlcv("ETH/USDT", "1h", 30)
    assert refreshed != first
    assert await cache.ohlcv("ETH/USDT", "1h", 30) == refreshed


async def test_an_expired_entry_is_read_again(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    await cache.ticker("BTC/USDT")
    await redis_client.delete("cache:market_data:BTC/USDT")  # what the TTL does after 10 s
    await cache.ticker("BTC/USDT")
    assert source.calls == ["ticker", "ticker"]


async def test_redis_down_serves_uncached_instead_of_failing(source):
    dead = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2, socket_timeout=0.2)
    cache = CachedMarketData(source, dead, ttl_seconds=10)
    first, second = await cache.ticker("BTC/USDT"), await cache.ticker("BTC/USDT")
    assert first == second and source.calls == ["ticker", "ticker"]
    await dead.aclose()


async def test_source_failures_are_not_cached(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    source.down = True
    with pytest.raises(MarketDataUnavailable):
        await cache.ticker("BTC/USDT")
    source.down = False
    assert (await cache.ticker("BTC/USDT")).symbol == "BTC/USDT"


async def _together(source: CountingSource, calls):
    """Run the calls at once while the source is slow (long enough for all of them to miss)."""
    source.gate = asyncio.Event()
    pending = asyncio.gather(*calls, return_exceptions=True)
    await asyncio.sleep(0.2)  # each miss is one local Redis GET, well under a millisecond
    source.gate.set()
    return await pending


async def test_requests_that_miss_together_share_one_source_call(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    candles = await _together(source, [cache.ohlcv("BTC/USDT", "1h", 30) for _ in range(8)])
    tickers = await _together(source, [cache.ticker("ETH/USDT") for _ in range(8)])
    assert source.calls == ["ohlcv", "ticker"]
    assert all(series == candles[0] for series in candles) and len(set(map(id, candles))) == 8  # copies
    assert len(set(tickers)) == 1
    assert await redis_client.exists("cache:market_data:BTC/USDT:ohlcv:1h:30")


async def test_a_shared_load_that_fails_fails_every_waiter_and_is_not_remembered(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    source.down = True
    results = await _together(source, [cache.ohlcv("BTC/USDT", "1h", 30) for _ in range(3)])
    assert all(isinstance(result, MarketDataUnavailable) for result in results) and source.calls == ["ohlcv"]
    source.down, source.gate = False, None
    assert len(await cache.ohlcv("BTC/USDT", "1h", 30)) == 30 and source.calls == ["ohlcv", "ohlcv"]


async def test_a_value_read_recently_is_reused_in_process_without_asking_redis(source, redis_client):
    """Within ``local_seconds`` a process answers from what it read; after it, Redis is asked again
    (and sees another worker's newer value)."""
    now = [100.0]
    cache = CachedMarketData(source, redis_client, ttl_seconds=10, local_seconds=1.0, clock=lambda: now[0])
    first = await cache.ticker("BTC/USDT")
    candles = await cache.ohlcv("ETH/USDT", "1h", 30)
    await redis_client.flushdb()  # Redis forgets; this process still has the values for a second

    now[0] += 0.5
    assert await cache.ticker("BTC/USDT") == first
    again = await cache.ohlcv("ETH/USDT", "1h", 30)
    assert again == candles and again is not candles  # each caller gets its own list
    assert source.calls == ["ticker", "ohlcv"]

    now[0] += 0.6  # past the second: Redis is asked, finds nothing, the source is asked again
    await cache.ticker("BTC/USDT")
    await cache.ohlcv("ETH/USDT", "1h", 30)
    assert source.calls == ["ticker", "ohlcv", "ticker", "ohlcv"]


async def test_without_local_seconds_every_read_asks_redis(source, redis_client):
    cache = CachedMarketData(source, redis_client, ttl_seconds=10)
    await cache.ticker("BTC/USDT")
    await redis_client.flushdb()
    await cache.ticker("BTC/USDT")
    assert source.calls == ["ticker", "ticker"]
