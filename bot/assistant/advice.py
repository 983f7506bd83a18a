"""Intent handlers for advice questions: recommend, sentiment, news, explain, evaluate_trade,
trade_risk, position_size and portfolio_risk.

Each is ``async def handler(ctx, parsed) -> TextReply``; domain errors propagate for the caller
to turn into a reply. Sizing and portfolio answers need ``ctx.user_id`` (the /start terms).
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from bot.assistant.context import IntentContext, IntentHandler, answer_only
from bot.assistant.market import symbols_of
from bot.render import advice as render
from bot.render.market import ask_symbol
from bot.text_handler import TextReply
from bot.i18n import N_, _, t
from domain.enums import OrderSide
from domain.services.market_overview import DEFAULT_UNIVERSE
from domain.services.news import topics_in
from domain.services.recommendations import DcaPeriod
from domain.services.trade_review import TradePlan
from nlp.models import ParsedCommand

log = logging.getLogger(__name__)

DCA_BUYS = 12
# "build me a dca plan", "$100 a week", "monthly", "every two weeks".
_DCA = re.compile(r"\b(dca|dollar[- ]cost|daily|weekly|bi-?weekly|monthly|every\s+(day|week|month|two\s+weeks)|"
                  r"(a|per|each)\s+(day|week|month|fortnight))\b", re.I)
_BIWEEKLY = re.compile(r"\b(bi-?weekly|fortnight\w*|every\s+(two|2)\s+weeks)\b", re.I)
_MONTHLY = re.compile(r"\b(monthly|(a|per|each|every)\s+month)\b", re.I)
_DAILY = re.compile(r"\b(daily|(a|per|each|every)\s+day)\b", re.I)
_STRATEGY = re.compile(r"\b(strateg\w*|grid|range\s+trad\w*|how\s+(should|do|can)\s+i\s+(trade|invest|use|deploy))\b", re.I)
# "what should I buy", "which coins look good", "anything worth accumulating?"
_WHAT_TO_BUY = re.compile(r"\b(buy|accumulat\w*|invest\w*|coins?|picks?|look\w*\s+good|worth|opportunit\w*)\b", re.I)
# A risk the parser missed: "if i risk 1%", "risking 2 %".
_RISK_PERCENT = re.compile(r"\brisk(?:ing)?\s+(\d+(?:\.\d+)?)\s*%", re.I)


def _reply(ctx: IntentContext, text: str) -> TextReply:
    return TextReply(text, ai_command_id=ctx.ai_command_id)


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _symbol(parsed: ParsedCommand) -> str | None:
    return parsed.entities.get("symbol") or next(iter(symbols_of(parsed)), None)


def dca_period(text: str) -> DcaPeriod:
    if _BIWEEKLY.search(text):
        return DcaPeriod.BIWEEKLY
    if _MONTHLY.search(text):
        return DcaPeriod.MONTHLY
    if _DAILY.search(text):
        return DcaPeriod.DAILY
    return DcaPeriod.WEEKLY


# -- recommend -------------------------------------------------------------------------------------


@answer_only
async def handle_recommend(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """Switch (two pairs) > DCA plan (dca wording) > strategy templates (strategy wording) > a view
    of the named pair > a screen ("what should I buy") > strategy templates on BTC."""
    service, text = ctx.services.recommendations, parsed.text
    symbols = symbols_of(parsed)
    amount = _decimal(parsed.entities.get("quote_amount"))
    if len(symbols) >= 2:
        return _reply(ctx, render.render_switch(await service.switch(symbols[0], symbols[1])))
    symbol = symbols[0] if symbols else None
    if _DCA.search(text) and not _STRATEGY.search(text):
        if symbol is None:
            return _reply(ctx, ask_symbol(N_("dca $100 a week into BTC")))
        if amount is None:
            return _reply(ctx, t("How much per buy? e.g. <i>dca $100 a week into {asset}</i>",
                                 asset=escape(symbol.split("/")[0])))
        plan = await service.dca_plan(symbol, amount, dca_period(text), DCA_BUYS)
        return _reply(ctx, render.render_dca_plan(plan))
    if _STRATEGY.search(text):
        ideas = await (service.strategies(amount, symbol) if symbol else service.strategies(amount))
        return _reply(ctx, render.render_strategies(ideas))
    if symbol is not None:
        return _reply(ctx, render.render_recommendation(await service.view(symbol)))
    if _WHAT_TO_BUY.search(text):
        return _reply(ctx, render.render_screen(await service.screen(DEFAULT_UNIVERSE)))
    return _reply(ctx, render.render_strategies(await service.strategies(amount)))


# -- sentiment, news, glossary -------------------------------------------------------------------------


@answer_only
async def handle_sentiment(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    service = ctx.services.sentiment
    symbols = symbols_of(parsed)
    if len(symbols) >= 2:
        return _reply(ctx, render.render_sentiments(await service.pairs(symbols)))
    if symbols:
        return _reply(ctx, render.render_sentiment(await service.pair(symbols[0])))
    return _reply(ctx, render.render_sentiment(await service.market()))


@answer_only
async def handle_news(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    news = ctx.services.news
    keywords = list(topics_in(parsed.text))
    exchange = parsed.entities.get("exchange")
    if exchange:
        keywords.append(exchange)
    result = await news.latest(symbols_of(parsed), period=parsed.entities.get("period"), keywords=keywords)
    return _reply(ctx, render.render_news(result))


@answer_only
async def handle_explain(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    glossary = ctx.services.glossary
    return _reply(ctx, render.render_glossary(glossary.lookup(parsed.text, render.glossary_names(glossary.terms))))


# -- trades and risk -------------------------------------------------------------------------------------


def _risk_of(parsed: ParsedCommand) -> tuple[Decimal | None, Decimal | None]:
    """(risk_percent, risk_amount); a "risk N%" the parser left out is read from the text."""
    risk_percent = _decimal(parsed.entities.get("risk_percent"))
    risk_amount = _decimal(parsed.entities.get("risk_amount"))
    if risk_percent is None and risk_amount is None:
        match = _RISK_PERCENT.search(parsed.text)
        if match:
            risk_percent = Decimal(match.group(1))
    return risk_percent, risk_amount


def _entry_of(parsed: ParsedCommand) -> Decimal | None:
    return _decimal(parsed.entities.get("target_price") or parsed.entities.get("price"))


@answer_only
async def handle_trade_review(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """evaluate_trade and trade_risk. A question that names a risk and a stop ("how much should I
    buy if I risk 1% with stop 58000") is a sizing question and is answered as one."""
    symbol = _symbol(parsed)
    if symbol is None:
        return _reply(ctx, ask_symbol(N_("long SOL at 140 with stop 132, tp 160")))
    risk_percent, risk_amount = _risk_of(parsed)
    if parsed.entities.get("stop_loss") is not None and (risk_percent is not None or risk_amount is not None):
        return await handle_position_size(ctx, parsed)
    side = parsed.entities.get("side")
    entities = parsed.entities
    plan = TradePlan(
        symbol=symbol,
        side=OrderSide(side) if side else None,
        entry=_entry_of(parsed),
        stop_loss=_decimal(entities.get("stop_loss")),
        take_profits=tuple(Decimal(str(tp)) for tp in entities.get("take_profits") or ()),
        leverage=_decimal(entities.get("leverage")),
        amount=_decimal(entities.get("amount")),
    )
    return _reply(ctx, render.render_trade_review(await ctx.services.trade_review.review(plan)))


@answer_only
async def handle_position_size(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if ctx.user_id is None:
        return _reply(ctx, _(render.START_HINT))
    symbol = _symbol(parsed)
    if symbol is None:
        return _reply(ctx, ask_symbol(N_("position size BTC, risk 1%, stop 58000")))
    stop = _decimal(parsed.entities.get("stop_loss"))
    if stop is None:
        return _reply(ctx, t("Where is your stop-loss? e.g. <i>position size {asset} risk 1% stop …</i>",
                             asset=escape(symbol.split("/")[0])))
    risk_percent, risk_amount = _risk_of(parsed)
    if risk_percent is None and risk_amount is None:
        return _reply(ctx, _("How much do you want to risk? e.g. <i>risk 1%</i> or <i>risk $50</i>."))
    if risk_percent is not None and risk_amount is not None:
        risk_amount = None  # the percentage is the rule of thumb users mean first
    sizing = await ctx.services.trading.risk.position_size(
        ctx.uow, ctx.user_id, symbol, stop, entry=_entry_of(parsed),
        risk_percent=risk_percent, risk_amount=risk_amount, leverage=_decimal(parsed.entities.get("leverage")),
    )
    return _reply(ctx, render.render_position_size(sizing))


@answer_only
async def handle_portfolio_risk(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if ctx.user_id is None:
        return _reply(ctx, _(render.START_HINT))
    trading = ctx.services.trading
    risk = await trading.risk.portfolio_risk(ctx.uow, ctx.user_id)
    portfolio = await trading.portfolios.ensure_default(ctx.uow, ctx.user_id)
    text = render.render_portfolio_risk(risk, portfolio.base_currency)
    market = risk.market
    if market is None or not market.correlation:
        return _reply(ctx, text)
    title = t("Daily return correlation, {days} days", days=market.days)  # drawn in another process
    try:
        heat_map = await ctx.services.charts.correlation(market.assets, market.correlation, title)
    except Exception:  # a chart is a bonus: the figures still answer
        log.warning("Correlation heat-map failed", exc_info=True)
        return _reply(ctx, text)
    return TextReply(text, ai_command_id=ctx.ai_command_id, photo=heat_map,
                     photo_caption=render.correlation_caption(market))


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "recommend": handle_recommend,
    "sentiment": handle_sentiment,
    "news": handle_news,
    "explain": handle_explain,
    "evaluate_trade": handle_trade_review,
    "trade_risk": handle_trade_review,
    "position_size": handle_position_size,
    "portfolio_risk": handle_portfolio_risk,
}
