"""Real-shaped candles for indicator tests and benchmarks: a seeded geometric random walk with
fat-tailed returns, wicks beyond the bodies, gaps between a close and the next open and
log-normal volume that rises with the size of the move (as on an exchange's hourly chart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from domain.services.indicators import Bars

START = datetime(2026, 1, 1, tzinfo=UTC)


def random_walk(count: int, seed: int = 11, start_price: float = 30_000.0, bar: timedelta = timedelta(hours=1)) -> Bars:
    rng = np.random.default_rng(seed)
    returns = rng.standard_t(df=4, size=count) * 0.006  # hourly moves of about 0.6 %, fat tails
    close = start_price * np.exp(np.cumsum(returns))
    gap = rng.normal(0.0, 0.0005, count)
    open_ = np.concatenate(([start_price], close[:-1])) * (1.0 + gap)
    body_high, body_low = np.maximum(open_, close), np.minimum(open_, close)
    high = body_high * (1.0 + np.abs(rng.normal(0.0, 0.003, count)))
    low = body_low * (1.0 - np.abs(rng.normal(0.0, 0.003, count)))
    volume = rng.lognormal(mean=4.0, sigma=0.6, size=count) * (1.0 + 50.0 * np.abs(returns))
    seconds = START.timestamp() + np.arange(count) * bar.total_seconds()
    return Bars(open_, high, low, close, volume, day=(seconds // 86_400).astype(np.int64))
