"""Time series in InfluxDB (or any server speaking its v2 write API), as the seed designs them:

- ``market_data`` (tags symbol, exchange): price, volume, high_24h, low_24h, change_24h
- ``trading_performance`` (tags user_id, portfolio_id, symbol): pnl, pnl_percentage,
  trade_count, win_rate
- ``ai_model_performance`` (tags model, symbol): confidence and processing_time when a model
  answers; accuracy and prediction_error when a technical call is scored after it expired
- ``system_metrics`` (tags service, instance): response_time, error_rate, memory_usage

Recording a point never waits for the network: points go to ``influxdb-client``'s batching
write API, whose background thread sends them in batches (every second or 500 points) and
retries. Metrics are secondary to trading, so a batch that finally fails is counted and the first
failure logged, never raised; :meth:`InfluxTimeSeries.close` sends what is still buffered.
Without INFLUX_URL the bot uses :class:`NullTimeSeries`.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from influxdb_client import InfluxDBClient, Point, WriteOptions, WritePrecision

from domain.models import Ticker

log = logging.getLogger(__name__)

NO_SYMBOL = "-"  # tag value for a model call that concerned no particular pair


class TimeSeries(Protocol):
    failed_points: int

    def market_data(self, exchange: str, ticker: Ticker) -> None: ...
    def trading_performance(
        self, user_id: str, portfolio_id: str, symbol: str, *, pnl: Decimal, pnl_percentage: Decimal,
        trade_count: int, win_rate: float | None,
    ) -> None: ...
    def ai_model_performance(
        self, model: str, symbol: str | None, *, confidence: float, processing_time_ms: float | None = None,
        accuracy: float | None = None, prediction_error: float | None = None,
    ) -> None: ...
    def system_metrics(
        self, service: str, instance: str, *, response_time_ms: float, error_rate: float, memory_usage_mb: float,
    ) -> None: ...
    def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


def market_data_point(exchange: str, ticker: Ticker) -> Point:
    # Line protocol has no decimal type; float is precise enough for charts and statistics.
    return (
        Point("market_data").tag("symbol", ticker.symbol).tag("exchange", exchange)
        .field("price", float(ticker.last))
        .field("volume", float(ticker.base_volume))
        .field("high_24h", float(ticker.high))
        .field("low_24h", float(ticker.low))
        .field("change_24h", float(ticker.change_percent))
        .time(ticker.timestamp, WritePrecision.MS)
    )


def trading_performance_point(
    user_id: str, portfolio_id: str, symbol: str, *, pnl: Decimal, pnl_percentage: Decimal, trade_count: int,
    win_rate: float | None,
) -> Point:
    point = (
        Point("trading_performance").tag("user_id", user_id).tag("portfolio_id", portfolio_id).tag("symbol", symbol)
        .field("pnl", float(pnl)).field("pnl_percentage", float(pnl_percentage)).field("trade_count", int(trade_count))
    )
    if win_rate is not None:  # no closed position yet: no win rate to speak of
        point = point.field("win_rate", float(win_rate))
    return point.time(_now(), WritePrecision.MS)


def ai_model_point(
    model: str, symbol: str | None, *, confidence: float, processing_time_ms: float | None = None,
    accuracy: float | None = None, prediction_error: float | None = None,
) -> Point:
    point = Point("ai_model_performance").tag("model", model).tag("symbol", symbol or NO_SYMBOL)
    point = point.field("confidence", float(confidence))
    if processing_time_ms is not None:  # a call's later scoring has no processing time
        point = point.field("processing_time", float(processing_time_ms))
    if accuracy is not None:
        point = point.field("accuracy", float(accuracy))
    if prediction_error is not None:
        point = point.field("prediction_error", float(prediction_error))
    return point.time(_now(), WritePrecision.MS)


def system_metrics_point(
    service: str, instance: str, *, response_time_ms: float, error_rate: float, memory_usage_mb: float,
) -> Point:
    return (
        Point("system_metrics").tag("service", service).tag("instance", instance)
        .field("response_time", float(response_time_ms)).field("error_rate", float(error_rate))
        .field("memory_usage", float(memory_usage_mb))
        .time(_now(), WritePrecision.MS)
    )


class InfluxTimeSeries:
    def __init__(
        self, url: str, token: str | None, org: str, bucket: str, *, timeout_ms: int = 5_000,
        batch_size: int = 500, flush_interval_ms: int = 1_000, max_retries: int = 3,
    ) -> None:
        # The client logs every failed batch and retry itself; this adapter logs once instead.
        for noisy in ("influxdb_client.client.write_api", "influxdb_client.client.write.retry"):
            logging.getLogger(noisy).setLevel(logging.CRITICAL)
        self._client = InfluxDBClient(url=url, token=token or "", org=org, timeout=timeout_ms)
        options = WriteOptions(batch_size=batch_size, flush_interval=flush_interval_ms, jitter_interval=0,
                               retry_interval=500, max_retries=max_retries, max_retry_delay=5_000,
                               max_retry_time=30_000, max_close_wait=10_000)
        self._write_api = self._client.write_api(write_options=options, error_callback=self._failed)
        self._bucket = bucket
        self._org = org
        self._lock = threading.Lock()  # the callback runs on the client's writer thread
        self.failed_points = 0
        self._closed = False

    def _failed(self, _batch: tuple[str, str, str], data: str | bytes, error: Exception) -> None:
        lines = (data.decode() if isinstance(data, bytes) else data).count("\n") + 1
        with self._lock:
            first = self.failed_points == 0
            self.failed_points += lines
        if first:
            log.warning("Time-series writes are failing (%s); points are counted and dropped, "
                        "further failures are not logged.", error)

    def _record(self, point: Point) -> None:
        if self._closed:
            return
        try:
            self._write_api.write(bucket=self._bucket, org=self._org, record=point, write_precision=WritePrecision.MS)
        except Exception:  # noqa: BLE001 - enqueueing must never break the caller
            with self._lock:
                self.failed_points += 1

    def market_data(self, exchange: str, ticker: Ticker) -> None:
        self._record(market_data_point(exchange, ticker))

    def trading_performance(
        self, user_id: str, portfolio_id: str, symbol: str, *, pnl: Decimal, pnl_percentage: Decimal,
        trade_count: int, win_rate: float | None,
    ) -> None:
        self._record(trading_performance_point(user_id, portfolio_id, symbol, pnl=pnl, pnl_percentage=pnl_percentage,
                                               trade_count=trade_count, win_rate=win_rate))

    def ai_model_performance(
        self, model: str, symbol: str | None, *, confidence: float, processing_time_ms: float | None = None,
        accuracy: float | None = None, prediction_error: float | None = None,
    ) -> None:
        self._record(ai_model_point(model, symbol, confidence=confidence, processing_time_ms=processing_time_ms,
                                    accuracy=accuracy, prediction_error=prediction_error))

    def system_metrics(
        self, service: str, instance: str, *, response_time_ms: float, error_rate: float, memory_usage_mb: float,
    ) -> None:
        self._record(system_metrics_point(service, instance, response_time_ms=response_time_ms,
                                          error_rate=error_rate, memory_usage_mb=memory_usage_mb))

    def close(self) -> None:
        """Send what is buffered (blocking: call it off the event loop), then release the client."""
        if self._closed:
            return
        self._closed = True
        self._write_api.close()
        self._client.close()
        if self.failed_points:
            log.warning("Time series: %d point(s) could not be written in this run.", self.failed_points)


class NullTimeSeries:
    """Used when no time-series server is configured: every write is a no-op by design."""

    failed_points = 0

    def market_data(self, exchange: str, ticker: Ticker) -> None:
        return None

    def trading_performance(
        self, user_id: str, portfolio_id: str, symbol: str, *, pnl: Decimal, pnl_percentage: Decimal,
        trade_count: int, win_rate: float | None,
    ) -> None:
        return None

    def ai_model_performance(
        self, model: str, symbol: str | None, *, confidence: float, processing_time_ms: float | None = None,
        accuracy: float | None = None, prediction_error: float | None = None,
    ) -> None:
        return None

    def system_metrics(
        self, service: str, instance: str, *, response_time_ms: float, error_rate: float, memory_usage_mb: float,
    ) -> None:
        return None

    def close(self) -> None:
        return None


def build_time_series(url: str | None, token: str | None, org: str, bucket: str) -> TimeSeries:
    return InfluxTimeSeries(url, token, org, bucket) if url else NullTimeSeries()
