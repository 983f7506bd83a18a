from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.charts import allocation_chart, price_chart
from domain.models import Candle

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _candles(n: int) -> list[Candle]:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        o, c = Decimal(100 + i), Decimal(101 + i if i % 3 else 99 + i)
        out.append(Candle(t0 + timedelta(hours=i), o, max(o, c) + 1, min(o, c) - 1, c, Decimal(10 + i)))
    return out


def test_price_chart_is_a_png_image():
    image = price_chart("BTC/USDT", "1h", _candles(60))
    assert image.startswith(PNG_MAGIC) and len(image) > 5_000


def test_a_short_history_still_draws_without_the_long_averages():
    assert price_chart("ETH/USDT", "1d", _candles(5)).startswith(PNG_MAGIC)


def test_allocation_chart_skips_empty_assets_and_refuses_nothing():
    image = allocation_chart([("USDT", Decimal("5000")), ("BTC", Decimal("0")), ("ETH", Decimal("2000"))])
    assert image.startswith(PNG_MAGIC)
    with pytest.raises(ValueError):
        allocation_chart([("BTC", Decimal("0"))])
    with pytest.raises(ValueError):
        price_chart("BTC/USDT", "1h", [])
