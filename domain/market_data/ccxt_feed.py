"""Public market data from a ccxt exchange (no API key), as the ``MarketDataPort``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from domain.errors import ExchangeUnavailable, MarketDataUnavailable, RateLimited
from domain.exchanges.ccxt_exchange import CcxtGateway, create_client, decimal, market_from_ccxt
from domain.market_data import ticks
from domain.models import Candle, Market, OrderBookTop, Ticker
from domain.numbers import ZERO
from domain.phrases import phrase

ORDER_BOOK_DEPTH = 5


def _time(milliseconds: int | None) -> datetime:
    return datetime.now(UTC) if milliseconds is None else datetime.fromtimestamp(milliseconds / 1000, UTC)


def _required(value: Any, what: str) -> Decimal:
    number = decimal(value)
    if number is None:
        raise MarketDataUnavailable(f"The exchange sent no {what}.")
    return number


class CcxtMarketData:
    def __init__(self, gateway: CcxtGateway) -> None:
        self._gateway = gateway
        self._client = gateway.client
        self._ticks_listed = False

    @classmethod
    def public(cls, exchange_id: str) -> CcxtMarketData:
        return cls(CcxtGateway(create_client(exchange_id)))

    async def market(self, symbol: str) -> Market:
        async with self._available():
            raw = await self._gateway.market(symbol)
            self._list_ticks()
            return market_from_ccxt(raw)

    def _list_ticks(self) -> None:
        """Once the markets are loaded, every market's tick goes where the renderers find it."""
        if not self._ticks_listed and self._client.markets:
            ticks.learn(market_from_ccxt(raw) for raw in self._client.markets.values()
                        if (raw.get("precision") or {}).get("price") is not None)
            self._ticks_listed = True

    async def ticker(self, symbol: str) -> Ticker:
        async with self._available():
            raw = await self._gateway.call(self._client.fetch_ticker, symbol)
            self._list_ticks()  # ccxt loads the markets before its first request
        last = _required(raw.get("last") or raw.get("close"), "last price")
        return Ticker(
            symbol=raw["symbol"],
            last=last,
            open=decimal(raw.get("open")) or last,
            high=decimal(raw.get("high")) or last,
            low=decimal(raw.get("low")) or last,
            base_volume=decimal(raw.get("baseVolume")) or ZERO,
            quote_volume=decimal(raw.get("quoteVolume")) or ZERO,
            bid=decimal(raw.get("bid")),
            ask=decimal(raw.get("ask")),
            timestamp=_time(raw.get("timestamp")),
        )

    async def order_book_top(self, symbol: str) -> OrderBookTop:
        async with self._available():
            raw = await self._gateway.call(self._client.fetch_order_book, symbol, ORDER_BOOK_DEPTH)
        if not raw["bids"] or not raw["asks"]:
            raise MarketDataUnavailable(phrase("The {symbol} order book is empty.", symbol=symbol))
        (bid, bid_amount, *_), (ask, ask_amount, *_) = raw["bids"][0], raw["asks"][0]
        return OrderBookTop(
            symbol=symbol,
            bid=_required(bid, "bid"),
            bid_amount=_required(bid_amount, "bid size"),
            ask=_required(ask, "ask"),
            ask_amount=_required(ask_amount, "ask size"),
            timestamp=_time(raw.get("timestamp")),
        )

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        async with self._available():
            rows = await self._gateway.call(self._client.fetch_ohlcv, symbol, timeframe, None, limit)
            self._list_ticks()
        return [
            Candle(_time(t), _required(o, "open"), _required(h, "high"), _required(lo, "low"), _required(c, "close"),
                   decimal(v) or ZERO)
            for t, o, h, lo, c, v in rows
        ]

    async def close(self) -> None:
        await self._gateway.close()

    @asynccontextmanager
    async def _available(self) -> AsyncIterator[None]:
        try:
            yield
        except (ExchangeUnavailable, RateLimited) as error:
            raise MarketDataUnavailable(phrase(
                "Market data from {exchange} is unavailable right now. Please try again shortly.",
                exchange=self._client.name,
            )) from error
