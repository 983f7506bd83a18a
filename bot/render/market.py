"""Market replies as HTML: prices, movers, market summary, comparisons, indicators, levels, chart
captions.

Numbers are Decimals shown without exponent notation or trailing-zero noise; prices carry
thousands separators and about six significant digits (62,345.12 / 3.4012 / 0.0000123).
The number helpers here are shared by ``bot.render.advice``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from bot.html import escape
from domain.enums import SignalType
from domain.models import Ticker
from domain.services.market_analysis import IndicatorReading, IndicatorReport, Level, LevelsReport
from domain.services.call_scoring import TimeframeRecord
from domain.services.market_overview import Comparison, MarketSummary, Mover, Movers, Trend
from domain.services.technical_analysis import TechnicalAnalysis

ZERO = Decimal(0)
MAX_REPLY = 3500
PERIOD_LABELS = {"24h": "24h", "7d": "7 days", "30d": "30 days"}

# -- numbers ------------------------------------------------------------------------------------


def num(value: Decimal | int | float, places: int = 2, *, grouped: bool = True) -> str:
    """``value`` rounded to ``places``, trailing zeros dropped, no exponent: 1,234.5 / 0.25 / 3."""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN) if places >= 0 else value
    if rounded == rounded.to_integral():
        rounded = rounded.quantize(Decimal(1))
    else:
        rounded = rounded.normalize()
    text = f"{rounded:,f}" if grouped else f"{rounded:f}"
    return "0" if text in ("-0", "") else text


def price(value: Decimal) -> str:
    """A price: two places from 1,000 up, four from 1, about six significant digits below 1."""
    magnitude = abs(value)
    if magnitude >= 1000:
        places = 2
    elif magnitude >= 1:
        places = 4
    elif magnitude == ZERO:
        return "0"
    else:
        places = min(12, 5 - magnitude.adjusted())
    return num(value, places)


def pct(value: Decimal, *, signed: bool = False, places: int = 2) -> str:
    text = f"{num(value, places)}%"
    return f"+{text}" if signed and value > ZERO else text


def compact(value: Decimal) -> str:
    """Large amounts shortened: 1.23B, 456.7M, 12.3K, 950."""
    magnitude = abs(value)
    for size, suffix in ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(1000), "K")):
        if magnitude >= size:
            return f"{num(value / size, 2)}{suffix}"
    return num(value, 2)


def period_label(period: str) -> str:
    return PERIOD_LABELS.get(period, period)


def pair_assets(symbol: str) -> tuple[str, str]:
    base, _, quote = symbol.partition("/")
    return base, quote or "USDT"


def arrow(value: Decimal) -> str:
    return "🟢" if value > ZERO else "🔴" if value < ZERO else "⚪"


def clip(text: str, limit: int = MAX_REPLY) -> str:
    """Keep a reply under ``limit`` characters, cutting at a line break (never inside a tag pair
    opened on an earlier line: callers put <pre> blocks before optional trailing sections)."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 2)
    head = text[: cut if cut > 0 else limit - 2]
    if head.count("<pre>") > head.count("</pre>"):
        head += "</pre>"
    return head + "\n…"


def table(rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Aligned columns in a <pre> block; cells are escaped here. ``right`` lists right-aligned columns."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "<pre>" + escape("\n".join(lines)) + "</pre>"


# -- questions back to the user -------------------------------------------------------------------


def ask_symbol(example: str = "price of BTC") -> str:
    return f"Which coin? e.g. <i>{escape(example)}</i>"


# -- price ------------------------------------------------------------------------------------------


def render_price(ticker: Ticker) -> str:
    base, quote = pair_assets(ticker.symbol)
    change = ticker.change_percent
    lines = [
        f"<b>{escape(ticker.symbol)}</b>  {price(ticker.last)} {escape(quote)}",
        f"{arrow(change)} 24h: {pct(change, signed=True)} ({'+' if ticker.change > ZERO else ''}{price(ticker.change)})",
        f"High / low: {price(ticker.high)} / {price(ticker.low)}",
        f"Volume: {compact(ticker.base_volume)} {escape(base)} ≈ {compact(ticker.quote_volume)} {escape(quote)}",
    ]
    if ticker.bid is not None and ticker.ask is not None:
        lines.append(f"Bid / ask: {price(ticker.bid)} / {price(ticker.ask)}")
    return "\n".join(lines)


def render_prices(tickers: Sequence[Ticker]) -> str:
    if len(tickers) == 1:
        return render_price(tickers[0])
    rows = [("Pair", "Last", "24h", "High", "Low", "Vol")]
    for t in tickers:
        rows.append((t.symbol, price(t.last), pct(t.change_percent, signed=True), price(t.high), price(t.low),
                     compact(t.quote_volume)))
    return clip("<b>Prices</b>\n" + table(rows, right=(1, 2, 3, 4, 5)) + "\nVol: 24h traded value in the quote asset.")


# -- market overview ------------------------------------------------------------------------------


def _mover_rows(movers: Sequence[Mover]) -> list[tuple[str, ...]]:
    return [(m.symbol, price(m.last_price), pct(m.change_percent, signed=True), compact(m.quote_volume)) for m in movers]


def render_movers(movers: Movers, *, gainers: bool = True, losers: bool = True) -> str:
    span = period_label(movers.period)
    parts: list[str] = []
    header = ("Pair", "Last", "Change", "Vol")
    if gainers:
        parts.append(f"<b>🚀 Top gainers ({escape(span)})</b>")
        parts.append(table([header, *_mover_rows(movers.gainers)], right=(1, 2, 3)) if movers.gainers
                     else "No pair is up over this period.")
    if losers:
        parts.append(f"<b>📉 Top losers ({escape(span)})</b>")
        parts.append(table([header, *_mover_rows(movers.losers)], right=(1, 2, 3)) if movers.losers
                     else "No pair is down over this period.")
    if movers.unavailable:
        parts.append(f"No data for: {escape(', '.join(movers.unavailable))}")
    return clip("\n".join(parts))


def render_summary(summary: MarketSummary) -> str:
    span = period_label(summary.period)
    lines = [f"<b>Market summary ({escape(span)})</b>"]
    if summary.pairs_counted == 0:
        return lines[0] + "\nNo market data is available right now."
    breadth = "mostly up" if summary.advancers > summary.decliners * 2 else (
        "mostly down" if summary.decliners > summary.advancers * 2 else "mixed")
    lines += [
        f"{summary.pairs_counted} major pairs: {summary.advancers} up, {summary.decliners} down"
        + (f", {summary.unchanged} flat" if summary.unchanged else "") + f" ({breadth})",
        f"Average change: {pct(summary.average_change_percent, signed=True)}, "
        f"median {pct(summary.median_change_percent, signed=True)}",
    ]
    if summary.best is not None:
        lines.append(f"Best: {escape(summary.best.symbol)} {pct(summary.best.change_percent, signed=True)}")
    if summary.worst is not None:
        lines.append(f"Worst: {escape(summary.worst.symbol)} {pct(summary.worst.change_percent, signed=True)}")
    if summary.btc_volume_share_percent is not None:
        lines.append(f"BTC share of traded value: {pct(summary.btc_volume_share_percent, places=1)}")
    if summary.unavailable:
        lines.append(f"No data for: {escape(', '.join(summary.unavailable))}")
    lines.append("<i>Ask “top gainers” or “top losers” for the lists.</i>")
    return "\n".join(lines)


_TREND_WORDS = {Trend.UP: "uptrend", Trend.DOWN: "downtrend", Trend.SIDEWAYS: "sideways"}


def render_comparison(comparison: Comparison) -> str:
    span = period_label(comparison.period)
    rows = [("", *(s.symbol.split("/")[0] for s in comparison.snapshots))]
    rows.append(("Price", *(price(s.last_price) for s in comparison.snapshots)))
    rows.append((f"Chg {comparison.period}", *(pct(s.change_percent, signed=True) for s in comparison.snapshots)))
    rows.append(("Daily vol", *(pct(s.volatility_percent) for s in comparison.snapshots)))
    rows.append(("RSI (1d)", *("–" if s.rsi is None else num(s.rsi, 1) for s in comparison.snapshots)))
    rows.append(("Trend", *(_TREND_WORDS[s.trend] for s in comparison.snapshots)))
    rows.append(("Support", *(price(s.support) for s in comparison.snapshots)))
    rows.append(("Resist.", *(price(s.resistance) for s in comparison.snapshots)))
    right = tuple(range(1, len(rows[0])))
    return clip("\n".join([
        f"<b>Comparison ({escape(span)})</b>",
        table(rows, right=right),
        f"Strongest over {escape(span)}: <b>{escape(comparison.strongest)}</b>; "
        f"calmest: <b>{escape(comparison.calmest)}</b>.",
        "<i>Daily vol: typical daily move over 30 days.</i>",
    ]))


# -- indicators ------------------------------------------------------------------------------------

INDICATOR_TITLES = {
    "rsi": "RSI", "stochrsi": "Stoch RSI", "macd": "MACD", "ema": "EMA", "sma": "SMA", "bollinger": "Bollinger",
    "atr": "ATR", "stochastic": "Stochastic", "vwap": "VWAP", "obv": "OBV", "volume": "Volume",
    "fibonacci": "Fibonacci", "adx": "ADX", "ichimoku": "Ichimoku", "pivots": "Pivots",
}


def _zone_text(signal: str | None, *, high: str, low: str) -> str:
    return {
        "overbought": f"overbought (≥{high}): the rise is stretched, pullbacks are common from here",
        "oversold": f"oversold (≤{low}): selling is stretched, a bounce is common from here",
        "neutral": "neutral",
    }.get(signal or "", signal or "")


def describe_reading(reading: IndicatorReading, last_price: Decimal) -> str:
    """One readable line (or two) for an indicator reading."""
    v, name = reading.values, reading.name
    title = INDICATOR_TITLES.get(name, name.upper())
    if name == "rsi":
        return f"<b>RSI {num(v['period'], 0)}</b>: {num(v['rsi'], 1)} — {_zone_text(reading.signal, high='70', low='30')}"
    if name == "stochrsi":
        return (f"<b>Stoch RSI</b>: %K {num(v['stochrsi'], 1)}, %D {num(v['d'], 1)} — "
                f"{_zone_text(reading.signal, high='80', low='20')}")
    if name == "stochastic":
        return (f"<b>Stochastic</b>: %K {num(v['k'], 1)}, %D {num(v['d'], 1)} — "
                f"{_zone_text(reading.signal, high='80', low='20')}")
    if name == "macd":
        mood = ("bullish: the MACD line is above its signal line" if reading.signal == "bullish"
                else "bearish: the MACD line is below its signal line")
        return (f"<b>MACD</b>: {price(v['macd'])}, signal {price(v['signal'])}, "
                f"histogram {price(v['histogram'])} — {mood}")
    if name in ("ema", "sma"):
        where = "price above it (bullish bias)" if reading.signal == "above" else "price below it (bearish bias)"
        return f"<b>{title} {num(v['period'], 0)}</b>: {price(v[name])} — {where}"
    if name == "vwap":
        where = "price above it (buyers in control)" if reading.signal == "above" else "price below it (sellers in control)"
        return f"<b>VWAP</b>: {price(v['vwap'])} — {where}"
    if name == "bollinger":
        where = {"overbought": "price at or above the upper band, stretched up",
                 "oversold": "price at or below the lower band, stretched down"}.get(
            reading.signal or "", "price inside the bands")
        return (f"<b>Bollinger</b>: upper {price(v['upper'])}, middle {price(v['middle'])}, "
                f"lower {price(v['lower'])} — {where} (%B {num(v['percent_b'], 2)})")
    if name == "atr":
        return f"<b>ATR</b>: {price(v['atr'])} — a typical candle spans {pct(v['atr_percent'])} of the price"
    if name == "obv":
        flow = "rising: volume is flowing in" if reading.signal == "bullish" else "falling: volume is flowing out"
        return f"<b>OBV</b>: {compact(v['obv'])} — {flow}"
    if name == "volume":
        ratio = v["ratio"]
        mood = "well above" if ratio >= Decimal("1.5") else "below" if ratio < Decimal("0.8") else "near"
        return (f"<b>Volume</b>: {compact(v['volume'])}, {num(ratio, 2)}x the average "
                f"{compact(v['average'])} — {mood} usual activity")
    if name == "adx":
        mood = {"bullish": "a trend, buyers leading (+DI above -DI)", "bearish": "a trend, sellers leading (-DI above +DI)"}
        return (f"<b>ADX</b>: {num(v['adx'], 1)} (+DI {num(v['plus_di'], 1)}, -DI {num(v['minus_di'], 1)}) — "
                f"{mood.get(reading.signal or '', 'no clear trend (ADX below 20)')}")
    if name == "ichimoku":
        where = {"above": "price above the cloud (bullish)", "below": "price below the cloud (bearish)"}.get(
            reading.signal or "", "price inside the cloud (undecided)")
        return (f"<b>Ichimoku</b>: conversion {price(v['conversion'])}, base {price(v['base'])}, "
                f"cloud {price(min(v['span_a'], v['span_b']))} – {price(max(v['span_a'], v['span_b']))} — {where}")
    if name == "pivots":
        rows = [(key.upper() if key != "pivot" else "P", price(v[key])) for key in ("r3", "r2", "r1", "pivot", "s1", "s2", "s3")]
        side = "above" if reading.signal == "above" else "below"
        return f"<b>Pivots</b> (previous UTC day) — price {side} the pivot\n" + table(rows, right=(1,))
    if name == "fibonacci":
        levels = [(key, value) for key, value in v.items() if key not in ("high", "low")]
        rows = [(f"{key}", price(value)) for key, value in levels]
        return (f"<b>Fibonacci</b> (high {price(v['high'])}, low {price(v['low'])})\n"
                + table(rows, right=(1,)))
    pairs = ", ".join(f"{escape(key)} {price(value)}" for key, value in v.items())
    return f"<b>{escape(title)}</b>: {pairs}" + (f" — {escape(reading.signal)}" if reading.signal else "")


def render_indicators(report: IndicatorReport) -> str:
    _, quote = pair_assets(report.symbol)
    lines = [f"<b>{escape(report.symbol)} · {escape(report.timeframe)}</b>  price {price(report.price)} {escape(quote)}"]
    lines += [describe_reading(reading, report.price) for reading in report.readings]
    if not report.readings:
        lines.append("Not enough candles yet to compute these indicators.")
    if report.unsupported:
        lines.append(f"Not available: {escape(', '.join(report.unsupported))}")
    lines.append(f"<i>Last candle opened {report.as_of:%Y-%m-%d %H:%M} UTC.</i>")
    return clip("\n".join(lines))


# -- levels ------------------------------------------------------------------------------------------


def _level_rows(levels: Sequence[Level], current: Decimal) -> list[tuple[str, ...]]:
    return [(price(lv.price), pct(abs(lv.price - current) / current * 100 if current else ZERO),
             f"{lv.touches}x") for lv in levels]


def render_levels(report: LevelsReport) -> str:
    _, quote = pair_assets(report.symbol)
    lines = [f"<b>{escape(report.symbol)} · {escape(report.timeframe)} levels</b>  "
             f"price {price(report.price)} {escape(quote)}"]
    header = ("Level", "Away", "Touches")
    lines.append("<b>Resistance</b> (nearest first)")
    lines.append(table([header, *_level_rows(report.resistances, report.price)], right=(0, 1, 2))
                 if report.resistances else "None above the price in this window.")
    lines.append("<b>Support</b> (nearest first)")
    lines.append(table([header, *_level_rows(report.supports, report.price)], right=(0, 1, 2))
                 if report.supports else "None below the price in this window.")
    lines.append("<i>Swing highs and lows of the last 200 candles; more touches, stronger level.</i>")
    return "\n".join(lines)


# -- technical analysis ------------------------------------------------------------------------------

SIGNAL_TITLES = {
    SignalType.STRONG_BUY: "STRONG BUY", SignalType.BUY: "BUY", SignalType.HOLD: "NEUTRAL (hold)",
    SignalType.SELL: "SELL", SignalType.STRONG_SELL: "STRONG SELL",
}
ANALYSIS_NOTE = "Not financial advice: indicators describe the past, they do not promise the future."


def _setup_line(analysis: TechnicalAnalysis) -> str:
    setup = analysis.setup
    if setup is None:
        return "No trade setup: the indicators do not agree on a direction."
    side = "long" if analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY) else "short"
    stop_distance = abs(analysis.price - setup.stop_loss) / analysis.price * 100
    targets = ", ".join(price(t) for t in setup.targets)
    return (f"Setup ({side}): entry {price(setup.entry_low)} – {price(setup.entry_high)}, "
            f"stop {price(setup.stop_loss)} ({pct(stop_distance)} away), targets {targets}; "
            f"first target {num(setup.risk_reward, 2)}x the risk")


def render_technical_analysis(analysis: TechnicalAnalysis) -> str:
    _, quote = pair_assets(analysis.symbol)
    voting = [v for v in analysis.votes if v.weight != 0]
    if analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY, SignalType.SELL, SignalType.STRONG_SELL):
        long = analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY)
        agreeing = sum(1 for v in voting if (v.weight > 0) == long)
        basis = f"{agreeing} of the {len(voting)} leaning indicators agree"
    else:
        basis = f"{len(voting)} of {len(analysis.votes)} indicators lean one way or the other"
    lines = [
        f"<b>{escape(analysis.symbol)} · {escape(analysis.timeframe)} technical analysis</b>  "
        f"price {price(analysis.price)} {escape(quote)}",
        f"Signal: <b>{SIGNAL_TITLES[analysis.signal]}</b> — strength {num(analysis.strength, 2)}, "
        f"confidence {pct(analysis.confidence * 100, places=0)} ({basis})",
        _setup_line(analysis),
        "",
        "<b>Why</b>",
    ]
    lines += [f"{'▲' if v.weight > 0 else '▼' if v.weight < 0 else '•'} {escape(v.reason)}" for v in analysis.votes]
    lines += ["", "<b>Indicators</b>"]
    lines += [describe_reading(reading, analysis.price) for reading in analysis.readings]
    supports = ", ".join(price(lv.price) for lv in analysis.supports) or "none in view"
    resistances = ", ".join(price(lv.price) for lv in analysis.resistances) or "none in view"
    lines += [f"<b>Support</b> {supports}; <b>resistance</b> {resistances}", ""]
    lines.append(f"<i>Based on the last {len(analysis.candles)} {escape(analysis.timeframe)} candles up to "
                 f"{analysis.as_of:%Y-%m-%d %H:%M} UTC; the call holds until {analysis.valid_until:%Y-%m-%d %H:%M} UTC. "
                 f"{ANALYSIS_NOTE}</i>")
    return clip("\n".join(lines))


def analysis_caption(analysis: TechnicalAnalysis) -> str:
    """The chart's caption (Telegram allows 1,024 characters): the call in two lines."""
    first = (f"<b>{escape(analysis.symbol)} · {escape(analysis.timeframe)}</b> — {SIGNAL_TITLES[analysis.signal]}, "
             f"confidence {pct(analysis.confidence * 100, places=0)}")
    setup = analysis.setup
    if setup is None:
        return f"{first}\nLevels and indicators drawn; no trade setup."
    return (f"{first}\nEntry {price(setup.entry_low)} – {price(setup.entry_high)} · stop {price(setup.stop_loss)} · "
            f"TP {' / '.join(price(t) for t in setup.targets)}")


def render_track_record(records: Sequence[TimeframeRecord]) -> str:
    """/accuracy: the technical calls per timeframe and how the scored ones turned out."""
    if not records:
        return ("<b>Track record</b>\nNo technical calls yet. Ask e.g. <i>analyze btc 4h</i>; each call is "
                "scored against the market once its validity window has passed.")
    rows = [("Timeframe", "Calls", "Scored", "Hit rate", "Accuracy", "Move")]
    for r in records:
        rows.append((r.timeframe, str(r.calls), str(r.scored),
                     "–" if not r.scored else pct(Decimal(r.hits) / r.scored * 100, places=0),
                     "–" if r.average_accuracy is None else num(r.average_accuracy, 2),
                     "–" if r.average_move_percent is None else pct(r.average_move_percent, signed=True)))
    return "\n".join([
        "<b>Track record of my technical calls</b>",
        table(rows, right=(1, 2, 3, 4, 5)),
        "<i>A call is scored when its window ends: 1 if a target came before the stop, 0 if the stop came "
        "first, in between by how far the price went its way. Hit rate: calls scoring 0.5 or more. Move: "
        "average percent the price moved in the call's favour (buy and sell calls). Past calls do not "
        f"predict future ones. {ANALYSIS_NOTE}</i>",
    ])
