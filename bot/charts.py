"""Chart images (PNG) for Telegram: price candles with moving averages, portfolio allocation.

Rendering is CPU work of tens of milliseconds, so callers run these functions in a thread
(``asyncio.to_thread``) to keep the event loop free. matplotlib is used headless (Agg), with a
figure object per call: pyplot's global state is not thread-safe.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede any pyplot import elsewhere

from matplotlib.figure import Figure  # noqa: E402

from domain.models import Candle  # noqa: E402
from domain.services.indicators import ema  # noqa: E402

UP, DOWN, GRID = "#26a69a", "#ef5350", "#e0e0e0"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def price_chart(symbol: str, timeframe: str, candles: Sequence[Candle], ema_periods: Sequence[int] = (20, 50)) -> bytes:
    """Candlesticks with volume bars and EMAs."""
    if not candles:
        raise ValueError("no candles to draw")
    figure = Figure(figsize=(8, 4.5))
    grid = figure.add_gridspec(4, 1, hspace=0.05)
    prices = figure.add_subplot(grid[:3, 0])
    volume = figure.add_subplot(grid[3, 0], sharex=prices)
    xs = range(len(candles))
    for x, candle in zip(xs, candles, strict=True):
        color = UP if candle.close >= candle.open else DOWN
        prices.vlines(x, float(candle.low), float(candle.high), color=color, linewidth=0.8)
        body_low, body_high = sorted((float(candle.open), float(candle.close)))
        prices.bar(x, max(body_high - body_low, float(candle.close) * 1e-5), bottom=body_low, color=color, width=0.7)
        volume.bar(x, float(candle.volume), color=color, width=0.7)
    closes = [float(c.close) for c in candles]
    for period in ema_periods:
        line = ema(closes, period)
        if len(line) and not all(v != v for v in line):
            prices.plot(xs, line, linewidth=1, label=f"EMA {period}")
    if prices.get_legend_handles_labels()[0]:
        prices.legend(loc="upper left", fontsize=8)
    prices.set_title(f"{symbol} · {timeframe} · last {closes[-1]:,.8g}", fontsize=10)
    prices.grid(color=GRID, linewidth=0.5)
    volume.grid(color=GRID, linewidth=0.5)
    step = max(len(candles) // 6, 1)
    volume.set_xticks(list(xs)[::step])
    volume.set_xticklabels([c.opened_at.strftime("%m-%d %H:%M") for c in candles][::step], fontsize=7)
    prices.tick_params(labelbottom=False, labelsize=8)
    volume.tick_params(labelsize=7)
    return _png(figure)


def allocation_chart(allocations: Sequence[tuple[str, Decimal]], title: str = "Allocation") -> bytes:
    """Horizontal bars of each asset's share of the portfolio value, largest first."""
    rows = sorted(((a, float(v)) for a, v in allocations if v > 0), key=lambda r: r[1])
    if not rows:
        raise ValueError("nothing to draw")
    total = sum(v for _, v in rows)
    figure = Figure(figsize=(6, 0.45 * len(rows) + 1.2))
    axes = figure.add_subplot()
    bars = axes.barh([a for a, _ in rows], [v for _, v in rows], color="#5c6bc0")
    for bar, (_, value) in zip(bars, rows, strict=True):
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value / total:.1%}", va="center",
                  fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", color=GRID, linewidth=0.5)
    axes.tick_params(labelsize=8)
    axes.margins(x=0.15)
    return _png(figure)


def channel_chart(stats: Sequence[Any]) -> bytes:
    """Per channel: entry, TP1, all-targets, stop and expiry rates side by side (``ChannelStats``)."""
    if not stats:
        raise ValueError("no channels to draw")
    shown = list(stats)[:8]
    series = [
        ("Entered", "#42a5f5", lambda s: s.rate(s.entered)),
        ("TP1", UP, lambda s: s.rate(s.tp1, s.entered)),
        ("All targets", "#2e7d32", lambda s: s.rate(s.all_targets, s.entered)),
        ("Stopped", DOWN, lambda s: s.rate(s.stopped, s.entered)),
        ("Expired", "#9e9e9e", lambda s: s.rate(s.expired)),
    ]
    figure = Figure(figsize=(8, 4.2))
    axes = figure.add_subplot(1, 1, 1)
    width = 0.8 / len(series)
    for offset, (label, color, value) in enumerate(series):
        xs = [i + (offset - (len(series) - 1) / 2) * width for i in range(len(shown))]
        axes.bar(xs, [float(value(s)) for s in shown], width=width, color=color, label=label)
    axes.set_xticks(range(len(shown)))
    axes.set_xticklabels([f"{s.source[:18]}\n{s.signals} signals" for s in shown], fontsize=8)
    axes.set_ylabel("%")
    axes.set_ylim(0, 105)
    axes.grid(axis="y", color=GRID)
    axes.legend(fontsize=8, ncol=5, loc="upper center", bbox_to_anchor=(0.5, 1.12), frameon=False)
    axes.set_title("Signal channels", pad=24)
    return _png(figure)
