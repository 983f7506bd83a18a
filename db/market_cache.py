"""A Redis cache in front of any market-data source (decorates ``MarketDataPort``).

Keys start with ``cache:market_data:{symbol}``. The ticker lives at exactly that key as the
design's Hash (``price``, ``volume_24h``, ``change_24h`` in percent, ``last_updated``, plus the
fields that rebuild the whole ticker), so operators can ``HGETALL`` it; markets, order books and
candles are JSON strings under ``:market``, ``:book`` and ``:ohlcv:...``. A Redis outage must not take prices down with it: any Redis error is logged and the call goes to
the source uncached. Source errors (``MarketDataUnavailable``, ``UnknownSymbol``) are not cached.

In front of Redis, each process reuses what it read for ``local_seconds`` (about a second) before
asking Redis again: under load most requests want the same few tickers and candle series, and a
Redis read is a round trip (plus, for candles, tens of kilobytes) per request. A value is then at
most the Redis TTL plus that second old.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.repositories.codec import from_jsonable, to_jsonable
from domain.models import Candle, Market, OrderBookTop, Ticker
from domain.ports import MarketDataPort

log = logging.getLogger(__name__)
T = TypeVar("T")

KEY_PREFIX = "cache:market_data:"
# Precision, limits and fees change rarely; prices every second.
MARKET_TTL_SECONDS = 3600
# Decoded values kept in process (markets, books, candle series): a few hundred at most.
DECODED_ENTRIES = 256


class CachedMarketData:
    def __init__(
        self, source: MarketDataPort, redis: Redis, *, ttl_seconds: int, local_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._redis = redis
        self._ttl = ttl_seconds
        self._local_seconds = local_seconds
        self._clock = clock
        # key -> (when this process read it, the value): reused for ``local_seconds``.
        self._recent: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        # key -> (the Redis value, what it decodes to): every worker reads the same entry until
        # it expires, so each decodes it once instead of on every request.
        self._decodes: OrderedDict[str, tuple[bytes, Any]] = OrderedDict()
        # key -> the load in progress: when an entry expires, the requests that miss it together
        # share one source call (an exchange request; under load, 16 of them at once).
        self._loading: dict[str, asyncio.Task[Any]] = {}

    async def market(self, symbol: str) -> Market:
        return await self._cached(
            f"{KEY_PREFIX}{symbol}:market", MARKET_TTL_SECONDS, lambda: self._source.market(symbol),
            lambda raw: from_jsonable(Market, raw),
        )

    async def ticker(self, symbol: str) -> Ticker:
        key = f"{KEY_PREFIX}{symbol}"
        recent = self._recently_read(key)
        if recent is not None:
            return recent  # type: ignore[no-any-return]
        try:
            fields = await self._redis.hgetall(key)
        except RedisError as error:
            log.warning("market data cache unavailable (%s); reading %s uncached", error, key)
            return await self._source.ticker(symbol)
        if fields:
            return self._remember(key, _ticker_from_hash(symbol, {k.decode(): v.decode() for k, v in fields.items()}))
        return await self._load_once(key, lambda: self._load_ticker(key, symbol))

    async def _load_ticker(self, key: str, symbol: str) -> Ticker:
        ticker = self._remember(key, await self._source.ticker(symbol))
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.delete(key).hset(key, mapping=_ticker_hash(ticker)).expire(key, self._ttl).execute()
        except RedisError as error:
            log.warning("market data cache unavailable (%s); %s not cached", error, key)
        return ticker

    async def order_book_top(self, symbol: str) -> OrderBookTop:
        return await self._cached(
            f"{KEY_PREFIX}{symbol}:book", self._ttl, lambda: self._source.order_book_top(symbol),
            lambda raw: from_jsonable(OrderBookTop, raw),
        )

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        return await self._cached(
            f"{KEY_PREFIX}{symbol}:ohlcv:{timeframe}:{limit}", self._ttl,
            lambda: self._source.ohlcv(symbol, timeframe, limit),
            lambda raw: [from_jsonable(Candle, candle) for candle in raw],
        )

    async def _cached(
        self, key: str, ttl: int, load: Callable[[], Awaitable[T]], decode: Callable[[Any], T]
    ) -> T:
        recent = self._recently_read(key)
        if recent is not None:
            return recent  # type: ignore[no-any-return]
        try:
            raw = await self._redis.get(key)
        except RedisError as error:
            log.warning("market data cache unavailable (%s); reading %s uncached", error, key)
            return await load()
        if raw is not None:
            return self._remember(key, self._decoded(key, raw, decode))
        return await self._load_once(key, lambda: self._load(key, ttl, load))

    async def _load(self, key: str, ttl: int, load: Callable[[], Awaitable[T]]) -> T:
        value = self._remember(key, await load())
        try:
            await self._redis.set(key, json.dumps(to_jsonable(value)), ex=ttl)
        except RedisError as error:
            log.warning("market data cache unavailable (%s); %s not cached", error, key)
        return value

    async def _load_once(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        """``load()``, or the same load another request already started for ``key``."""
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(load())
            self._loading[key] = task
            task.add_done_callback(lambda done: self._loaded(key, done))
        # Shielded: one waiter giving up (a shutdown, a timeout) does not cancel the others' load.
        value = await asyncio.shield(task)
        return _copy(value)

    def _loaded(self, key: str, task: asyncio.Task[Any]) -> None:
        if self._loading.get(key) is task:
            del self._loading[key]
        if not task.cancelled():
            task.exception()  # seen by the waiters; marked retrieved if all of them gave up

    def _decoded(self, key: str, raw: bytes, decode: Callable[[Any], T]) -> T:
        known = self._decodes.get(key)
        if known is not None and known[0] == raw:
            self._decodes.move_to_end(key)
            value = known[1]
        else:
            value = decode(json.loads(raw))
            self._decodes[key] = (raw, value)
            if len(self._decodes) > DECODED_ENTRIES:
                self._decodes.popitem(last=False)
        return _copy(value)

    def _recently_read(self, key: str) -> Any | None:
        """What this process read for ``key`` less than ``local_seconds`` ago (a copy), else None."""
        entry = self._recent.get(key)
        if entry is None:
            return None
        read_at, value = entry
        if self._clock() - read_at >= self._local_seconds:
            del self._recent[key]
            return None
        return _copy(value)

    def _remember(self, key: str, value: T) -> T:
        if self._local_seconds > 0:
            self._recent[key] = (self._clock(), value)
            self._recent.move_to_end(key)
            if len(self._recent) > DECODED_ENTRIES:
                self._recent.popitem(last=False)
        return _copy(value)


def _copy(value: T) -> T:
    # Values are frozen dataclasses; a list is copied so no caller can change the shared one.
    return list(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _ticker_hash(ticker: Ticker) -> dict[str, str]:
    fields = {
        "price": ticker.last,
        "volume_24h": ticker.base_volume,
        "change_24h": ticker.change_percent,
        "last_updated": ticker.timestamp.isoformat(),
        "open": ticker.open,
        "high": ticker.high,
        "low": ticker.low,
        "quote_volume_24h": ticker.quote_volume,
        "bid": ticker.bid,
        "ask": ticker.ask,
    }
    return {name: str(value) for name, value in fields.items() if value is not None}  # a Hash has no null


def _ticker_from_hash(symbol: str, fields: dict[str, str]) -> Ticker:
    def optional(name: str) -> Decimal | None:
        return Decimal(fields[name]) if name in fields else None

    return Ticker(
        symbol=symbol,
        last=Decimal(fields["price"]),
        open=Decimal(fields["open"]),
        high=Decimal(fields["high"]),
        low=Decimal(fields["low"]),
        base_volume=Decimal(fields["volume_24h"]),
        quote_volume=Decimal(fields["quote_volume_24h"]),
        bid=optional("bid"),
        ask=optional("ask"),
        timestamp=datetime.fromisoformat(fields["last_updated"]),
    )
