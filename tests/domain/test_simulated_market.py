"""The simulated feed: deterministic, self-consistent across timeframes and with the ticker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from domain.errors import UnknownSymbol
from domain.market_data.simulated import SimulatedMarketData

NOW = datetime(2026, 3, 4, 13, 7, tzinfo=UTC)  # a Wednesday


def feed(seed: int = 11, now: datetime = NOW) -> SimulatedMarketData:
    return SimulatedMarketData(seed=seed, clock=lambda: now)


async def test_same_seed_and_time_give_the_same_market():
    assert await feed().ohlcv("BTC/USDT", "1h", 50) == await feed().ohlcv("BTC/USDT", "1h", 50)
    assert (await feed(seed=12).ticker("BTC/USDT")).last != (await feed().ticker("BTC/USDT")).last


async def test_prices_stay_near_realistic_levels():
    btc, eth = (await feed().ticker("BTC/USDT")).last, (await feed().ticker("ETH/USDT")).last
    assert D(45_000) < btc < D(180_000) and D(1_500) < eth < D(6_000)


async def test_candles_are_contiguous_and_well_formed_and_end_at_the_current_price():
    candles = await feed().ohlcv("ETH/USDT", "15m", 200)
    assert len(candles) == 200 and candles[-1].opened_at == NOW.replace(minute=0)
    for earlier, later in zip(candles, candles[1:]):
        assert later.opened_at - earlier.opened_at == timedelta(minutes=15)
        assert later.open == earlier.close
    assert all(c.low <= min(c.open, c.close) and c.high >= max(c.open, c.close) and c.volume > 0 for c in candles)
    assert candles[-1].close == (await feed().ticker("ETH/USDT")).last


async def test_timeframes_agree():
    market = feed(now=datetime(2026, 3, 4, 16, 30, tzinfo=UTC))
    [four_hours] = [c for c in await market.ohlcv("SOL/USDT", "4h", 3) if c.opened_at.hour == 12]
    hours = [c for c in await market.ohlcv("SOL/USDT", "1h", 6) if 12 <= c.opened_at.hour < 16]
    assert len(hours) == 4 and (four_hours.open, four_hours.close) == (hours[0].open, hours[-1].close)


async def test_weekly_candles_open_on_monday():
    [week] = await feed().ohlcv("BTC/USDT", "1w", 1)
    assert week.opened_at == datetime(2026, 3, 2, tzinfo=UTC)


async def test_cross_pair_is_the_ratio_of_the_usd_prices():
    market = feed()
    ratio = (await market.ticker("ETH/USDT")).last / (await market.ticker("BTC/USDT")).last
    assert abs((await market.ticker("ETH/BTC")).last - ratio) / ratio < D("0.001")
    assert (await market.market("ETH/BTC")).amount_precision == 4


async def test_order_book_straddles_the_price():
    market = feed()
    top, last = await market.order_book_top("BTC/USDT"), (await market.ticker("BTC/USDT")).last
    assert top.bid < last < top.ask and top.bid_amount > 0 and top.spread_percent < D("0.02")


async def test_unknown_pairs_are_refused():
    with pytest.raises(UnknownSymbol):
        await feed().ticker("NOPE/USDT")
