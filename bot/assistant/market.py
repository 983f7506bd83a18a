"""Intent handlers for market questions: price, market overview, indicators, chart, levels.

Each is ``async def handler(ctx, parsed) -> TextReply``; domain errors (unknown pair, market data
down, an invalid indicator period) propagate for the caller to turn into a reply.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from decimal import Decimal

from bot.i18n import N_, t
from bot.assistant.context import IntentContext, IntentHandler, answer_only
from bot.charts import DEFAULT_THEME, PriceChart
from bot.render import market as render
from bot.text_handler import TextReply
from bot.analysis_record import MODEL as TECHNICAL_MODEL
from db.repositories.analyses import AnalysisRecordRepository
from nlp.models import ParsedCommand

log = logging.getLogger(__name__)

DEFAULT_INDICATORS = ("rsi", "macd")
INDICATOR_TIMEFRAME = "1h"
CHART_TIMEFRAME = "4h"
LEVELS_TIMEFRAME = "4h"
DEFAULT_PERIOD = "24h"
MAX_PRICES = 10

_LOSERS = re.compile(r"\b(losers?|losing|dump\w*|worst|falling|dropping|bleeding|crash\w*|tank\w*)\b", re.I)
_GAINERS = re.compile(r"\b(gainers?|gaining|pump\w*|best|winners?|rising|moon\w*|rall\w*|surg\w*)\b", re.I)
_MOVERS = re.compile(r"\b(movers?|moving|top|biggest)\b", re.I)
_THEME = re.compile(r"\b(light|dark)\b", re.I)
# "analyze btc", "ta on eth", "technicals for sol": a whole technical call, not named indicators.
_ANALYSIS = re.compile(r"\b(analy[sz]\w*|ta|technicals?)\b", re.I)


def symbols_of(parsed: ParsedCommand) -> list[str]:
    """The pairs a command names, in order: ``symbols`` when given, else ``symbol``."""
    symbols = list(parsed.entities.get("symbols") or ())
    symbol = parsed.entities.get("symbol")
    return symbols if symbols else [symbol] if symbol else []


def _reply(ctx: IntentContext, text: str, photo: bytes | None = None) -> TextReply:
    return TextReply(text, ai_command_id=ctx.ai_command_id, photo=photo)


@answer_only
async def handle_price(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    symbols = symbols_of(parsed)[:MAX_PRICES]
    if not symbols:
        return _reply(ctx, render.ask_symbol())
    analysis = ctx.services.trading.analysis
    tickers = await asyncio.gather(*(analysis.price(symbol) for symbol in symbols))
    return _reply(ctx, render.render_prices(tickers))


def movers_wanted(text: str) -> tuple[bool, bool] | None:
    """(gainers, losers) when the wording asks for movers, None for a general summary."""
    gainers, losers = bool(_GAINERS.search(text)), bool(_LOSERS.search(text))
    if gainers or losers:
        return (gainers or not losers, losers or not gainers) if not (gainers and losers) else (True, True)
    if _MOVERS.search(text):
        return True, True
    return None


@answer_only
async def handle_market_overview(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    period = parsed.entities.get("period") or DEFAULT_PERIOD
    overview = ctx.services.overview
    symbols = symbols_of(parsed)
    if len(symbols) >= 2:
        return _reply(ctx, render.render_comparison(await overview.compare(symbols, period)))
    wanted = movers_wanted(parsed.text)
    if wanted is not None:
        gainers, losers = wanted
        return _reply(ctx, render.render_movers(await overview.movers(period), gainers=gainers, losers=losers))
    return _reply(ctx, render.render_summary(await overview.summary(period)))


def _period_of(value: object) -> int | None:
    return int(Decimal(str(value))) if value is not None else None


async def handle_indicators(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    symbol = parsed.entities.get("symbol") or next(iter(symbols_of(parsed)), None)
    if not symbol:
        return _reply(ctx, render.ask_symbol(N_("rsi eth 4h")))
    if not parsed.entities.get("indicators") and _ANALYSIS.search(parsed.text):
        return await handle_chart(ctx, parsed)
    names = tuple(parsed.entities.get("indicators") or DEFAULT_INDICATORS)
    timeframe = parsed.entities.get("timeframe") or INDICATOR_TIMEFRAME
    report = await ctx.services.trading.analysis.indicators(
        symbol, timeframe, names, _period_of(parsed.entities.get("indicator_period")))
    return _reply(ctx, render.render_indicators(report))


def chart_theme(text: str) -> str:
    """"btc chart light" asks for the light theme; dark is the default."""
    match = _THEME.search(text)
    return match.group(1).lower() if match else DEFAULT_THEME


async def handle_chart(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """"analyze btc 4h", "eth chart with rsi": the technical call as text, and its chart (the
    requested indicators in their panels, levels, entry zone, stop and targets) as a photo."""
    symbol = parsed.entities.get("symbol") or next(iter(symbols_of(parsed)), None)
    if not symbol:
        return _reply(ctx, render.ask_symbol(N_("analyze btc 4h")))
    timeframe = parsed.entities.get("timeframe") or CHART_TIMEFRAME
    started = time.perf_counter()
    analysis = await ctx.services.technical.analyze(symbol, timeframe)
    ctx.services.time_series.ai_model_performance(
        TECHNICAL_MODEL, symbol, confidence=float(analysis.confidence),
        processing_time_ms=(time.perf_counter() - started) * 1000)
    # The call of record (committed with the request's command log), scored once it expires.
    await ctx.uow.repo(AnalysisRecordRepository).add(analysis, user_id=ctx.message.user_id,
                                                     ai_command_id=ctx.ai_command_id)
    chart = PriceChart.of_analysis(analysis, indicators=tuple(parsed.entities.get("indicators") or ()),
                                   theme=chart_theme(parsed.text), label=render.chart_label(analysis),
                                   words=render.chart_words())
    text = render.render_technical_analysis(analysis)
    try:
        photo = await ctx.services.charts.price(chart)
    except Exception:  # the chart is a bonus: the call still answers
        log.warning("Analysis chart failed", exc_info=True)
        return _reply(ctx, text)
    return TextReply(text, ai_command_id=ctx.ai_command_id, photo=photo, photo_caption=render.analysis_caption(analysis))


@answer_only
async def handle_levels(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    symbol = parsed.entities.get("symbol") or next(iter(symbols_of(parsed)), None)
    if not symbol:
        return _reply(ctx, render.ask_symbol(N_("support and resistance for ETH")))
    timeframe = parsed.entities.get("timeframe") or LEVELS_TIMEFRAME
    return _reply(ctx, render.render_levels(await ctx.services.trading.analysis.levels(symbol, timeframe)))


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "price": handle_price,
    "market_overview": handle_market_overview,
    "indicators": handle_indicators,
    "chart": handle_chart,
    "levels": handle_levels,
}
