"""Chart images (PNG) for Telegram: candles with indicator panels, levels and a signal's entry,
stop and targets; portfolio allocation; a correlation heat-map.

Drawing is CPU work (tens to hundreds of milliseconds), so :class:`ChartRenderer` runs it in the
process pool main.py creates (a thread when none is given, as in tests). What crosses to the
pool is plain data (:class:`PriceChart`, tuples of floats), and the drawing functions are
module-level so they pickle. matplotlib runs headless (Agg) with a Figure per call, never pyplot.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede any pyplot import elsewhere

import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from bot.i18n import current_locale  # noqa: E402
from bot.render.numbers import compact, number, numbers_in, percent, price, short_datetime  # noqa: E402
from domain.market_data import ticks  # noqa: E402
from domain.models import Candle  # noqa: E402
from domain.services import indicators as ta  # noqa: E402
from domain.services.technical_analysis import TechnicalAnalysis  # noqa: E402

# Indicators drawn over the candles, and those that get a panel of their own (in this order).
OVERLAYS = ("ema", "sma", "bollinger", "vwap", "ichimoku")
PANELS = ("rsi", "macd", "stochastic", "stochrsi", "adx", "atr", "obv")
MAX_PANELS = 3


@dataclass(frozen=True, slots=True)
class Theme:
    background: str
    text: str
    grid: str
    up: str
    down: str
    lines: tuple[str, ...]  # EMA 20, EMA 50, then any further line
    support: str
    resistance: str
    entry: str
    stop: str
    target: str


THEMES = {
    "dark": Theme("#131722", "#d1d4dc", "#2a2e39", "#26a69a", "#ef5350", ("#f5c542", "#42a5f5", "#ab47bc", "#ff7043"),
                  "#26a69a", "#ef5350", "#42a5f5", "#ff5252", "#69f0ae"),
    "light": Theme("#ffffff", "#1f2328", "#e6e6e6", "#089981", "#f23645", ("#e69500", "#1e63c8", "#8e24aa", "#e64a19"),
                   "#089981", "#f23645", "#1e63c8", "#d50000", "#00a152"),
}
DEFAULT_THEME = "dark"
UP, DOWN, GRID = THEMES["light"].up, THEMES["light"].down, THEMES["light"].grid  # single-style charts


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The words drawn on a chart, translated by the caller (drawing runs outside any locale):
    bot/render/market.py's ``chart_words()``. Indicator names and tickers are drawn as they are."""

    volume: str = "Volume"
    last: str = "last {price}"
    entry_zone: str = "entry zone"
    stop: str = "stop"
    bollinger: str = "Bollinger 20, 2σ"
    vwap: str = "VWAP (UTC day)"
    channels_title: str = "Signal channels"
    channel_signals: str = "{n} signals"
    entered: str = "Entered"
    all_targets: str = "All targets"
    stopped: str = "Stopped"
    expired: str = "Expired"
    locale: str = "en"  # of the numbers drawn (separators)


@dataclass(frozen=True, slots=True)
class Signal:
    """What a technical call adds to its chart."""

    label: str  # e.g. "BUY 62%"
    entry_low: float
    entry_high: float
    stop: float
    targets: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class PriceChart:
    """Everything a price chart needs, as plain data (it crosses to the rendering process)."""

    symbol: str
    timeframe: str
    times: tuple[datetime, ...]
    open: tuple[float, ...]
    high: tuple[float, ...]
    low: tuple[float, ...]
    close: tuple[float, ...]
    volume: tuple[float, ...]
    indicators: tuple[str, ...] = ("rsi", "macd")
    supports: tuple[float, ...] = ()
    resistances: tuple[float, ...] = ()
    signal: Signal | None = None
    theme: str = DEFAULT_THEME
    words: ChartWords = ChartWords()
    price_places: int | None = None  # the market's tick, for the last price in the title
    ema_periods: tuple[int, ...] = field(default=(20, 50))
    # Candles drawn (the latest); the ones before only warm the indicators up.
    visible: int = 120

    @classmethod
    def of(cls, symbol: str, timeframe: str, candles: Sequence[Candle], **options: object) -> PriceChart:
        if not candles:
            raise ValueError("no candles to draw")
        columns = {name: tuple(float(getattr(c, name)) for c in candles)
                   for name in ("open", "high", "low", "close", "volume")}
        options.setdefault("price_places", ticks.price_places(symbol))
        return cls(symbol, timeframe, tuple(c.opened_at for c in candles), **columns, **options)  # type: ignore[arg-type]

    @classmethod
    def of_analysis(cls, analysis: TechnicalAnalysis, *, indicators: Sequence[str] = (), theme: str = DEFAULT_THEME,
                    visible: int = 120, label: str | None = None, words: ChartWords = ChartWords()) -> PriceChart:
        """``label``: the call as the title shows it ("BUY · confidence 62%"), translated by the caller."""
        setup = analysis.setup
        signal = None if setup is None else Signal(
            label or f"{analysis.signal.value.replace('_', ' ').upper()} · confidence {float(analysis.confidence):.0%}",
            float(setup.entry_low), float(setup.entry_high), float(setup.stop_loss), tuple(float(t) for t in setup.targets))
        return cls.of(
            analysis.symbol, analysis.timeframe, analysis.candles, visible=visible,
            indicators=tuple(indicators) or ("bollinger", "rsi", "macd"),
            supports=tuple(float(lv.price) for lv in analysis.supports),
            resistances=tuple(float(lv.price) for lv in analysis.resistances),
            signal=signal, theme=theme, words=words,
        )


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", facecolor=figure.get_facecolor())
    return buffer.getvalue()


def _style(axes: Axes, theme: Theme) -> None:
    _axis_numbers(axes)
    axes.set_facecolor(theme.background)
    axes.grid(color=theme.grid, linewidth=0.6)
    axes.tick_params(colors=theme.text, labelsize=7)
    axes.yaxis.tick_right()
    for spine in axes.spines.values():
        spine.set_color(theme.grid)


def _label(axes: Axes, text: str, theme: Theme) -> None:
    axes.text(0.005, 0.96, text, transform=axes.transAxes, va="top", fontsize=7.5, color=theme.text)


def draw_price_chart(chart: PriceChart) -> bytes:
    with numbers_in(chart.words.locale):  # tick labels are formatted while the figure is saved
        return _png(price_figure(chart))


def price_figure(chart: PriceChart) -> Figure:
    theme = THEMES.get(chart.theme, THEMES[DEFAULT_THEME])
    columns = (chart.open, chart.high, chart.low, chart.close, chart.volume)
    days = np.array([int(t.timestamp()) // 86_400 for t in chart.times], dtype=np.int64)
    bars = ta.Bars(*(np.array(x, dtype=np.float64) for x in columns), day=days)
    start = max(0, len(bars) - chart.visible)
    o, h, lo, c, v = (column[start:] for column in (bars.open, bars.high, bars.low, bars.close, bars.volume))
    n = len(c)
    panels = [name for name in PANELS if name in chart.indicators][:MAX_PANELS]
    ratios = [5, 1.2] + [1.6] * len(panels)
    figure = Figure(figsize=(10, 5.2 + 1.5 * len(panels)), facecolor=theme.background)
    grid = figure.add_gridspec(len(ratios), 1, height_ratios=ratios, hspace=0.04)
    prices = figure.add_subplot(grid[0])
    axes = [prices] + [figure.add_subplot(grid[i], sharex=prices) for i in range(1, len(ratios))]
    for ax in axes:
        _style(ax, theme)
    xs = np.arange(n)
    colors = np.where(c >= o, theme.up, theme.down)
    prices.vlines(xs, lo, h, colors=colors, linewidth=0.8)
    body = np.maximum(np.abs(c - o), np.nanmax(c) * 2e-5)  # a doji still shows as a line
    prices.bar(xs, body, bottom=np.minimum(o, c), color=colors, width=0.65, linewidth=0)
    _overlays(prices, bars, chart, theme, start)
    axes[1].bar(xs, v, color=colors, width=0.65, alpha=0.7, linewidth=0)
    axes[1].yaxis.set_major_formatter(FuncFormatter(lambda value, _position: compact(value)))
    _label(axes[1], chart.words.volume, theme)
    for ax, name in zip(axes[2:], panels, strict=True):
        _PANEL_DRAWERS[name](ax, bars, theme, start)
    title = f"{chart.symbol} · {chart.timeframe} · " + chart.words.last.format(price=price(c[-1], places=chart.price_places))
    if chart.signal is not None:
        title += f" · {chart.signal.label}"
    prices.set_title(title, fontsize=10, color=theme.text, loc="left")
    if prices.get_legend_handles_labels()[0]:
        legend = prices.legend(loc="upper left", fontsize=7, facecolor=theme.background, edgecolor=theme.grid)
        for text in legend.get_texts():
            text.set_color(theme.text)
    low, high = float(np.nanmin(lo)), float(np.nanmax(h))
    extra = [*chart.supports, *chart.resistances] + ([chart.signal.stop, *chart.signal.targets] if chart.signal else [])
    nearby = [x for x in extra if low - (high - low) * 0.6 <= x <= high + (high - low) * 0.6]
    span_low, span_high = min([low, *nearby]), max([high, *nearby])
    pad = (span_high - span_low) * 0.04
    prices.set_ylim(span_low - pad, span_high + pad)
    _levels(prices, chart, theme, n, (span_high - span_low + 2 * pad) * 0.035)
    prices.set_xlim(-1, n + max(8, n // 6))  # room on the right for the level labels
    step = max(n // 7, 1)
    axes[-1].set_xticks(xs[::step])
    axes[-1].set_xticklabels([short_datetime(t) for t in chart.times[start:]][::step])
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    return figure


def _overlays(ax: Axes, bars: ta.Bars, chart: PriceChart, theme: Theme, start: int) -> None:
    xs = np.arange(len(bars) - start)
    colors = iter(theme.lines)
    for period in chart.ema_periods:
        line = ta.ema(bars.close, period)[start:]
        if not np.isnan(line).all():
            ax.plot(xs, line, linewidth=1.1, color=next(colors), label=f"EMA {period}")
    if "sma" in chart.indicators:
        ax.plot(xs, ta.sma(bars.close, 20)[start:], linewidth=1, color=next(colors), label="SMA 20")
    if "bollinger" in chart.indicators:
        middle, upper, lower = (band[start:] for band in ta.bollinger(bars.close, 20, 2.0))
        ax.plot(xs, upper, linewidth=0.8, color=theme.lines[2], alpha=0.9, label=chart.words.bollinger)
        ax.plot(xs, lower, linewidth=0.8, color=theme.lines[2], alpha=0.9)
        ax.fill_between(xs, lower, upper, color=theme.lines[2], alpha=0.07)
    if "vwap" in chart.indicators and len(np.unique(bars.day)) < len(bars):  # daily bars: each its own session
        ax.plot(xs, ta.vwap(bars)[start:], linewidth=1, color=theme.lines[3], linestyle="--", label=chart.words.vwap)
    if "ichimoku" in chart.indicators:
        cloud = ta.ichimoku(bars)
        span_a, span_b = cloud.span_a[start:], cloud.span_b[start:]
        ahead = np.arange(len(span_a))
        ax.fill_between(ahead, span_a, span_b, where=span_a >= span_b, color=theme.up, alpha=0.15)
        ax.fill_between(ahead, span_a, span_b, where=span_a < span_b, color=theme.down, alpha=0.15)
        ax.plot(xs, cloud.conversion[start:], linewidth=0.8, color=theme.lines[3], label="Tenkan 9")
        ax.plot(xs, cloud.base[start:], linewidth=0.8, color=theme.lines[1], label="Kijun 26")


def _axis_numbers(axes: Axes) -> None:
    """Tick labels through the one number formatter, with as many places as the tick step needs."""
    def label(value: float, _position: object) -> str:
        ticks = axes.yaxis.get_majorticklocs()
        step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 0.0
        places = max(0, -Decimal(f"{step:.6g}").normalize().as_tuple().exponent) if step else None  # type: ignore[operator]
        return number(Decimal(f"{value:.10g}"), places)
    axes.yaxis.set_major_formatter(FuncFormatter(label))


def _levels(ax: Axes, chart: PriceChart, theme: Theme, n: int, spacing: float) -> None:
    """Level lines across the chart, labelled at the right edge; labels pushed apart so none overlap."""
    labels: list[tuple[float, str, str]] = []

    def line(y: float, color: str, text: str, style: str, width: float = 0.9) -> None:
        ax.axhline(y, color=color, linestyle=style, linewidth=width, alpha=0.9)
        labels.append((y, f" {text} {price(y, places=chart.price_places)}", color))

    for i, level in enumerate(chart.supports, start=1):
        line(level, theme.support, f"S{i}", ":")
    for i, level in enumerate(chart.resistances, start=1):
        line(level, theme.resistance, f"R{i}", ":")
    signal = chart.signal
    if signal is not None:
        ax.axhspan(signal.entry_low, signal.entry_high, color=theme.entry, alpha=0.18)
        labels.append(((signal.entry_low + signal.entry_high) / 2, " " + chart.words.entry_zone, theme.entry))
        line(signal.stop, theme.stop, chart.words.stop, "-", 1.2)
        for i, target in enumerate(signal.targets, start=1):
            line(target, theme.target, f"TP{i}", "-.", 1.1)
    bottom, top = ax.get_ylim()
    placed: list[float] = []
    for y, text, color in sorted(labels):
        if not bottom <= y <= top:
            continue
        at = max(y, placed[-1] + spacing) if placed else y
        placed.append(at)
        ax.text(n + 0.5, at, text, color=color, fontsize=7, va="center",
                bbox={"facecolor": ax.get_facecolor(), "edgecolor": "none", "pad": 0.5, "alpha": 0.8})


def _bounded(ax: Axes, theme: Theme, low: float, high: float) -> None:
    ax.axhline(low, color=theme.grid, linewidth=0.9, linestyle="--")
    ax.axhline(high, color=theme.grid, linewidth=0.9, linestyle="--")
    ax.set_ylim(0, 100)


def _rsi_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    ax.plot(ta.rsi(bars.close, 14)[start:], color=theme.lines[2], linewidth=1)
    _bounded(ax, theme, 30, 70)
    _label(ax, "RSI 14", theme)


def _macd_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    line, signal, histogram = (series[start:] for series in ta.macd(bars.close))
    xs = np.arange(len(line))
    ax.bar(xs, np.nan_to_num(histogram), color=np.where(histogram >= 0, theme.up, theme.down), width=0.65, alpha=0.6)
    ax.plot(xs, line, color=theme.lines[1], linewidth=1)
    ax.plot(xs, signal, color=theme.lines[0], linewidth=1)
    _label(ax, "MACD 12 26 9", theme)


def _stochastic_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    k, d = (series[start:] for series in ta.stochastic(bars))
    ax.plot(k, color=theme.lines[1], linewidth=1)
    ax.plot(d, color=theme.lines[0], linewidth=1)
    _bounded(ax, theme, 20, 80)
    _label(ax, "Stochastic 14 3 3", theme)


def _stoch_rsi_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    k, d = (series[start:] for series in ta.stoch_rsi(bars.close))
    ax.plot(k, color=theme.lines[1], linewidth=1)
    ax.plot(d, color=theme.lines[0], linewidth=1)
    _bounded(ax, theme, 20, 80)
    _label(ax, "Stoch RSI 14 14 3", theme)


def _adx_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    lines = ta.adx(bars)
    ax.plot(lines.adx[start:], color=theme.text, linewidth=1.1)
    ax.plot(lines.plus_di[start:], color=theme.up, linewidth=0.9)
    ax.plot(lines.minus_di[start:], color=theme.down, linewidth=0.9)
    ax.axhline(20, color=theme.grid, linewidth=0.9, linestyle="--")
    _label(ax, "ADX 14  +DI  -DI", theme)


def _atr_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    ax.plot(ta.atr(bars)[start:], color=theme.lines[3], linewidth=1)
    _label(ax, "ATR 14", theme)


def _obv_panel(ax: Axes, bars: ta.Bars, theme: Theme, start: int) -> None:
    ax.plot(ta.obv(bars)[start:], color=theme.lines[1], linewidth=1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: compact(value)))
    _label(ax, "OBV", theme)


_PANEL_DRAWERS: dict[str, Callable[[Axes, ta.Bars, Theme, int], None]] = {
    "rsi": _rsi_panel, "macd": _macd_panel, "stochastic": _stochastic_panel, "stochrsi": _stoch_rsi_panel,
    "adx": _adx_panel, "atr": _atr_panel, "obv": _obv_panel,
}


def draw_allocation(allocations: Sequence[tuple[str, float]], title: str = "Allocation", theme_name: str = "light",
                    locale: str = "en") -> bytes:
    """Horizontal bars of each asset's share of the portfolio value, largest first."""
    with numbers_in(locale):
        return _allocation(allocations, title, theme_name)


def _allocation(allocations: Sequence[tuple[str, float]], title: str, theme_name: str) -> bytes:
    theme = THEMES.get(theme_name, THEMES[DEFAULT_THEME])
    rows = sorted(((a, float(v)) for a, v in allocations if v > 0), key=lambda r: r[1])
    if not rows:
        raise ValueError("nothing to draw")
    total = sum(v for _, v in rows)
    figure = Figure(figsize=(6, 0.45 * len(rows) + 1.2), facecolor=theme.background)
    axes = figure.add_subplot()
    _style(axes, theme)
    axes.yaxis.tick_left()
    bars = axes.barh([a for a, _ in rows], [v for _, v in rows], color=theme.lines[1])
    for bar, (_, value) in zip(bars, rows, strict=True):
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + percent(value / total * 100, 1), va="center",
                  fontsize=8, color=theme.text)
    axes.set_title(title, fontsize=10, color=theme.text)
    axes.margins(x=0.15)
    return _png(figure)


def channel_chart(stats: Sequence[Any], words: ChartWords = ChartWords()) -> bytes:
    """Per channel: entry, TP1, all-targets, stop and expiry rates side by side (``ChannelStats``)."""
    with numbers_in(words.locale):
        return _channels(stats, words)


def _channels(stats: Sequence[Any], words: ChartWords) -> bytes:
    if not stats:
        raise ValueError("no channels to draw")
    shown = list(stats)[:8]
    series = [
        (words.entered, "#42a5f5", lambda s: s.rate(s.entered)),
        ("TP1", UP, lambda s: s.rate(s.tp1, s.entered)),
        (words.all_targets, "#2e7d32", lambda s: s.rate(s.all_targets, s.entered)),
        (words.stopped, DOWN, lambda s: s.rate(s.stopped, s.entered)),
        (words.expired, "#9e9e9e", lambda s: s.rate(s.expired)),
    ]
    figure = Figure(figsize=(8, 4.2))
    axes = figure.add_subplot(1, 1, 1)
    _axis_numbers(axes)
    width = 0.8 / len(series)
    for offset, (label, color, value) in enumerate(series):
        xs = [i + (offset - (len(series) - 1) / 2) * width for i in range(len(shown))]
        axes.bar(xs, [float(value(s)) for s in shown], width=width, color=color, label=label)
    axes.set_xticks(range(len(shown)))
    axes.set_xticklabels([f"{s.source[:18]}\n" + words.channel_signals.format(n=s.signals) for s in shown], fontsize=8)
    axes.set_ylabel("%")
    axes.set_ylim(0, 105)
    axes.grid(axis="y", color=GRID)
    axes.legend(fontsize=8, ncol=5, loc="upper center", bbox_to_anchor=(0.5, 1.12), frameon=False)
    axes.set_title(words.channels_title, pad=24)
    return _png(figure)


def draw_correlation(labels: Sequence[str], matrix: Sequence[Sequence[float]], title: str,
                     theme_name: str = "light", locale: str = "en") -> bytes:
    """A heat-map of pairwise correlations, -1 (blue) to 1 (red), each cell labelled."""
    with numbers_in(locale):
        return _correlation(labels, matrix, title, theme_name)


def _correlation(labels: Sequence[str], matrix: Sequence[Sequence[float]], title: str, theme_name: str) -> bytes:
    theme = THEMES.get(theme_name, THEMES[DEFAULT_THEME])
    values = np.array(matrix, dtype=np.float64)
    if values.shape != (len(labels), len(labels)) or len(labels) < 2:
        raise ValueError("a correlation heat-map needs a square matrix of two or more assets")
    size = 1.4 + 0.75 * len(labels)
    figure = Figure(figsize=(size + 1.2, size), facecolor=theme.background)
    axes = figure.add_subplot()
    image = axes.imshow(values, cmap="coolwarm", vmin=-1, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8, color=theme.text)
    axes.set_yticks(range(len(labels)), labels, fontsize=8, color=theme.text)
    for (row, col), value in np.ndenumerate(values):
        axes.text(col, row, number(round(value, 2), 2), ha="center", va="center", fontsize=8,
                  color="white" if abs(value) > 0.6 else "black")
    bar = figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    bar.ax.tick_params(colors=theme.text, labelsize=7)
    axes.set_title(title, fontsize=10, color=theme.text)
    for spine in axes.spines.values():
        spine.set_visible(False)
    return _png(figure)


def warm_up() -> None:
    """Run once in each rendering process: loads fonts and the Agg backend before the first request."""
    draw_allocation([("A", 1.0), ("B", 2.0)])


class ChartRenderer:
    """Draws off the event loop: in the process pool main.py owns (and shuts down), else a thread."""

    def __init__(self, pool: Executor | None = None) -> None:
        self._pool = pool

    async def _run(self, function: Callable[[], bytes]) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._pool, function)

    async def price(self, chart: PriceChart) -> bytes:
        return await self._run(partial(draw_price_chart, chart))

    async def allocation(self, allocations: Sequence[tuple[str, Decimal]], title: str = "Allocation") -> bytes:
        return await self._run(partial(draw_allocation, tuple((a, float(v)) for a, v in allocations), title,
                                       locale=current_locale()))

    async def correlation(self, labels: Sequence[str], matrix: Sequence[Sequence[float]], title: str) -> bytes:
        return await self._run(partial(draw_correlation, tuple(labels), tuple(map(tuple, matrix)), title,
                                       locale=current_locale()))

    async def channels(self, stats: Sequence[Any], words: ChartWords) -> bytes:
        return await self._run(partial(channel_chart, tuple(stats), words))
