"""Advice replies as HTML: recommendations, DCA plans, switches, strategy ideas, sentiment, news,
glossary answers, trade reviews, position sizing and portfolio risk.

Every result that carries a disclaimer ends with it in italics. Number helpers come from
``bot.render.market``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.render.market import ZERO, clip, compact, num, pair_assets, pct, period_label, price, table
from domain.enums import OrderSide
from domain.services.glossary import GlossaryAnswer
from domain.services.news import NewsResult, NewsStatus
from domain.services.recommendations import (
    DcaPlan,
    Recommendation,
    Screen,
    Stance,
    StrategyIdeas,
    SwitchComparison,
    SwitchLeaning,
)
from domain.services.risk import MarketRisk, PortfolioRisk, PositionSizing
from domain.services.sentiment import SentimentReading
from domain.services.trade_review import TradeReview, TradeWarning, Verdict

NO_NEWS_SOURCE = "No news source is connected on this bot (the operator sets NEWS_FEEDS)."
START_HINT = "Send /start and accept the terms first: sizing and portfolio answers need your paper portfolio."
SCREEN_ROWS = 10

STANCE_LABELS = {
    Stance.ACCUMULATE: "🟢 Accumulate",
    Stance.HOLD: "🔵 Hold",
    Stance.TAKE_PARTIAL_PROFIT: "🟡 Take partial profit",
    Stance.WAIT: "🔴 Wait",
}
SHORT_STANCE = {Stance.ACCUMULATE: "accumulate", Stance.HOLD: "hold", Stance.TAKE_PARTIAL_PROFIT: "take profit",
                Stance.WAIT: "wait"}


def disclaimer(text: str) -> str:
    return f"<i>⚠️ {escape(text)}</i>"


def bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"• {escape(line)}" for line in lines)


# -- recommendations ----------------------------------------------------------------------------------


def render_recommendation(rec: Recommendation) -> str:
    s = rec.snapshot
    _, quote = pair_assets(rec.symbol)
    rsi = "–" if s.rsi is None else num(s.rsi, 1)
    return clip("\n".join([
        f"<b>{escape(rec.symbol)}: {STANCE_LABELS[rec.stance]}</b>",
        f"Price {price(s.last_price)} {escape(quote)} · 30d {pct(s.change_percent, signed=True)} · "
        f"RSI (1d) {rsi} · trend {escape(str(s.trend))}",
        f"Support {price(s.support)} · resistance {price(s.resistance)}",
        "<b>Why</b>",
        bullets(rec.reasons),
        f"Invalidation: a daily close {rec.invalidated_on_close} <b>{price(rec.invalidation_price)}</b>",
        disclaimer(rec.disclaimer),
    ]))


def render_screen(screen: Screen, limit: int = SCREEN_ROWS) -> str:
    rows = [("Pair", "View", "30d", "RSI")]
    for rec in screen.recommendations[:limit]:
        s = rec.snapshot
        rows.append((rec.symbol, SHORT_STANCE[rec.stance], pct(s.change_percent, signed=True, places=1),
                     "–" if s.rsi is None else num(s.rsi, 0)))
    picks = ", ".join(r.symbol for r in screen.to_accumulate[:5])
    lines = ["<b>Screen of the major pairs</b> (rule-based daily view)"]
    lines.append(f"Accumulation candidates: <b>{escape(picks)}</b>" if picks
                 else "No pair is in an accumulation zone right now.")
    lines.append(table(rows, right=(2, 3)))
    if screen.unavailable:
        lines.append(f"No data for: {escape(', '.join(screen.unavailable))}")
    lines.append("Ask “should I accumulate ETH” for the reasons behind one pair.")
    lines.append(disclaimer(screen.disclaimer))
    return clip("\n".join(lines))


def render_dca_plan(plan: DcaPlan) -> str:
    base, quote = pair_assets(plan.symbol)
    flat, dip = plan.flat, plan.dip_variant
    first, last = flat.buys[0].on, flat.buys[-1].on
    rows = [("#", "Date", "Buy")] + [(str(b.number), f"{b.on:%Y-%m-%d}", num(b.quote_amount, 2)) for b in flat.buys]
    plain, dips = dip.scenario_plain, dip.scenario_with_dips
    return clip("\n".join([
        f"<b>DCA plan: {escape(plan.symbol)}, {num(plan.amount_per_buy, 2)} {escape(quote)} "
        f"{escape(str(plan.period))}</b>",
        f"{len(flat.buys)} buys from {first:%d %b %Y} to {last:%d %b %Y}: "
        f"{num(flat.total_invested, 2)} {escape(quote)} in total.",
        f"At today's price {price(plan.current_price)} that buys ≈ {num(flat.total_quantity, 6)} {escape(base)}.",
        table(rows, right=(0, 2)),
        "<b>Buy-the-dip variant</b>",
        f"Buy {num(dip.multiplier, 2)}x the amount whenever the price is at or below {price(dip.level)} "
        f"(budget up to {num(dip.max_total, 2)} {escape(quote)}).",
        f"If the price dipped to {price(dip.scenario_low)} mid-plan and came back: plain DCA averages "
        f"{price(plain.average_cost)} for {num(plain.total_quantity, 6)} {escape(base)}; with dip buys "
        f"{price(dips.average_cost)} for {num(dips.total_quantity, 6)} {escape(base)} "
        f"({num(dips.total_invested, 2)} {escape(quote)} invested).",
        disclaimer(plan.disclaimer),
    ]))


_LEANINGS = {
    SwitchLeaning.CANDIDATE_STRONGER: "the coin you would switch to looks stronger",
    SwitchLeaning.CURRENT_STRONGER: "the coin you hold looks stronger",
    SwitchLeaning.NO_CLEAR_EDGE: "no clear edge either way",
}


def render_switch(switch: SwitchComparison) -> str:
    a, b = switch.current.symbol, switch.candidate.symbol
    return clip("\n".join([
        f"<b>Switch {escape(a)} → {escape(b)}?</b>",
        f"Leaning: <b>{_LEANINGS[switch.leaning]}</b>",
        f"{escape(b)} vs {escape(a)} over 30 days: {pct(switch.relative_strength_percent, signed=True)} "
        f"relative strength; {num(switch.volatility_ratio, 2)}x the daily swings.",
        bullets(switch.reasons),
        disclaimer(switch.disclaimer),
    ]))


def render_strategies(ideas: StrategyIdeas) -> str:
    s, grid, rng = ideas.snapshot, ideas.grid, ideas.range_levels
    _, quote = pair_assets(ideas.symbol)
    capital = f" with {num(ideas.capital, 2)} {escape(quote)}" if ideas.capital is not None else ""
    lines = [
        f"<b>Strategy ideas on {escape(ideas.symbol)}{capital}</b>",
        f"Price {price(s.last_price)}; 30-day range {price(s.range_low)} – {price(s.range_high)}; "
        f"trend {escape(str(s.trend))}.",
    ]
    for template in ideas.templates:
        lines.append(f"\n<b>{escape(template.title)}</b> — {escape(template.fits)}")
        lines.append(escape(template.how_it_works))
        lines.append(f"<i>Risk:</i> {escape(template.risks)}")
        if template.kind == "grid":
            per_grid = (f", {num(grid.quote_per_grid, 2)} {escape(quote)} per grid"
                        if grid.quote_per_grid is not None else "")
            lines.append(f"➤ {len(grid.lines)} lines {price(grid.lower)} – {price(grid.upper)}, step "
                         f"{price(grid.step)} ({pct(grid.step_percent)}){per_grid}.")
        elif template.kind == "dca" and ideas.dca is not None:
            dca = ideas.dca
            lines.append(f"➤ {num(dca.amount_per_buy, 2)} {escape(quote)} {escape(str(dca.period))} "
                         f"for {len(dca.flat.buys)} buys.")
        elif template.kind == "range":
            lines.append(f"➤ Buy below {price(rng.buy_below)}, sell above {price(rng.sell_above)}, stop "
                         f"{price(rng.stop_loss)} (reward:risk {num(rng.reward_to_risk, 2)}).")
    lines.append(disclaimer(ideas.disclaimer))
    return clip("\n".join(lines))


# -- sentiment -------------------------------------------------------------------------------------------


def _gauge(score: int) -> str:
    return "😱" if score <= 24 else "😟" if score <= 44 else "😐" if score <= 55 else "🙂" if score <= 75 else "🤑"


def render_sentiment(reading: SentimentReading) -> str:
    subject = "Market" if reading.subject == "market" else reading.subject
    rows = [("Component", "Value", "Score")]
    for c in reading.components:
        unit = c.unit if c.unit in ("%", "x") else ""
        rows.append((c.key, f"{num(c.value, 2)}{unit}", str(c.score)))
    lines = [
        f"<b>Sentiment: {escape(subject)}</b>  {_gauge(reading.score)} <b>{reading.score}/100 · "
        f"{escape(reading.mood.label)}</b>",
        table(rows, right=(1, 2)),
        "0 = extreme fear, 100 = extreme greed.",
    ]
    if reading.subject == "market":
        lines.append(f"Pairs measured: {escape(', '.join(reading.pairs))}")
    if reading.unavailable:
        lines.append(f"No data for: {escape(', '.join(reading.unavailable))}")
    lines.append(f"<i>{escape(reading.basis)}</i>")
    return clip("\n".join(lines))


def render_sentiments(readings: Sequence[SentimentReading]) -> str:
    if len(readings) == 1:
        return render_sentiment(readings[0])
    rows = [("Pair", "Score", "Mood")]
    rows += [(r.subject, str(r.score), r.mood.label) for r in readings]
    components = sorted({c.key for r in readings for c in r.components})
    detail = [("", *(r.subject.split("/")[0] for r in readings))]
    for key in components:
        detail.append((key, *(next((str(c.score) for c in r.components if c.key == key), "–") for r in readings)))
    basis = readings[0].basis if readings else ""
    return clip("\n".join([
        "<b>Sentiment</b> (0 = extreme fear, 100 = extreme greed)",
        table(rows, right=(1,)),
        "<b>Component scores</b>",
        table(detail, right=tuple(range(1, len(detail[0])))),
        f"<i>{escape(basis)}</i>",
    ]))


# -- news ---------------------------------------------------------------------------------------------------


def render_news(result: NewsResult) -> str:
    if result.status is NewsStatus.NO_SOURCE:
        return NO_NEWS_SOURCE
    if result.status is NewsStatus.SOURCES_FAILED:
        return "The news feeds could not be read right now. Please try again later."
    about = [s.split("/")[0] for s in result.symbols] + list(result.keywords)
    subject = f" on {escape(', '.join(about))}" if about else ""
    span = f" ({escape(period_label(result.period))})" if result.period else ""
    if not result.items:
        return f"<b>News{subject}{span}</b>\nNothing matched in the connected feeds."
    lines = [f"<b>News{subject}{span}</b>"]
    for item in result.items:
        when = f"{item.published_at:%d %b %H:%M} UTC · " if item.published_at else ""
        lines.append(f"• <a href=\"{escape(item.link)}\">{escape(item.title)}</a>\n  <i>{when}{escape(item.source)}</i>")
    if result.matched_before_limit > len(result.items):
        lines.append(f"Showing the newest {len(result.items)} of {result.matched_before_limit}.")
    if result.failed_sources:
        lines.append(f"Unreadable feeds: {escape(', '.join(result.failed_sources))}")
    return clip("\n".join(lines))


# -- glossary ---------------------------------------------------------------------------------------------------


def render_glossary(answer: GlossaryAnswer) -> str:
    entry = answer.entry
    if entry is None:
        if answer.suggestions:
            return ("I don't have that term. Did you mean: "
                    + ", ".join(f"<b>{escape(s)}</b>" for s in answer.suggestions) + "?")
        return "I don't have that term in my glossary yet. Try e.g. <i>what is a funding rate</i>."
    lines = [f"📘 <b>{escape(entry.term.capitalize())}</b>", escape(entry.definition)]
    if entry.related:
        lines.append(f"<i>See also: {escape(', '.join(entry.related))}</i>")
    return "\n".join(lines)


# -- trade review ----------------------------------------------------------------------------------------------------

WARNING_TEXTS = {
    TradeWarning.NO_STOP: "No stop-loss: nothing limits the loss.",
    TradeWarning.STOP_WRONG_SIDE: "The stop is on the wrong side of the entry (a long's stop goes below it, a short's above).",
    TradeWarning.TARGET_WRONG_SIDE: "A target is on the losing side of the entry.",
    TradeWarning.LOW_REWARD_RISK: "A target pays less than the stop risks (reward:risk below 1).",
    TradeWarning.HIGH_LEVERAGE: "Leverage above 20x: a small move against you liquidates the position.",
    TradeWarning.STOP_BEYOND_LIQUIDATION: "The position would be liquidated before the stop triggers.",
    TradeWarning.STOP_WITHIN_NOISE: "The stop is closer than half a typical daily range (ATR): ordinary noise may hit it.",
}
VERDICTS = {Verdict.REASONABLE: "✅ Reasonable", Verdict.RISKY: "⚠️ Risky", Verdict.POOR: "⛔ Poor"}
REVIEW_NOTE = "Arithmetic on your numbers and recent volatility, not financial advice."


def render_trade_review(review: TradeReview) -> str:
    _, quote = pair_assets(review.symbol)
    direction = "Long" if review.side is OrderSide.BUY else "Short"
    inferred = " (side read from your stop/targets)" if review.side_inferred else ""
    lines = [f"<b>{direction} {escape(review.symbol)}: {VERDICTS[review.verdict]}</b>{inferred}"]
    entry = f"Entry {price(review.entry)} {escape(quote)}" + (" (market)" if review.entry_is_market else "")
    if review.current_price is not None and not review.entry_is_market:
        entry += f"; now {price(review.current_price)}"
    lines.append(entry)
    if review.stop_loss is not None:
        stop = f"Stop {price(review.stop_loss)}"
        if review.stop_distance_percent is not None:
            stop += f": {pct(review.stop_distance_percent)} away"
        if review.stop_distance_atr is not None:
            stop += f", {num(review.stop_distance_atr, 2)}x the {escape(review.atr_timeframe or '')} ATR"
            stop += f" ({price(review.atr)})" if review.atr is not None else ""
        lines.append(stop)
    if review.leverage != 1:
        lev = f"Leverage {num(review.leverage, 2)}x"
        if review.loss_at_stop_percent_of_margin is not None:
            lev += f": the stop costs {pct(review.loss_at_stop_percent_of_margin)} of the margin"
        lines.append(lev)
    if review.liquidation is not None:
        lines.append(f"Liquidation ≈ {price(review.liquidation.price)} ({pct(review.liquidation.distance_percent)} "
                     f"away; isolated, {pct(review.liquidation.maintenance_margin_rate * 100)} maintenance)")
    if review.targets:
        rows = [("Target", "Move", "R:R", "Profit")]
        for t in review.targets:
            rows.append((price(t.price), pct(t.move_percent, signed=True),
                         "–" if t.reward_to_risk is None else num(t.reward_to_risk, 2),
                         "–" if t.profit is None else num(t.profit, 2)))
        lines.append(table(rows, right=(0, 1, 2, 3)))
    else:
        lines.append("No target given: add a take-profit to see reward:risk.")
    if review.position_value is not None:
        size = f"Position {num(review.position_value, 2)} {escape(quote)}"
        if review.margin is not None and review.leverage != 1:
            size += f", margin {num(review.margin, 2)}"
        if review.loss_at_stop is not None:
            size += f", loss at stop {num(review.loss_at_stop, 2)} {escape(quote)}"
        lines.append(size)
    if review.warnings:
        lines.append("<b>Warnings</b>")
        lines.append("\n".join(f"• {WARNING_TEXTS.get(w, escape(str(w)))}" for w in review.warnings))
    lines.append(disclaimer(REVIEW_NOTE))
    return clip("\n".join(lines))


# -- risk -----------------------------------------------------------------------------------------------------------


def render_position_size(sizing: PositionSizing) -> str:
    base, quote = pair_assets(sizing.symbol)
    direction = "long" if sizing.side is OrderSide.BUY else "short"
    lines = [
        f"<b>Position size: {escape(sizing.symbol)} ({direction})</b>",
        f"Buy <b>{num(sizing.quantity, 8)} {escape(base)}</b>" if sizing.side is OrderSide.BUY
        else f"Sell <b>{num(sizing.quantity, 8)} {escape(base)}</b>",
        f"Value {num(sizing.position_value, 2)} {escape(quote)} = {pct(sizing.position_percent, places=1)} of the portfolio",
        f"Entry {price(sizing.entry)} · stop {price(sizing.stop_loss)} ({pct(sizing.stop_distance_percent)} away)",
        f"Loss if the stop is hit: {num(sizing.risk_amount, 2)} {escape(quote)} "
        f"({pct(sizing.risk_percent)} of the portfolio, fees included)",
    ]
    if sizing.capped_at_leverage is not None:
        lines.append(f"⚠️ Capped at {num(sizing.capped_at_leverage, 2)}x the portfolio: the full risk would need more "
                     "leverage than allowed, so the loss at the stop is smaller than asked. Widen the stop "
                     "or accept the smaller risk.")
    elif sizing.leverage > 1:
        lines.append(f"That is {num(sizing.leverage, 2)}x the portfolio: it needs leverage.")
    if sizing.quantity == ZERO:
        lines.append("⚠️ The risk is too small for the pair's minimum step: raise it or move the stop.")
    return "\n".join(lines)


RISK_LEVELS = {"low": "🟢 Low", "moderate": "🟡 Moderate", "high": "🔴 High"}


def render_portfolio_risk(risk: PortfolioRisk, quote: str = "USDT") -> str:
    lines = [
        f"<b>Portfolio risk: {RISK_LEVELS.get(risk.level, escape(risk.level))}</b>",
        f"Value {num(risk.total_value, 2)} {escape(quote)} · cash {pct(risk.cash_percent, places=1)} · "
        f"in coins {pct(risk.exposure_percent, places=1)}",
    ]
    if risk.exposures:
        rows = [("Asset", "Value", "Share", "Stop", "At stop")]
        for e in risk.exposures:
            rows.append((e.asset, compact(e.value), pct(e.percent, places=1),
                         "–" if e.stop_loss is None else price(e.stop_loss),
                         "–" if e.loss_at_stop is None else num(e.loss_at_stop, 2)))
        lines.append(table(rows, right=(1, 2, 3, 4)))
        lines.append(f"Largest holding {pct(risk.largest_share_percent, places=1)}; concentration "
                     f"{num(risk.concentration, 2)} (1 = a single coin).")
        lines.append(f"Lost if every stop is hit: {num(risk.capital_at_risk, 2)} {escape(quote)}")
        if risk.without_stop_loss:
            lines.append(f"Without a stop-loss: {escape(', '.join(risk.without_stop_loss))}")
    else:
        lines.append("All in cash: no coin exposure.")
    if risk.market is not None:
        lines += _market_risk_lines(risk.market, quote)
    if risk.reasons:
        lines.append(bullets(risk.reasons))
    return clip("\n".join(lines))


def _market_risk_lines(market: MarketRisk, quote: str) -> list[str]:
    lines = ["", "<b>Volatility</b> (daily candles)"]
    rows = [("Asset", "Day vol", "Year vol", "ATR", "ATR stop")]
    for h in market.holdings:
        rows.append((h.asset, pct(h.daily_volatility_percent, places=1), pct(h.annual_volatility_percent, places=0),
                     "–" if h.atr_percent is None else pct(h.atr_percent, places=1),
                     "–" if h.suggested_stop is None else price(h.suggested_stop)))
    lines.append(table(rows, right=(1, 2, 3, 4)))
    lines.append("<i>ATR stop: two daily ATRs below the price, beyond a usual day's swing.</i>")
    if not market.tails:
        lines.append(f"Too little common history ({market.days} days) for VaR and correlations.")
        return lines
    lines.append(f"<b>1-day Value at Risk</b> (historical, {market.days} days)")
    rows = [("Confidence", "VaR", f"VaR {quote}", "CVaR", f"CVaR {quote}")]
    for t in market.tails:
        rows.append((f"{num(t.confidence, 0)}%", pct(t.var_percent), num(t.var_amount, 2),
                     pct(t.cvar_percent), num(t.cvar_amount, 2)))
    lines.append(table(rows, right=(1, 2, 3, 4)))
    worst = market.tail(0.95)
    if worst is not None:
        lines.append(f"On 1 day in 20 the portfolio lost more than {pct(worst.var_percent)} "
                     f"({num(worst.var_amount, 2)} {escape(quote)}); on those days {pct(worst.cvar_percent)} on average.")
    pairs = _most_correlated(market)
    if pairs:
        lines.append(f"Moving together most: {escape(pairs)}.")
    return lines


def _most_correlated(market: MarketRisk) -> str:
    found = [(market.correlation[i][j], market.assets[i], market.assets[j])
             for i in range(len(market.assets)) for j in range(i + 1, len(market.assets))]
    return ", ".join(f"{a}–{b} {value:.2f}" for value, a, b in sorted(found, reverse=True)[:2])


def correlation_caption(market: MarketRisk) -> str:
    return (f"Correlation of daily returns over {market.days} days: 1 = move together, "
            "0 = unrelated, −1 = opposite. Highly correlated holdings add up as one bet.")

