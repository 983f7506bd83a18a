"""A Redis cache in front of any market-data source (decorates ``MarketDataPort``).

Keys start with ``cache:market_data:{symbol}`` (the ticker itself lives at exactly that key). A
Redis outage must not take prices down with it: any Redis error is logged and the call goes to
the source uncached. Source errors (``MarketDataUnavailable``, ``UnknownSymbol``) are not cached.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
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


class CachedMarketData:
    def __init__(self, source: MarketDataPort, redis: Redis, *, ttl_seconds: int) -> None:
        self._source = source
        self._redis = redis
        self._ttl = ttl_seconds

    async def market(self, symbol: str) -> Market:
        return await self._cached(
            f"{KEY_PREFIX}{symbol}:market", MARKET_TTL_SECONDS, lambda: self._source.market(symbol),
            lambda raw: from_jsonable(Market, raw),
        )

    async def ticker(self, symbol: str) -> Ticker:
        return await self._cached(
            f"{KEY_PREFIX}{symbol}", self._ttl, lambda: self._source.ticker(symbol), lambda raw: from_jsonable(Ticker, raw)
        )

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
        try:
            raw = await self._redis.get(key)
        except RedisError as error:
            log.warning("market data cache unavailable (%s); reading %s uncached", error, key)
            return await load()
        if raw is not None:
            return decode(json.loads(raw))
        value = await load()
        try:
            await self._redis.set(key, json.dumps(to_jsonable(value)), ex=ttl)
        except RedisError as error:
            log.warning("market data cache unavailable (%s); %s not cached", error, key)
        return value
