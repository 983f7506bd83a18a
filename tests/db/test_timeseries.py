"""Time-series points reach a real server speaking the InfluxDB v2 write API (VictoriaMetrics) and
are read back from its export API: the seed's four measurements, and the trading performance
computed from real positions."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from db.performance import record_trading_performance
from db.timeseries import InfluxTimeSeries, NullTimeSeries, build_time_series
from db.trading_services import build_trading_services
from domain.enums import OrderSide
from domain.models import OrderRequest, Ticker

VICTORIA_METRICS = shutil.which("victoria-metrics")
# CI (.ci/run) sets this: there a missing server is a failure, not a skip.
REQUIRED = os.environ.get("TSR_REQUIRE_VICTORIA_METRICS") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tsdb_url(tmp_path_factory):
    if VICTORIA_METRICS is None:
        message = "victoria-metrics is not installed (scripts/services.sh installs it)"
        pytest.fail(message) if REQUIRED else pytest.skip(message)
    port = _free_port()
    proc = subprocess.Popen(
        [VICTORIA_METRICS, f"-httpListenAddr=127.0.0.1:{port}",
         f"-storageDataPath={tmp_path_factory.mktemp('vm')}", "-retentionPeriod=100y", "-loggerLevel=ERROR"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("victoria-metrics did not start")
    yield url
    proc.terminate()
    proc.wait(10)


def exported(url: str, metric: str, until: Callable[[list[dict]], bool] = bool) -> list[dict]:
    """The stored series of one metric; fresh rows become searchable after a short delay, so
    this asks again until ``until`` holds (or ten seconds passed)."""
    query = urllib.parse.urlencode({"match[]": f'{{__name__="{metric}"}}'})
    deadline = time.monotonic() + 10
    while True:
        urllib.request.urlopen(f"{url}/internal/force_flush", timeout=5)
        with urllib.request.urlopen(f"{url}/api/v1/export?{query}", timeout=5) as response:
            series = [json.loads(line) for line in response.read().decode().splitlines() if line]
        if until(series) or time.monotonic() > deadline:
            return series
        time.sleep(0.2)


def stored(url: str, measurement: str, field: str) -> list[dict]:
    return exported(url, f"{measurement}_{field}")


TICKER = Ticker("BTC/USDT", last=Decimal("61000.5"), open=Decimal("60000"), high=Decimal("61500"), low=Decimal("59500"),
                base_volume=Decimal("1234.5"), quote_volume=Decimal("75000000"), bid=None, ask=None,
                timestamp=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))


def test_the_four_measurements_of_the_design_are_stored_with_their_tags(tsdb_url):
    ts = InfluxTimeSeries(tsdb_url, token="unused", org="desk", bucket="trading")
    ts.market_data("binance", TICKER)
    ts.trading_performance("u1", "p1", "ETH/USDT", pnl=Decimal("150.75"), pnl_percentage=Decimal("3.2"),
                           trade_count=5, win_rate=0.8)
    ts.ai_model_performance("rules-1", "BTC/USDT", confidence=0.93, processing_time_ms=1.5)
    ts.ai_model_performance("technical_analysis", None, confidence=0.7, processing_time_ms=40, accuracy=0.85,
                            prediction_error=2.1)
    ts.system_metrics("telegram_bot", "host-1", response_time_ms=120.5, error_rate=0.01, memory_usage_mb=180)
    ts.close()  # flushes the batch
    assert ts.failed_points == 0

    [price] = stored(tsdb_url, "market_data", "price")
    assert price["metric"] == {"__name__": "market_data_price", "symbol": "BTC/USDT", "exchange": "binance"}
    assert price["values"] == [61000.5] and price["timestamps"] == [int(TICKER.timestamp.timestamp() * 1000)]
    assert stored(tsdb_url, "market_data", "change_24h")[0]["values"] == [pytest.approx(1.6675)]
    assert [stored(tsdb_url, "market_data", f)[0]["values"] for f in ("volume", "high_24h", "low_24h")] == [
        [1234.5], [61500], [59500]]

    [pnl] = stored(tsdb_url, "trading_performance", "pnl")
    assert {k: pnl["metric"][k] for k in ("user_id", "portfolio_id", "symbol")} == {
        "user_id": "u1", "portfolio_id": "p1", "symbol": "ETH/USDT"}
    assert pnl["values"] == [150.75]
    assert [stored(tsdb_url, "trading_performance", f)[0]["values"] for f in ("pnl_percentage", "trade_count", "win_rate")] == [
        [3.2], [5], [0.8]]

    confidences = {s["metric"]["model"]: s for s in stored(tsdb_url, "ai_model_performance", "confidence")}
    assert confidences["rules-1"]["metric"]["symbol"] == "BTC/USDT" and confidences["rules-1"]["values"] == [0.93]
    assert confidences["technical_analysis"]["metric"]["symbol"] == "-"
    [accuracy] = stored(tsdb_url, "ai_model_performance", "accuracy")  # only where it is known
    assert accuracy["metric"]["model"] == "technical_analysis" and accuracy["values"] == [0.85]
    assert len(stored(tsdb_url, "ai_model_performance", "processing_time")) == 2

    [latency] = stored(tsdb_url, "system_metrics", "response_time")
    assert latency["metric"]["service"] == "telegram_bot" and latency["metric"]["instance"] == "host-1"
    assert latency["values"] == [120.5]
    assert stored(tsdb_url, "system_metrics", "error_rate")[0]["values"] == [0.01]
    assert stored(tsdb_url, "system_metrics", "memory_usage")[0]["values"] == [180]


async def test_trading_performance_of_real_positions_reaches_the_server(tsdb_url, session_factory, redis_client):
    trading = build_trading_services(session_factory=session_factory, redis=redis_client, market_data="simulated")
    async with session_factory() as session:
        user = (await session.execute(text("insert into users (username) values ('ts') returning id"))).scalar()
        await session.commit()
    for side, amount in ((OrderSide.BUY, "0.02"), (OrderSide.BUY, "0.01"), (OrderSide.SELL, "0.03"),
                         (OrderSide.BUY, "0.5")):
        symbol = "ETH/USDT" if amount == "0.5" else "BTC/USDT"
        async with trading.uow_factory() as uow:
            preview = await trading.orders.preview(uow, user, OrderRequest(symbol, side, amount=Decimal(amount)))
        async with trading.uow_factory() as uow:
            await trading.orders.confirm(uow, preview.token, user)
    ts = InfluxTimeSeries(tsdb_url, token=None, org="desk", bucket="performance")
    assert await record_trading_performance(trading.uow_factory, trading.market_data, ts) == 2
    ts.close()
    await trading.close()
    def mine(series: list[dict]) -> list[dict]:
        return [s for s in series if s["metric"]["user_id"] == str(user)]

    counts = {s["metric"]["symbol"]: s for s in mine(exported(
        tsdb_url, "trading_performance_trade_count", until=lambda series: len(mine(series)) == 2))}
    assert counts["BTC/USDT"]["values"][-1] == 3 and counts["ETH/USDT"]["values"][-1] == 1
    btc_pnl = [s for s in mine(exported(tsdb_url, "trading_performance_pnl", until=lambda series: len(mine(series)) == 2))
               if s["metric"]["symbol"] == "BTC/USDT"][0]["values"][-1]
    assert btc_pnl < 0  # bought and sold at the same simulated price: the fees are the loss
    win_rates = {s["metric"]["symbol"] for s in mine(exported(
        tsdb_url, "trading_performance_win_rate", until=lambda series: bool(mine(series))))}
    assert win_rates == {"BTC/USDT"}  # the ETH position is still open: no win rate yet


def test_an_unreachable_server_is_counted_and_logged_once(caplog):
    ts = InfluxTimeSeries(f"http://127.0.0.1:{_free_port()}", token=None, org="o", bucket="b", timeout_ms=500,
                          batch_size=2, max_retries=0)
    with caplog.at_level(logging.WARNING, logger="db.timeseries"):
        for _ in range(6):  # three batches, each failing
            ts.system_metrics("bot", "h", response_time_ms=1, error_rate=0, memory_usage_mb=1)
        ts.close()
    assert ts.failed_points == 6
    failing = [r for r in caplog.records if "are failing" in r.getMessage()]
    assert len(failing) == 1 and "6 point(s) could not be written" in caplog.text
    ts.market_data("binance", TICKER)  # after close: dropped quietly, never raised


def test_without_a_url_the_null_writer_is_used():
    series = build_time_series(None, None, "o", "b")
    assert isinstance(series, NullTimeSeries)
    series.market_data("binance", TICKER)
    series.close()
