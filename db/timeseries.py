"""Time series (market data, trading performance, system and model metrics) in InfluxDB.

Written with ``influxdb-client``'s async API to any server that speaks the InfluxDB v2 write
API. Metrics are secondary to trading: a write that fails is logged and counted, never raised
into the update that produced it. Without INFLUX_URL the bot uses :class:`NullTimeSeries`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from influxdb_client import Point, WritePrecision
from influxdb_client.client.influxdb_client_async import InfluxDBClientAsync

log = logging.getLogger(__name__)

# (timestamp, open, high, low, close, volume)
Candle = tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal]


class TimeSeries(Protocol):
    async def write_price(self, symbol: str, source: str, price: Decimal, at: datetime | None = None) -> None: ...
    async def write_candles(self, symbol: str, source: str, timeframe: str, candles: Sequence[Candle]) -> None: ...
    async def write_portfolio_value(
        self, portfolio_id: str, value: Decimal, realized_pnl: Decimal, unrealized_pnl: Decimal
    ) -> None: ...
    async def write_fill(self, symbol: str, side: str, quantity: Decimal, price: Decimal, fee: Decimal) -> None: ...
    async def write_parse(self, command_type: str, model_version: str, confidence: float, latency_ms: float) -> None: ...
    async def write_update_handled(self, kind: str, latency_ms: float, ok: bool) -> None: ...
    async def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _f(value: Decimal) -> float:
    # Line protocol has no decimal type; float is precise enough for charts and statistics.
    return float(value)


class InfluxTimeSeries:
    def __init__(self, url: str, token: str | None, org: str, bucket: str, timeout_ms: int = 3000) -> None:
        self._client = InfluxDBClientAsync(url=url, token=token or "", org=org, timeout=timeout_ms)
        self._write_api = self._client.write_api()
        self._bucket = bucket
        self._org = org
        self.failed_writes = 0

    async def _write(self, points: Iterable[Point]) -> None:
        points = list(points)
        if not points:
            return
        try:
            await self._write_api.write(
                bucket=self._bucket, org=self._org, record=points, write_precision=WritePrecision.MS
            )
        except Exception as error:  # noqa: BLE001 - any transport or server error
            self.failed_writes += 1
            log.warning("time-series write of %d point(s) failed: %s", len(points), error)

    async def write_price(self, symbol: str, source: str, price: Decimal, at: datetime | None = None) -> None:
        point = Point("market_price").tag("symbol", symbol).tag("source", source).field("price", _f(price))
        await self._write([point.time(at or _now(), WritePrecision.MS)])

    async def write_candles(self, symbol: str, source: str, timeframe: str, candles: Sequence[Candle]) -> None:
        await self._write(
            Point("market_candle")
            .tag("symbol", symbol)
            .tag("source", source)
            .tag("timeframe", timeframe)
            .field("open", _f(o))
            .field("high", _f(h))
            .field("low", _f(low))
            .field("close", _f(c))
            .field("volume", _f(v))
            .time(ts, WritePrecision.MS)
            for ts, o, h, low, c, v in candles
        )

    async def write_portfolio_value(
        self, portfolio_id: str, value: Decimal, realized_pnl: Decimal, unrealized_pnl: Decimal
    ) -> None:
        point = (
            Point("portfolio_value")
            .tag("portfolio_id", portfolio_id)
            .field("value", _f(value))
            .field("realized_pnl", _f(realized_pnl))
            .field("unrealized_pnl", _f(unrealized_pnl))
        )
        await self._write([point.time(_now(), WritePrecision.MS)])

    async def write_fill(self, symbol: str, side: str, quantity: Decimal, price: Decimal, fee: Decimal) -> None:
        point = (
            Point("trade_fill")
            .tag("symbol", symbol)
            .tag("side", side)
            .field("quantity", _f(quantity))
            .field("price", _f(price))
            .field("notional", _f(quantity * price))
            .field("fee", _f(fee))
        )
        await self._write([point.time(_now(), WritePrecision.MS)])

    async def write_parse(self, command_type: str, model_version: str, confidence: float, latency_ms: float) -> None:
        point = (
            Point("nlp_parse")
            .tag("command_type", command_type)
            .tag("model_version", model_version)
            .field("confidence", float(confidence))
            .field("latency_ms", float(latency_ms))
        )
        await self._write([point.time(_now(), WritePrecision.MS)])

    async def write_update_handled(self, kind: str, latency_ms: float, ok: bool) -> None:
        point = (
            Point("bot_update")
            .tag("kind", kind)
            .tag("ok", "true" if ok else "false")
            .field("latency_ms", float(latency_ms))
        )
        await self._write([point.time(_now(), WritePrecision.MS)])

    async def close(self) -> None:
        await self._client.close()


class NullTimeSeries:
    """Used when no time-series server is configured: every write is a no-op by design."""

    async def write_price(self, symbol: str, source: str, price: Decimal, at: datetime | None = None) -> None:
        return None

    async def write_candles(self, symbol: str, source: str, timeframe: str, candles: Sequence[Candle]) -> None:
        return None

    async def write_portfolio_value(
        self, portfolio_id: str, value: Decimal, realized_pnl: Decimal, unrealized_pnl: Decimal
    ) -> None:
        return None

    async def write_fill(self, symbol: str, side: str, quantity: Decimal, price: Decimal, fee: Decimal) -> None:
        return None

    async def write_parse(self, command_type: str, model_version: str, confidence: float, latency_ms: float) -> None:
        return None

    async def write_update_handled(self, kind: str, latency_ms: float, ok: bool) -> None:
        return None

    async def close(self) -> None:
        return None


def build_time_series(url: str | None, token: str | None, org: str, bucket: str) -> TimeSeries:
    return InfluxTimeSeries(url, token, org, bucket) if url else NullTimeSeries()
