"""Market replies as HTML: prices, movers, market summary, comparisons, indicators, levels, chart
captions.

Numbers go through ``bot.render.numbers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from bot.html import escape
from bot.i18n import N_, _, current_locale, t, tn
from bot.render.numbers import ZERO, compact, number, percent, price
from bot.render.trading import pair_assets
from bot.charts import ChartWords
from domain.enums import SignalType
from domain.models import Ticker
from domain.services.market_analysis import IndicatorReading, IndicatorReport, Level, LevelsReport
from domain.services.call_scoring import TimeframeRecord
from domain.services.market_overview import Comparison, MarketSummary, Mover, Movers, Trend
from domain.services.technical_analysis import TechnicalAnalysis, Vote

MAX_REPLY = 3500
PERIOD_LABELS = {"24h": N_("24h"), "7d": N_("7 days"), "30d": N_("30 days")}


def chart_words() -> ChartWords:
    """The words a chart draws, in the reader's language (the drawing process has no locale)."""
    return ChartWords(volume=_("Volume"), last=_("last {price}"), entry_zone=_("entry zone"), stop=_("stop"),
                      bollinger=_("Bollinger 20, 2σ"), vwap=_("VWAP (UTC day)"), channels_title=_("Signal channels"),
                      channel_signals=_("{n} signals"), entered=_("Entered"), all_targets=_("All targets"),
                      stopped=_("Stopped"), expired=_("Expired"), locale=current_locale())


def chart_label(analysis: TechnicalAnalysis) -> str:
    """The call as the chart's title shows it: "BUY · confidence 62%"."""
    return _(SIGNAL_TITLES[analysis.signal]) + " · " + t("confidence {confidence}",
                                                         confidence=percent(analysis.confidence * 100, 0))


def period_label(period: str) -> str:
    return _(PERIOD_LABELS[period]) if period in PERIOD_LABELS else period


def arrow(value: Decimal) -> str:
    return "🟢" if value > ZERO else "🔴" if value < ZERO else "⚪"


def utc_minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


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

PRICE_EXAMPLE = N_("price of BTC")


def ask_symbol(example: str = PRICE_EXAMPLE) -> str:
    return t("Which coin? e.g. <i>{example}</i>", example=escape(_(example)))


# -- price ------------------------------------------------------------------------------------------


def render_price(ticker: Ticker) -> str:
    base, quote = pair_assets(ticker.symbol)
    change = ticker.change_percent
    lines = [
        f"<b>{escape(ticker.symbol)}</b>  {price(ticker.last, market=ticker.symbol)} {escape(quote)}",
        t("{arrow} 24h: {percent} ({change})", arrow=arrow(change), percent=percent(change, signed=True),
          change=("+" if ticker.change > ZERO else "") + price(ticker.change, market=ticker.symbol)),
        t("High / low: {high} / {low}", high=price(ticker.high, market=ticker.symbol), low=price(ticker.low, market=ticker.symbol)),
        t("Volume: {base_volume} {base} ≈ {quote_volume} {quote}", base_volume=compact(ticker.base_volume),
          base=escape(base), quote_volume=compact(ticker.quote_volume), quote=escape(quote)),
    ]
    if ticker.bid is not None and ticker.ask is not None:
        lines.append(t("Bid / ask: {bid} / {ask}", bid=price(ticker.bid, market=ticker.symbol), ask=price(ticker.ask, market=ticker.symbol)))
    return "\n".join(lines)


def render_prices(tickers: Sequence[Ticker]) -> str:
    if len(tickers) == 1:
        return render_price(tickers[0])
    rows = [(_("Pair"), _("Last"), "24h", _("High"), _("Low"), _("Vol"))]
    for ticker in tickers:
        rows.append((ticker.symbol, price(ticker.last, market=ticker.symbol), percent(ticker.change_percent, signed=True),
                     price(ticker.high, market=ticker.symbol), price(ticker.low, market=ticker.symbol), compact(ticker.quote_volume)))
    return clip(_("<b>Prices</b>") + "\n" + table(rows, right=(1, 2, 3, 4, 5)) + "\n"
                + _("Vol: 24h traded value in the quote asset."))


# -- market overview ------------------------------------------------------------------------------


def _mover_rows(movers: Sequence[Mover]) -> list[tuple[str, ...]]:
    return [(m.symbol, price(m.last_price, market=m.symbol), percent(m.change_percent, signed=True), compact(m.quote_volume))
            for m in movers]


def _no_data(symbols: Sequence[str]) -> str:
    return t("No data for: {symbols}", symbols=escape(", ".join(symbols)))


def render_movers(movers: Movers, *, gainers: bool = True, losers: bool = True) -> str:
    span = escape(period_label(movers.period))
    parts: list[str] = []
    header = (_("Pair"), _("Last"), _("Change"), _("Vol"))
    if gainers:
        parts.append(t("<b>🚀 Top gainers ({period})</b>", period=span))
        parts.append(table([header, *_mover_rows(movers.gainers)], right=(1, 2, 3)) if movers.gainers
                     else _("No pair is up over this period."))
    if losers:
        parts.append(t("<b>📉 Top losers ({period})</b>", period=span))
        parts.append(table([header, *_mover_rows(movers.losers)], right=(1, 2, 3)) if movers.losers
                     else _("No pair is down over this period."))
    if movers.unavailable:
        parts.append(_no_data(movers.unavailable))
    return clip("\n".join(parts))


def render_summary(summary: MarketSummary) -> str:
    lines = [t("<b>Market summary ({period})</b>", period=escape(period_label(summary.period)))]
    if summary.pairs_counted == 0:
        return lines[0] + "\n" + _("No market data is available right now.")
    breadth = _("mostly up") if summary.advancers > summary.decliners * 2 else (
        _("mostly down") if summary.decliners > summary.advancers * 2 else _("mixed"))
    counts = t("{pairs} major pairs: {up} up, {down} down", pairs=summary.pairs_counted, up=summary.advancers,
               down=summary.decliners)
    if summary.unchanged:
        counts += ", " + t("{flat} flat", flat=summary.unchanged)
    lines += [
        f"{counts} ({breadth})",
        t("Average change: {average}, median {median}", average=percent(summary.average_change_percent, signed=True),
          median=percent(summary.median_change_percent, signed=True)),
    ]
    if summary.best is not None:
        lines.append(t("Best: {symbol} {percent}", symbol=escape(summary.best.symbol),
                       percent=percent(summary.best.change_percent, signed=True)))
    if summary.worst is not None:
        lines.append(t("Worst: {symbol} {percent}", symbol=escape(summary.worst.symbol),
                       percent=percent(summary.worst.change_percent, signed=True)))
    if summary.btc_volume_share_percent is not None:
        lines.append(t("BTC share of traded value: {percent}", percent=percent(summary.btc_volume_share_percent, 1)))
    if summary.unavailable:
        lines.append(_no_data(summary.unavailable))
    lines.append(_("<i>Ask “top gainers” or “top losers” for the lists.</i>"))
    return "\n".join(lines)


TREND_WORDS = {Trend.UP: N_("uptrend"), Trend.DOWN: N_("downtrend"), Trend.SIDEWAYS: N_("sideways")}


def trend_word(trend: object) -> str:
    return _(TREND_WORDS[trend]) if trend in TREND_WORDS else escape(str(trend))


def render_comparison(comparison: Comparison) -> str:
    span = escape(period_label(comparison.period))
    snapshots = comparison.snapshots
    rows = [("", *(s.symbol.split("/")[0] for s in snapshots))]
    rows.append((_("Price"), *(price(s.last_price, market=s.symbol) for s in snapshots)))
    rows.append((t("Chg {period}", period=span), *(percent(s.change_percent, signed=True) for s in snapshots)))
    rows.append((_("Daily vol"), *(percent(s.volatility_percent) for s in snapshots)))
    rows.append(("RSI (1d)", *("–" if s.rsi is None else number(s.rsi, 1) for s in snapshots)))
    rows.append((_("Trend"), *(trend_word(s.trend) for s in snapshots)))
    rows.append((_("Support"), *(price(s.support, market=s.symbol) for s in snapshots)))
    rows.append((_("Resist."), *(price(s.resistance, market=s.symbol) for s in snapshots)))
    right = tuple(range(1, len(rows[0])))
    return clip("\n".join([
        t("<b>Comparison ({period})</b>", period=span),
        table(rows, right=right),
        t("Strongest over {period}: <b>{strongest}</b>; calmest: <b>{calmest}</b>.", period=span,
          strongest=escape(comparison.strongest), calmest=escape(comparison.calmest)),
        _("<i>Daily vol: typical daily move over 30 days.</i>"),
    ]))


# -- indicators ------------------------------------------------------------------------------------

INDICATOR_TITLES = {
    "rsi": "RSI", "stochrsi": "Stoch RSI", "macd": "MACD", "ema": "EMA", "sma": "SMA", "bollinger": "Bollinger",
    "atr": "ATR", "stochastic": "Stochastic", "vwap": "VWAP", "obv": "OBV", "volume": N_("Volume"),
    "fibonacci": "Fibonacci", "adx": "ADX", "ichimoku": "Ichimoku", "pivots": N_("Pivots"),
}


def _zone_text(signal: str | None, *, high: str, low: str) -> str:
    if signal == "overbought":
        return t("overbought (≥{high}): the rise is stretched, pullbacks are common from here", high=high)
    if signal == "oversold":
        return t("oversold (≤{low}): selling is stretched, a bounce is common from here", low=low)
    if signal == "neutral":
        return _("neutral")
    return escape(signal or "")


def describe_reading(reading: IndicatorReading, last_price: Decimal, market: str | None = None) -> str:
    """One readable line (or two) for an indicator reading."""
    v, name = reading.values, reading.name
    title = _(INDICATOR_TITLES[name]) if name in INDICATOR_TITLES else name.upper()
    if name == "rsi":
        return f"<b>RSI {number(v['period'], 0)}</b>: {number(v['rsi'], 1)} — {_zone_text(reading.signal, high='70', low='30')}"
    if name == "stochrsi":
        return (f"<b>Stoch RSI</b>: %K {number(v['stochrsi'], 1)}, %D {number(v['d'], 1)} — "
                f"{_zone_text(reading.signal, high='80', low='20')}")
    if name == "stochastic":
        return (f"<b>Stochastic</b>: %K {number(v['k'], 1)}, %D {number(v['d'], 1)} — "
                f"{_zone_text(reading.signal, high='80', low='20')}")
    if name == "macd":
        mood = (_("bullish: the MACD line is above its signal line") if reading.signal == "bullish"
                else _("bearish: the MACD line is below its signal line"))
        return "<b>MACD</b>: " + t("{macd}, signal {signal}, histogram {histogram}", macd=price(v["macd"], market=market),
                                   signal=price(v["signal"], market=market), histogram=price(v["histogram"], market=market)) + f" — {mood}"
    if name in ("ema", "sma"):
        where = _("price above it (bullish bias)") if reading.signal == "above" else _("price below it (bearish bias)")
        return f"<b>{title} {number(v['period'], 0)}</b>: {price(v[name], market=market)} — {where}"
    if name == "vwap":
        where = (_("price above it (buyers in control)") if reading.signal == "above"
                 else _("price below it (sellers in control)"))
        return f"<b>VWAP</b>: {price(v['vwap'], market=market)} — {where}"
    if name == "bollinger":
        where = {"overbought": _("price at or above the upper band, stretched up"),
                 "oversold": _("price at or below the lower band, stretched down")}.get(
            reading.signal or "", _("price inside the bands"))
        return "<b>Bollinger</b>: " + t("upper {upper}, middle {middle}, lower {lower}", upper=price(v["upper"], market=market),
                                        middle=price(v["middle"], market=market), lower=price(v["lower"], market=market)) \
            + f" — {where} (%B {number(v['percent_b'], 2)})"
    if name == "atr":
        return "<b>ATR</b>: " + t("{atr} — a typical candle spans {percent} of the price", atr=price(v["atr"], market=market),
                                  percent=percent(v["atr_percent"]))
    if name == "obv":
        flow = _("rising: volume is flowing in") if reading.signal == "bullish" else _("falling: volume is flowing out")
        return f"<b>OBV</b>: {compact(v['obv'])} — {flow}"
    if name == "volume":
        ratio = v["ratio"]
        if ratio >= Decimal("1.5"):
            mood = _("well above usual activity")
        elif ratio < Decimal("0.8"):
            mood = _("below usual activity")
        else:
            mood = _("near usual activity")
        return f"<b>{title}</b>: " + t("{volume}, {ratio}x the average {average}", volume=compact(v["volume"]),
                                       ratio=number(ratio, 2), average=compact(v["average"])) + f" — {mood}"
    if name == "adx":
        if reading.signal == "bullish":
            mood = _("a trend, buyers leading (+DI above -DI)")
        elif reading.signal == "bearish":
            mood = _("a trend, sellers leading (-DI above +DI)")
        else:
            mood = _("no clear trend (ADX below 20)")
        return (f"<b>ADX</b>: {number(v['adx'], 1)} (+DI {number(v['plus_di'], 1)}, -DI {number(v['minus_di'], 1)}) — "
                + mood)
    if name == "ichimoku":
        where = {"above": _("price above the cloud (bullish)"), "below": _("price below the cloud (bearish)")}.get(
            reading.signal or "", _("price inside the cloud (undecided)"))
        return "<b>Ichimoku</b>: " + t("conversion {conversion}, base {base}, cloud {low} – {high}",
                                       conversion=price(v["conversion"], market=market), base=price(v["base"], market=market),
                                       low=price(min(v["span_a"], v["span_b"]), market=market),
                                       high=price(max(v["span_a"], v["span_b"]), market=market)) + f" — {where}"
    if name == "pivots":
        rows = [(key.upper() if key != "pivot" else "P", price(v[key], market=market)) for key in ("r3", "r2", "r1", "pivot", "s1", "s2", "s3")]
        side = (_("<b>Pivots</b> (previous UTC day) — price above the pivot") if reading.signal == "above"
                else _("<b>Pivots</b> (previous UTC day) — price below the pivot"))
        return side + "\n" + table(rows, right=(1,))
    if name == "fibonacci":
        levels = [(key, value) for key, value in v.items() if key not in ("high", "low")]
        rows = [(f"{key}", price(value, market=market)) for key, value in levels]
        return ("<b>Fibonacci</b> " + t("(high {high}, low {low})", high=price(v["high"], market=market), low=price(v["low"], market=market)) + "\n"
                + table(rows, right=(1,)))
    pairs = ", ".join(f"{escape(key)} {price(value, market=market)}" for key, value in v.items())
    return f"<b>{escape(title)}</b>: {pairs}" + (f" — {escape(reading.signal)}" if reading.signal else "")


def render_indicators(report: IndicatorReport) -> str:
    _base, quote = pair_assets(report.symbol)
    lines = [f"<b>{escape(report.symbol)} · {escape(report.timeframe)}</b>  "
             + t("price {price}", price=price(report.price, quote, market=report.symbol))]
    lines += [describe_reading(reading, report.price, report.symbol) for reading in report.readings]
    if not report.readings:
        lines.append(_("Not enough candles yet to compute these indicators."))
    if report.unsupported:
        lines.append(t("Not available: {names}", names=escape(", ".join(report.unsupported))))
    lines.append("<i>" + t("Last candle opened {time} UTC.", time=utc_minute(report.as_of)) + "</i>")
    return clip("\n".join(lines))


# -- levels ------------------------------------------------------------------------------------------


def _level_rows(levels: Sequence[Level], current: Decimal, market: str) -> list[tuple[str, ...]]:
    return [(price(lv.price, market=market), percent(abs(lv.price - current) / current * 100 if current else ZERO),
             f"{lv.touches}x") for lv in levels]


def render_levels(report: LevelsReport) -> str:
    _base, quote = pair_assets(report.symbol)
    lines = [t("<b>{symbol} · {timeframe} levels</b>", symbol=escape(report.symbol),
               timeframe=escape(report.timeframe)) + "  "
             + t("price {price}", price=price(report.price, quote, market=report.symbol))]
    header = (_("Level"), _("Away"), _("Touches"))
    lines.append(_("<b>Resistance</b> (nearest first)"))
    lines.append(table([header, *_level_rows(report.resistances, report.price, report.symbol)], right=(0, 1, 2))
                 if report.resistances else _("None above the price in this window."))
    lines.append(_("<b>Support</b> (nearest first)"))
    lines.append(table([header, *_level_rows(report.supports, report.price, report.symbol)], right=(0, 1, 2))
                 if report.supports else _("None below the price in this window."))
    lines.append(_("<i>Swing highs and lows of the last 200 candles; more touches, stronger level.</i>"))
    return "\n".join(lines)


# -- technical analysis ------------------------------------------------------------------------------

SIGNAL_TITLES = {
    SignalType.STRONG_BUY: N_("STRONG BUY"), SignalType.BUY: N_("BUY"), SignalType.HOLD: N_("NEUTRAL (hold)"),
    SignalType.SELL: N_("SELL"), SignalType.STRONG_SELL: N_("STRONG SELL"),
}
ANALYSIS_NOTE = N_("Not financial advice: indicators describe the past, they do not promise the future.")


def vote_text(vote: Vote, readings: dict[str, IndicatorReading]) -> str:
    """Why an indicator leans as it does, worded here (in the user's language) from the vote and its reading."""
    values = readings[vote.indicator].values if vote.indicator in readings else {}
    up, down = vote.weight > 0, vote.weight < 0
    if vote.indicator == "trend":
        return (_("price, EMA 20 and EMA 50 stacked upwards") if up else
                _("price, EMA 20 and EMA 50 stacked downwards") if down else _("price, EMA 20 and EMA 50 in no order"))
    if vote.indicator == "macd":
        return _("MACD above its signal line") if up else _("MACD below its signal line")
    if vote.indicator == "rsi" and "rsi" in values:
        rsi = Decimal(str(values["rsi"]))
        zone = (_("oversold") if rsi <= 30 else _("overbought") if rsi >= 70 else
                _("above 50") if rsi > 50 else _("below 50"))
        return f"RSI {number(rsi, 0)}, {zone}"
    if vote.indicator == "adx" and "adx" in values:
        return t("ADX {adx}: a trend, {side} leading", adx=number(values["adx"], 0), side="+DI" if up else "-DI")
    if vote.indicator == "ichimoku":
        return (_("price above the cloud (bullish)") if up else _("price below the cloud (bearish)") if down
                else _("price inside the cloud (undecided)"))
    if vote.indicator == "bollinger" and "percent_b" in values:
        where = (_("price at or below the lower band, stretched down") if up else
                 _("price at or above the upper band, stretched up") if down else _("price inside the bands"))
        return f"Bollinger: {where} (%B {number(values['percent_b'], 2)})"
    if vote.indicator == "stochastic" and "k" in values:
        zone = _("oversold") if up else _("overbought") if down else _("mid-range")
        return f"Stochastic %K {number(values['k'], 0)}, {zone}"
    if vote.indicator == "vwap":
        return _("price above the session VWAP") if up else _("price below the session VWAP")
    if vote.indicator == "obv":
        return _("rising: volume is flowing in") if up else _("falling: volume is flowing out")
    return escape(_(vote.reason))


def _setup_line(analysis: TechnicalAnalysis) -> str:
    setup = analysis.setup
    if setup is None:
        return _("No trade setup: the indicators do not agree on a direction.")
    long = analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY)
    stop_distance = abs(analysis.price - setup.stop_loss) / analysis.price * 100
    values = dict(low=price(setup.entry_low, market=analysis.symbol), high=price(setup.entry_high, market=analysis.symbol), stop=price(setup.stop_loss, market=analysis.symbol),
                  distance=percent(stop_distance), targets=", ".join(price(target, market=analysis.symbol) for target in setup.targets),
                  ratio=number(setup.risk_reward, 2))
    if long:
        return t("Setup (long): entry {low} – {high}, stop {stop} ({distance} away), targets {targets}; "
                 "first target {ratio}x the risk", **values)
    return t("Setup (short): entry {low} – {high}, stop {stop} ({distance} away), targets {targets}; "
             "first target {ratio}x the risk", **values)


def render_technical_analysis(analysis: TechnicalAnalysis) -> str:
    _base, quote = pair_assets(analysis.symbol)
    voting = [v for v in analysis.votes if v.weight != 0]
    if analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY, SignalType.SELL, SignalType.STRONG_SELL):
        long = analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY)
        agreeing = sum(1 for v in voting if (v.weight > 0) == long)
        basis = t("{agreeing} of the {voting} leaning indicators agree", agreeing=agreeing, voting=len(voting))
    else:
        basis = t("{voting} of {total} indicators lean one way or the other", voting=len(voting),
                  total=len(analysis.votes))
    lines = [
        t("<b>{symbol} · {timeframe} technical analysis</b>", symbol=escape(analysis.symbol),
          timeframe=escape(analysis.timeframe)) + "  " + t("price {price}", price=price(analysis.price, quote, market=analysis.symbol)),
        t("Signal: <b>{signal}</b> — strength {strength}, confidence {confidence} ({basis})",
          signal=_(SIGNAL_TITLES[analysis.signal]), strength=number(analysis.strength, 2),
          confidence=percent(analysis.confidence * 100, 0), basis=basis),
        _setup_line(analysis),
        "",
        _("<b>Why</b>"),
    ]
    readings = {reading.name: reading for reading in analysis.readings}
    lines += [f"{'▲' if v.weight > 0 else '▼' if v.weight < 0 else '•'} {vote_text(v, readings)}" for v in analysis.votes]
    lines += ["", _("<b>Indicators</b>")]
    lines += [describe_reading(reading, analysis.price, analysis.symbol) for reading in analysis.readings]
    supports = ", ".join(price(lv.price, market=analysis.symbol) for lv in analysis.supports) or _("none in view")
    resistances = ", ".join(price(lv.price, market=analysis.symbol) for lv in analysis.resistances) or _("none in view")
    lines += [t("<b>Support</b> {supports}; <b>resistance</b> {resistances}", supports=supports,
                resistances=resistances), ""]
    lines.append("<i>" + t("Based on the last {count} {timeframe} candles up to {as_of} UTC; the call holds until "
                           "{until} UTC.", count=len(analysis.candles), timeframe=escape(analysis.timeframe),
                           as_of=utc_minute(analysis.as_of), until=utc_minute(analysis.valid_until))
                 + " " + _(ANALYSIS_NOTE) + "</i>")
    return clip("\n".join(lines))


def analysis_caption(analysis: TechnicalAnalysis) -> str:
    """The chart's caption (Telegram allows 1,024 characters): the call in two lines."""
    first = (f"<b>{escape(analysis.symbol)} · {escape(analysis.timeframe)}</b> — {_(SIGNAL_TITLES[analysis.signal])}, "
             + t("confidence {confidence}", confidence=percent(analysis.confidence * 100, 0)))
    setup = analysis.setup
    if setup is None:
        return first + "\n" + _("Levels and indicators drawn; no trade setup.")
    return first + "\n" + t("Entry {low} – {high} · stop {stop} · TP {targets}", low=price(setup.entry_low, market=analysis.symbol),
                             high=price(setup.entry_high, market=analysis.symbol), stop=price(setup.stop_loss, market=analysis.symbol),
                             targets=" / ".join(price(target, market=analysis.symbol) for target in setup.targets))


def render_track_record(records: Sequence[TimeframeRecord]) -> str:
    """/accuracy: the technical calls per timeframe and how the scored ones turned out."""
    if not records:
        return _("<b>Track record</b>\nNo technical calls yet. Ask e.g. <i>analyze btc 4h</i>; each call is "
                 "scored against the market once its validity window has passed.")
    rows = [(_("Timeframe"), _("Calls"), _("Scored"), _("Hit rate"), _("Accuracy"), _("Move"))]
    for r in records:
        rows.append((r.timeframe, str(r.calls), str(r.scored),
                     "–" if not r.scored else percent(Decimal(r.hits) / r.scored * 100, 0),
                     "–" if r.average_accuracy is None else number(r.average_accuracy, 2),
                     "–" if r.average_move_percent is None else percent(r.average_move_percent, signed=True)))
    return "\n".join([
        _("<b>Track record of my technical calls</b>"),
        table(rows, right=(1, 2, 3, 4, 5)),
        "<i>" + _("A call is scored when its window ends: 1 if a target came before the stop, 0 if the stop came "
                  "first, in between by how far the price went its way. Hit rate: calls scoring 0.5 or more. Move: "
                  "average percent the price moved in the call's favour (buy and sell calls). Past calls do not "
                  "predict future ones.") + " " + _(ANALYSIS_NOTE) + "</i>",
    ])
