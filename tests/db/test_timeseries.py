"""Time-series writes reach a real server speaking the InfluxDB v2 write API (VictoriaMetrics)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from db.timeseries import InfluxTimeSeries, NullTimeSeries, build_time_series

VICTORIA_METRICS = shutil.which("victoria-metrics")
pytestmark = pytest.mark.skipif(
    VICTORIA_METRICS is None, reason="victoria-metrics is not installed (scripts/services.sh installs it)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tsdb_url(tmp_path_factory):
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


def exported(url: str, metric: str) -> list[dict]:
    """The stored series of one metric; fresh rows become searchable after a short delay."""
    query = urllib.parse.urlencode({"match[]": f'{{__name__="{metric}"}}'})
    deadline = time.monotonic() + 10
    while True:
        urllib.request.urlopen(f"{url}/internal/force_flush", timeout=5)
        with urllib.request.urlopen(f"{url}/api/v1/export?{query}", timeout=5) as response:
            series = [json.loads(line) for line in response.read().decode().splitlines() if line]
        if series or time.monotonic() > deadline:
            return series
        time.sleep(0.2)


async def test_prices_and_candles_are_stored_with_their_tags(tsdb_url):
    ts = InfluxTimeSeries(tsdb_url, token="unused", org="desk", bucket="trading")
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    await ts.write_price("BTC/USDT", "simulated", Decimal("61000.5"), at=at)
    candles = [
        (at + timedelta(hours=i), Decimal(100 + i), Decimal(110 + i), Decimal(90 + i), Decimal(105 + i), Decimal(7))
        for i in range(3)
    ]
    await ts.write_candles("ETH/USDT", "simulated", "1h", candles)
    await ts.close()

    [price] = exported(tsdb_url, "market_price_price")
    assert price["metric"]["symbol"] == "BTC/USDT" and price["metric"]["source"] == "simulated"
    assert price["values"] == [61000.5] and price["timestamps"] == [int(at.timestamp() * 1000)]
    [closes] = exported(tsdb_url, "market_candle_close")
    assert closes["metric"]["timeframe"] == "1h"
    assert closes["values"] == [105, 106, 107]
    assert ts.failed_writes == 0


async def test_model_and_trading_metrics_are_written(tsdb_url):
    ts = InfluxTimeSeries(tsdb_url, token=None, org="desk", bucket="trading")
    await ts.write_parse("trade_execution", "rules-1", confidence=0.93, latency_ms=0.8)
    await ts.write_fill("BTC/USDT", "buy", Decimal("0.5"), Decimal("60000"), Decimal("30"))
    await ts.write_portfolio_value("p1", Decimal("10100"), Decimal("60"), Decimal("40"))
    await ts.write_update_handled("message", latency_ms=12.5, ok=True)
    await ts.close()
    assert ts.failed_writes == 0
    [confidence] = exported(tsdb_url, "nlp_parse_confidence")
    assert confidence["metric"]["command_type"] == "trade_execution" and confidence["values"] == [0.93]
    [notional] = exported(tsdb_url, "trade_fill_notional")
    assert notional["values"] == [30000]
    [value] = exported(tsdb_url, "portfolio_value_value")
    assert value["metric"]["portfolio_id"] == "p1"
    assert exported(tsdb_url, "bot_update_latency_ms")[0]["metric"]["ok"] == "true"


async def test_an_unreachable_server_is_counted_not_raised():
    ts = InfluxTimeSeries(f"http://127.0.0.1:{_free_port()}", token=None, org="o", bucket="b", timeout_ms=500)
    await ts.write_price("BTC/USDT", "simulated", Decimal("1"))
    await ts.close()
    assert ts.failed_writes == 1


def test_without_a_url_the_null_writer_is_used():
    assert isinstance(build_time_series(None, None, "o", "b"), NullTimeSeries)
