"""Advice replies as HTML: recommendations, DCA plans, switches, strategy ideas, sentiment, news,
glossary answers, trade reviews, position sizing and portfolio risk.

Every result that carries a disclaimer ends with it in italics. Numbers go through
``bot.render.numbers``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.i18n import DEFAULT_LOCALE, N_, _, current_locale, pgettext, t, tn
from bot.render.market import clip, period_label, table, trend_word
from bot.render.phrases import say
from bot.render.numbers import ZERO, amount, compact, day, money, number, percent, price
from bot.render.trading import pair_assets
from domain.enums import OrderSide
from domain.phrases import Phrase
from domain.services.glossary import TERM, GlossaryAnswer
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

NO_NEWS_SOURCE = N_("No news source is connected on this bot (the operator sets NEWS_FEEDS).")
START_HINT = N_("Send /start and accept the terms first: sizing and portfolio answers need your paper portfolio.")
SCREEN_ROWS = 10

STANCE_LABELS = {
    Stance.ACCUMULATE: N_("🟢 Accumulate"),
    Stance.HOLD: N_("🔵 Hold"),
    Stance.TAKE_PARTIAL_PROFIT: N_("🟡 Take partial profit"),
    Stance.WAIT: N_("🔴 Wait"),
}
SHORT_STANCE = {Stance.ACCUMULATE: N_("accumulate"), Stance.HOLD: N_("hold"),
                Stance.TAKE_PARTIAL_PROFIT: N_("take profit"), Stance.WAIT: N_("wait")}


DCA_PERIODS = {"daily": N_("daily"), "weekly": N_("weekly"), "biweekly": N_("every two weeks"),
               "monthly": N_("monthly")}


def dca_period_label(period: object) -> str:
    key = str(period)
    return _(DCA_PERIODS[key]) if key in DCA_PERIODS else escape(key)


def disclaimer(text: str) -> str:
    return f"<i>⚠️ {say(text)}</i>"


def bullets(lines: Sequence[Phrase | str]) -> str:
    """Lines the domain wrote (reasons), in the reader's language."""
    return "\n".join(f"• {say(line)}" for line in lines)


def _no_data(symbols: Sequence[str]) -> str:
    return t("No data for: {symbols}", symbols=escape(", ".join(symbols)))


# -- recommendations ----------------------------------------------------------------------------------


def render_recommendation(rec: Recommendation) -> str:
    s = rec.snapshot
    _base, quote = pair_assets(rec.symbol)
    rsi = "–" if s.rsi is None else number(s.rsi, 1)
    close = (t("Invalidation: a daily close above <b>{price}</b>", price=price(rec.invalidation_price, market=rec.symbol))
             if rec.invalidated_on_close == "above"
             else t("Invalidation: a daily close below <b>{price}</b>",
                    price=price(rec.invalidation_price, market=rec.symbol)))
    return clip("\n".join([
        f"<b>{escape(rec.symbol)}: {_(STANCE_LABELS[rec.stance])}</b>",
        t("Price {price} {quote} · 30d {change} · RSI (1d) {rsi} · trend {trend}",
          price=price(s.last_price, market=rec.symbol),
          quote=escape(quote), change=percent(s.change_percent, signed=True), rsi=rsi, trend=trend_word(s.trend)),
        t("Support {support} · resistance {resistance}", support=price(s.support, market=rec.symbol),
          resistance=price(s.resistance, market=rec.symbol)),
        _("<b>Why</b>"),
        bullets(rec.reasons),
        close,
        disclaimer(rec.disclaimer),
    ]))


def render_screen(screen: Screen, limit: int = SCREEN_ROWS) -> str:
    rows = [(_("Pair"), _("View"), "30d", "RSI")]
    for rec in screen.recommendations[:limit]:
        s = rec.snapshot
        rows.append((rec.symbol, _(SHORT_STANCE[rec.stance]), percent(s.change_percent, 1, signed=True),
                     "–" if s.rsi is None else number(s.rsi, 0)))
    picks = ", ".join(r.symbol for r in screen.to_accumulate[:5])
    lines = [_("<b>Screen of the major pairs</b> (rule-based daily view)")]
    lines.append(t("Accumulation candidates: <b>{pairs}</b>", pairs=escape(picks)) if picks
                 else _("No pair is in an accumulation zone right now."))
    lines.append(table(rows, right=(2, 3)))
    if screen.unavailable:
        lines.append(_no_data(screen.unavailable))
    lines.append(_("Ask “should I accumulate ETH” for the reasons behind one pair."))
    lines.append(disclaimer(screen.disclaimer))
    return clip("\n".join(lines))


def render_dca_plan(plan: DcaPlan) -> str:
    base, quote = pair_assets(plan.symbol)
    flat, dip = plan.flat, plan.dip_variant
    first, last = flat.buys[0].on, flat.buys[-1].on
    rows = [("#", _("Date"), _("Buy"))] + [(str(b.number), f"{b.on:%Y-%m-%d}", money(b.quote_amount))
                                         for b in flat.buys]
    plain, dips = dip.scenario_plain, dip.scenario_with_dips
    return clip("\n".join([
        t("<b>DCA plan: {symbol}, {amount} {period}</b>", symbol=escape(plan.symbol),
          amount=money(plan.amount_per_buy, quote), period=dca_period_label(plan.period)),
        tn("{n} buy from {first} to {last}: {total} in total.", "{n} buys from {first} to {last}: {total} in total.",
           len(flat.buys), first=day(first), last=day(last), total=money(flat.total_invested, quote)),
        t("At today's price {price} that buys ≈ {amount}.", price=price(plan.current_price, market=plan.symbol),
          amount=amount(flat.total_quantity, base, places=6)),
        table(rows, right=(0, 2)),
        _("<b>Buy-the-dip variant</b>"),
        t("Buy {multiplier}x the amount whenever the price is at or below {level} (budget up to {budget}).",
          multiplier=number(dip.multiplier, 2), level=price(dip.level, market=plan.symbol), budget=money(dip.max_total, quote)),
        t("If the price dipped to {low} mid-plan and came back: plain DCA averages {plain_cost} for {plain_amount}; "
          "with dip buys {dip_cost} for {dip_amount} ({invested} invested).", low=price(dip.scenario_low, market=plan.symbol),
          plain_cost=price(plain.average_cost, market=plan.symbol), plain_amount=amount(plain.total_quantity, base, places=6),
          dip_cost=price(dips.average_cost, market=plan.symbol), dip_amount=amount(dips.total_quantity, base, places=6),
          invested=money(dips.total_invested, quote)),
        disclaimer(plan.disclaimer),
    ]))


_LEANINGS = {
    SwitchLeaning.CANDIDATE_STRONGER: N_("the coin you would switch to looks stronger"),
    SwitchLeaning.CURRENT_STRONGER: N_("the coin you hold looks stronger"),
    SwitchLeaning.NO_CLEAR_EDGE: N_("no clear edge either way"),
}


def render_switch(switch: SwitchComparison) -> str:
    a, b = escape(switch.current.symbol), escape(switch.candidate.symbol)
    return clip("\n".join([
        t("<b>Switch {current} → {candidate}?</b>", current=a, candidate=b),
        t("Leaning: <b>{leaning}</b>", leaning=_(_LEANINGS[switch.leaning])),
        t("{candidate} vs {current} over 30 days: {strength} relative strength; {ratio}x the daily swings.",
          candidate=b, current=a, strength=percent(switch.relative_strength_percent, signed=True),
          ratio=number(switch.volatility_ratio, 2)),
        bullets(switch.reasons),
        disclaimer(switch.disclaimer),
    ]))


def render_strategies(ideas: StrategyIdeas) -> str:
    s, grid, rng = ideas.snapshot, ideas.grid, ideas.range_levels
    _base, quote = pair_assets(ideas.symbol)
    title = (t("<b>Strategy ideas on {symbol} with {capital}</b>", symbol=escape(ideas.symbol),
               capital=money(ideas.capital, quote)) if ideas.capital is not None
             else t("<b>Strategy ideas on {symbol}</b>", symbol=escape(ideas.symbol)))
    lines = [
        title,
        t("Price {price}; 30-day range {low} – {high}; trend {trend}.", price=price(s.last_price, market=ideas.symbol),
          low=price(s.range_low, market=ideas.symbol), high=price(s.range_high, market=ideas.symbol), trend=trend_word(s.trend)),
    ]
    for template in ideas.templates:
        lines.append(f"\n<b>{escape(_(template.title))}</b> — {escape(_(template.fits))}")
        lines.append(escape(_(template.how_it_works)))
        lines.append(_("<i>Risk:</i>") + " " + escape(_(template.risks)))
        if template.kind == "grid":
            per_grid = (", " + t("{money} per grid", money=money(grid.quote_per_grid, quote))
                        if grid.quote_per_grid is not None else "")
            lines.append("➤ " + t("{lines} lines {lower} – {upper}, step {step} ({percent})", lines=len(grid.lines),
                                  lower=price(grid.lower, market=ideas.symbol), upper=price(grid.upper, market=ideas.symbol), step=price(grid.step, market=ideas.symbol),
                                  percent=percent(grid.step_percent)) + per_grid + ".")
        elif template.kind == "dca" and ideas.dca is not None:
            dca = ideas.dca
            per_buy, period, buys = money(dca.amount_per_buy, quote), dca_period_label(dca.period), len(dca.flat.buys)
            lines.append("➤ " + tn("{amount} {period} for {n} buy.", "{amount} {period} for {n} buys.", buys,
                                   amount=per_buy, period=period))
        elif template.kind == "range":
            lines.append("➤ " + t("Buy below {buy}, sell above {sell}, stop {stop} (reward:risk {ratio}).",
                                  buy=price(rng.buy_below, market=ideas.symbol), sell=price(rng.sell_above, market=ideas.symbol), stop=price(rng.stop_loss, market=ideas.symbol),
                                  ratio=number(rng.reward_to_risk, 2)))
    lines.append(disclaimer(ideas.disclaimer))
    return clip("\n".join(lines))


# -- sentiment -------------------------------------------------------------------------------------------

SCALE = N_("0 = extreme fear, 100 = extreme greed.")
COMPONENTS = {"momentum": N_("momentum"), "rsi": "RSI", "volatility": N_("volatility"), "volume": N_("volume"),
              "breadth": N_("breadth")}


def component_label(key: str) -> str:
    return _(COMPONENTS[key]) if key in COMPONENTS else escape(key)


def _gauge(score: int) -> str:
    return "😱" if score <= 24 else "😟" if score <= 44 else "😐" if score <= 55 else "🙂" if score <= 75 else "🤑"


def render_sentiment(reading: SentimentReading) -> str:
    subject = _("Market") if reading.subject == "market" else reading.subject
    rows = [(_("Component"), _("Value"), _("Score"))]
    for c in reading.components:
        unit = c.unit if c.unit in ("%", "x") else ""
        rows.append((component_label(c.key), f"{number(c.value, 2)}{unit}", str(c.score)))
    lines = [
        t("<b>Sentiment: {subject}</b>", subject=escape(subject))
        + f"  {_gauge(reading.score)} <b>{reading.score}/100 · {escape(_(reading.mood.label))}</b>",
        table(rows, right=(1, 2)),
        _(SCALE),
    ]
    if reading.subject == "market":
        lines.append(t("Pairs measured: {pairs}", pairs=escape(", ".join(reading.pairs))))
    if reading.unavailable:
        lines.append(_no_data(reading.unavailable))
    lines.append(f"<i>{say(reading.basis)}</i>")
    return clip("\n".join(lines))


def render_sentiments(readings: Sequence[SentimentReading]) -> str:
    if len(readings) == 1:
        return render_sentiment(readings[0])
    rows = [(_("Pair"), _("Score"), _("Mood"))]
    rows += [(r.subject, str(r.score), _(r.mood.label)) for r in readings]
    components = sorted({c.key for r in readings for c in r.components})
    detail = [("", *(r.subject.split("/")[0] for r in readings))]
    for key in components:
        detail.append((component_label(key), *(next((str(c.score) for c in r.components if c.key == key), "–") for r in readings)))
    basis = readings[0].basis if readings else ""
    return clip("\n".join([
        _("<b>Sentiment</b>") + " (" + _(SCALE).rstrip(".") + ")",
        table(rows, right=(1,)),
        _("<b>Component scores</b>"),
        table(detail, right=tuple(range(1, len(detail[0])))),
        f"<i>{say(basis)}</i>",
    ]))


# -- news ---------------------------------------------------------------------------------------------------


def render_news(result: NewsResult) -> str:
    if result.status is NewsStatus.NO_SOURCE:
        return _(NO_NEWS_SOURCE)
    if result.status is NewsStatus.SOURCES_FAILED:
        return _("The news feeds could not be read right now. Please try again later.")
    about = [s.split("/")[0] for s in result.symbols] + list(result.keywords)
    title = t("News on {subjects}", subjects=escape(", ".join(about))) if about else _("News")
    if result.period:
        title += f" ({escape(period_label(result.period))})"
    if not result.items:
        return f"<b>{title}</b>\n" + _("Nothing matched in the connected feeds.")
    lines = [f"<b>{title}</b>"]
    for item in result.items:
        when = f"{day(item.published_at)} {item.published_at:%H:%M} UTC · " if item.published_at else ""
        lines.append(f"• <a href=\"{escape(item.link)}\">{escape(item.title)}</a>\n  <i>{when}{escape(item.source)}</i>")
    if result.matched_before_limit > len(result.items):
        lines.append(t("Showing the newest {shown} of {total}.", shown=len(result.items),
                       total=result.matched_before_limit))
    if result.failed_sources:
        lines.append(t("Unreadable feeds: {feeds}", feeds=escape(", ".join(result.failed_sources))))
    return clip("\n".join(lines))


# -- glossary ---------------------------------------------------------------------------------------------------


def render_glossary(answer: GlossaryAnswer) -> str:
    entry = answer.entry
    if entry is None:
        if answer.suggestions:
            return t("I don't have that term. Did you mean: {terms}?",
                     terms=", ".join(f"<b>{escape(_term(s))}</b>" for s in answer.suggestions))
        return _("I don't have that term in my glossary yet. Try e.g. <i>what is a funding rate</i>.")
    lines = [f"📘 <b>{escape(_capitalized(_term(entry.term)))}</b>", escape(_(entry.definition))]
    if entry.related:
        lines.append("<i>" + t("See also: {terms}", terms=escape(", ".join(_term(term) for term in entry.related))) + "</i>")
    return "\n".join(lines)


def glossary_names(terms: Sequence[str]) -> dict[str, str]:
    """The glossary's terms as the reader names them ({"ставка финансирования": "funding rate"}): empty in English."""
    if current_locale() == DEFAULT_LOCALE:
        return {}
    return {_term(term): term for term in terms}


def _term(name: str) -> str:
    return pgettext(TERM, name)


def _capitalized(term: str) -> str:
    """"funding rate" -> "Funding rate"; names stay as written ("RSI", "EMA")."""
    return term[:1].upper() + term[1:]


# -- trade review ----------------------------------------------------------------------------------------------------

WARNING_TEXTS = {
    TradeWarning.NO_STOP: N_("No stop-loss: nothing limits the loss."),
    TradeWarning.STOP_WRONG_SIDE: N_(
        "The stop is on the wrong side of the entry (a long's stop goes below it, a short's above)."
    ),
    TradeWarning.TARGET_WRONG_SIDE: N_("A target is on the losing side of the entry."),
    TradeWarning.LOW_REWARD_RISK: N_("A target pays less than the stop risks (reward:risk below 1)."),
    TradeWarning.HIGH_LEVERAGE: N_("Leverage above 20x: a small move against you liquidates the position."),
    TradeWarning.STOP_BEYOND_LIQUIDATION: N_("The position would be liquidated before the stop triggers."),
    TradeWarning.STOP_WITHIN_NOISE: N_(
        "The stop is closer than half a typical daily range (ATR): ordinary noise may hit it."
    ),
}
VERDICTS = {Verdict.REASONABLE: N_("✅ Reasonable"), Verdict.RISKY: N_("⚠️ Risky"), Verdict.POOR: N_("⛔ Poor")}
REVIEW_NOTE = N_("Arithmetic on your numbers and recent volatility, not financial advice.")


def render_trade_review(review: TradeReview) -> str:
    _base, quote = pair_assets(review.symbol)
    direction = _("Long") if review.side is OrderSide.BUY else _("Short")
    inferred = " " + _("(side read from your stop/targets)") if review.side_inferred else ""
    lines = [f"<b>{direction} {escape(review.symbol)}: {_(VERDICTS[review.verdict])}</b>{inferred}"]
    entry = t("Entry {price}", price=price(review.entry, quote, market=review.symbol))
    if review.entry_is_market:
        entry += " " + _("(market)")
    if review.current_price is not None and not review.entry_is_market:
        entry += "; " + t("now {price}", price=price(review.current_price, market=review.symbol))
    lines.append(entry)
    if review.stop_loss is not None:
        stop = t("Stop {price}", price=price(review.stop_loss, market=review.symbol))
        if review.stop_distance_percent is not None:
            stop += ": " + t("{percent} away", percent=percent(review.stop_distance_percent))
        if review.stop_distance_atr is not None:
            stop += ", " + t("{ratio}x the {timeframe} ATR", ratio=number(review.stop_distance_atr, 2),
                             timeframe=escape(review.atr_timeframe or ""))
            stop += f" ({price(review.atr, market=review.symbol)})" if review.atr is not None else ""
        lines.append(stop)
    if review.leverage != 1:
        lev = t("Leverage {leverage}x", leverage=number(review.leverage, 2))
        if review.loss_at_stop_percent_of_margin is not None:
            lev += ": " + t("the stop costs {percent} of the margin",
                            percent=percent(review.loss_at_stop_percent_of_margin))
        lines.append(lev)
    if review.liquidation is not None:
        lines.append(t("Liquidation ≈ {price} ({distance} away; isolated, {rate} maintenance)",
                       price=price(review.liquidation.price, market=review.symbol), distance=percent(review.liquidation.distance_percent),
                       rate=percent(review.liquidation.maintenance_margin_rate * 100)))
    if review.targets:
        rows = [(_("Target"), _("Move"), "R:R", _("Profit"))]
        for target in review.targets:
            rows.append((price(target.price, market=review.symbol), percent(target.move_percent, signed=True),
                         "–" if target.reward_to_risk is None else number(target.reward_to_risk, 2),
                         "–" if target.profit is None else money(target.profit)))
        lines.append(table(rows, right=(0, 1, 2, 3)))
    else:
        lines.append(_("No target given: add a take-profit to see reward:risk."))
    if review.position_value is not None:
        size = t("Position {money}", money=money(review.position_value, quote))
        if review.margin is not None and review.leverage != 1:
            size += ", " + t("margin {money}", money=money(review.margin))
        if review.loss_at_stop is not None:
            size += ", " + t("loss at stop {money}", money=money(review.loss_at_stop, quote))
        lines.append(size)
    if review.warnings:
        lines.append(_("<b>Warnings</b>"))
        lines.append("\n".join(
            f"• {_(WARNING_TEXTS[w]) if w in WARNING_TEXTS else escape(str(w))}" for w in review.warnings
        ))
    lines.append(disclaimer(REVIEW_NOTE))
    return clip("\n".join(lines))


# -- risk -----------------------------------------------------------------------------------------------------------


def render_position_size(sizing: PositionSizing) -> str:
    base, quote = pair_assets(sizing.symbol)
    quantity = f"{number(sizing.quantity, 8)} {escape(base)}"
    lines = [
        t("<b>Position size: {symbol} (long)</b>", symbol=escape(sizing.symbol)) if sizing.side is OrderSide.BUY
        else t("<b>Position size: {symbol} (short)</b>", symbol=escape(sizing.symbol)),
        t("Buy <b>{amount}</b>", amount=quantity) if sizing.side is OrderSide.BUY
        else t("Sell <b>{amount}</b>", amount=quantity),
        t("Value {money} = {percent} of the portfolio", money=money(sizing.position_value, quote),
          percent=percent(sizing.position_percent, 1)),
        t("Entry {entry} · stop {stop} ({percent} away)", entry=price(sizing.entry, market=sizing.symbol), stop=price(sizing.stop_loss, market=sizing.symbol),
          percent=percent(sizing.stop_distance_percent)),
        t("Loss if the stop is hit: {money} ({percent} of the portfolio, fees included)",
          money=money(sizing.risk_amount, quote), percent=percent(sizing.risk_percent)),
    ]
    if sizing.capped_at_leverage is not None:
        lines.append(t("⚠️ Capped at {leverage}x the portfolio: the full risk would need more leverage than allowed, "
                       "so the loss at the stop is smaller than asked. Widen the stop or accept the smaller risk.",
                       leverage=number(sizing.capped_at_leverage, 2)))
    elif sizing.leverage > 1:
        lines.append(t("That is {leverage}x the portfolio: it needs leverage.", leverage=number(sizing.leverage, 2)))
    if sizing.quantity == ZERO:
        lines.append(_("⚠️ The risk is too small for the pair's minimum step: raise it or move the stop."))
    return "\n".join(lines)


RISK_LEVELS = {"low": N_("🟢 Low"), "moderate": N_("🟡 Moderate"), "high": N_("🔴 High")}


def render_portfolio_risk(risk: PortfolioRisk, quote: str = "USDT") -> str:
    level = _(RISK_LEVELS[risk.level]) if risk.level in RISK_LEVELS else escape(risk.level)
    lines = [
        t("<b>Portfolio risk: {level}</b>", level=level),
        t("Value {money} · cash {cash} · in coins {coins}", money=money(risk.total_value, quote),
          cash=percent(risk.cash_percent, 1), coins=percent(risk.exposure_percent, 1)),
    ]
    if risk.exposures:
        rows = [(_("Asset"), _("Value"), _("Share"), _("Stop"), _("At stop"))]
        for e in risk.exposures:
            rows.append((e.asset, compact(e.value), percent(e.percent, 1),
                         "–" if e.stop_loss is None else price(e.stop_loss, market=f"{e.asset}/{quote}"),
                         "–" if e.loss_at_stop is None else money(e.loss_at_stop)))
        lines.append(table(rows, right=(1, 2, 3, 4)))
        lines.append(t("Largest holding {percent}; concentration {value} (1 = a single coin).",
                       percent=percent(risk.largest_share_percent, 1), value=number(risk.concentration, 2)))
        lines.append(t("Lost if every stop is hit: {money}", money=money(risk.capital_at_risk, quote)))
        if risk.without_stop_loss:
            lines.append(t("Without a stop-loss: {assets}", assets=escape(", ".join(risk.without_stop_loss))))
    else:
        lines.append(_("All in cash: no coin exposure."))
    if risk.market is not None:
        lines += _market_risk_lines(risk.market, quote)
    if risk.reasons:
        lines.append(bullets(risk.reasons))
    return clip("\n".join(lines))


def _market_risk_lines(market: MarketRisk, quote: str) -> list[str]:
    lines = ["", _("<b>Volatility</b> (daily candles)")]
    rows = [(_("Asset"), _("Day vol"), _("Year vol"), "ATR", _("ATR stop"))]
    for h in market.holdings:
        rows.append((h.asset, percent(h.daily_volatility_percent, 1), percent(h.annual_volatility_percent, 0),
                     "–" if h.atr_percent is None else percent(h.atr_percent, 1),
                     "–" if h.suggested_stop is None else price(h.suggested_stop, market=f"{h.asset}/{quote}")))
    lines.append(table(rows, right=(1, 2, 3, 4)))
    lines.append(_("<i>ATR stop: two daily ATRs below the price, beyond a usual day's swing.</i>"))
    if not market.tails:
        lines.append(t("Too little common history ({days} days) for VaR and correlations.", days=market.days))
        return lines
    lines.append(t("<b>1-day Value at Risk</b> (historical, {days} days)", days=market.days))
    rows = [(_("Confidence"), "VaR", f"VaR {quote}", "CVaR", f"CVaR {quote}")]
    for tail in market.tails:
        rows.append((percent(tail.confidence, 0), percent(tail.var_percent), money(tail.var_amount),
                     percent(tail.cvar_percent), money(tail.cvar_amount)))
    lines.append(table(rows, right=(1, 2, 3, 4)))
    worst = market.tail(0.95)
    if worst is not None:
        lines.append(t("On 1 day in 20 the portfolio lost more than {var} ({amount}); on those days {cvar} on average.",
                       var=percent(worst.var_percent), amount=money(worst.var_amount, quote),
                       cvar=percent(worst.cvar_percent)))
    pairs = _most_correlated(market)
    if pairs:
        lines.append(t("Moving together most: {pairs}.", pairs=escape(pairs)))
    return lines


def _most_correlated(market: MarketRisk) -> str:
    found = [(market.correlation[i][j], market.assets[i], market.assets[j])
             for i in range(len(market.assets)) for j in range(i + 1, len(market.assets))]
    return ", ".join(f"{a}–{b} {number(value, 2)}" for value, a, b in sorted(found, reverse=True)[:2])


def correlation_caption(market: MarketRisk) -> str:
    return t("Correlation of daily returns over {days} days: 1 = move together, 0 = unrelated, −1 = opposite. "
             "Highly correlated holdings add up as one bet.", days=market.days)

