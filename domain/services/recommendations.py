"""Recommendations behind the ``recommend`` intent: a rule-based view of one pair, DCA plans,
"switch from X to Y", and strategy templates (grid, DCA, range) filled in with the user's numbers.

Every rule is written out in the result so the user sees why; nothing here predicts prices, and
every result carries :data:`NOT_FINANCIAL_ADVICE`.
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from domain.errors import DomainError
from domain.numbers import HUNDRED, ZERO, money, percent, round_to
from domain.phrases import N_, Percent, Phrase, Price, phrase
from domain.services.market_overview import MarketReader, SymbolSnapshot, Trend, fetch_snapshot, gather_available

NOT_FINANCIAL_ADVICE = N_(
    "This is an automated, rule-based reading of price data, not financial advice. "
    "Markets can move against any plan; decide and size positions yourself."
)
OVERBOUGHT_RSI = Decimal(70)
OVERSOLD_RSI = Decimal(30)
PULLBACK_RSI = Decimal(45)  # in an uptrend, RSI this low is a pullback rather than weakness
NEAR_LEVEL_PERCENT = Decimal(3)  # closer than this to support/resistance counts as at it
RELATIVE_STRENGTH_EDGE = Decimal(5)  # points of 30-day change that count as a real difference
VIEW_PERIOD = "30d"
DEFAULT_SYMBOL = "BTC/USDT"  # templates need a market; the most liquid one when none is named
GRID_LINES = 10
PLAN_BUYS = 10


class InvalidPlan(DomainError):
    default_message = "A DCA plan needs a positive amount per buy and at least one buy, e.g. 'dca plan for btc, $100 a week'."


class Stance(StrEnum):
    ACCUMULATE = "accumulate"
    HOLD = "hold"
    TAKE_PARTIAL_PROFIT = "take_partial_profit"
    WAIT = "wait"


# Words the reasons quote a stance and a trend by.
STANCE_NAMES = {Stance.ACCUMULATE: N_("accumulate"), Stance.HOLD: N_("hold"),
                Stance.TAKE_PARTIAL_PROFIT: N_("take profit"), Stance.WAIT: N_("wait")}
TREND_NAMES = {Trend.UP: N_("up"), Trend.DOWN: N_("down"), Trend.SIDEWAYS: N_("sideways")}


@dataclass(frozen=True, slots=True)
class Recommendation:
    symbol: str
    stance: Stance
    reasons: tuple[Phrase, ...]  # sentences with their figures, most important first
    invalidation_price: Decimal
    invalidated_on_close: Literal["below", "above"]  # a daily close beyond the price voids the view
    snapshot: SymbolSnapshot  # the figures the reasons quote (30-day period)
    disclaimer: str = NOT_FINANCIAL_ADVICE


def _distance_percent(price: Decimal, level: Decimal) -> Decimal:
    return round_to(percent(abs(price - level), price), 2)


def _trend_reason(s: SymbolSnapshot) -> Phrase:
    fast, slow = s.ema_periods
    if s.ema_fast is None or s.ema_slow is None:
        return phrase("Not enough price history yet to read a trend from moving averages.")
    values = dict(price=Price(s.last_price, s.symbol), fast=fast, slow=slow,
                  ema_fast=Price(s.ema_fast, s.symbol), ema_slow=Price(s.ema_slow, s.symbol))
    if s.trend is Trend.UP:
        return phrase("Uptrend: price {price} is above EMA{fast}, which is above EMA{slow} "
                      "(EMA{fast} {ema_fast}, EMA{slow} {ema_slow}).", **values)
    if s.trend is Trend.DOWN:
        return phrase("Downtrend: price {price} is below EMA{fast}, which is below EMA{slow} "
                      "(EMA{fast} {ema_fast}, EMA{slow} {ema_slow}).", **values)
    return phrase("No clear trend: price {price} and the averages are mixed "
                  "(EMA{fast} {ema_fast}, EMA{slow} {ema_slow}).", **values)


def _rsi_reason(s: SymbolSnapshot) -> Phrase | None:
    if s.rsi is None:
        return None
    rsi = round_to(s.rsi, 1)
    if s.rsi >= OVERBOUGHT_RSI:
        return phrase("Daily RSI is {rsi}, overbought: the rise is stretched and pullbacks are common from here.",
                      rsi=rsi)
    if s.rsi <= OVERSOLD_RSI:
        return phrase("Daily RSI is {rsi}, oversold: selling is stretched, though it can stay so in a downtrend.",
                      rsi=rsi)
    return phrase("Daily RSI is {rsi}, neutral.", rsi=rsi)


def _range_reason(s: SymbolSnapshot) -> Phrase:
    return phrase(
        "Price is {above} above support at {support} and {below} below resistance at {resistance} "
        "(the nearest daily swing low and high).",
        above=Percent(_distance_percent(s.last_price, s.support)), support=Price(s.support, s.symbol),
        below=Percent(_distance_percent(s.last_price, s.resistance)), resistance=Price(s.resistance, s.symbol),
    )


def _volatility_reason(s: SymbolSnapshot) -> Phrase:
    return phrase(
        "Daily moves have a typical size of {move} over the last 30 days; "
        "size positions so that a few such days against you are affordable.",
        move=Percent(s.volatility_percent),
    )


def recommend(s: SymbolSnapshot) -> Recommendation:
    """The stance rules, in order: a downtrend means wait; otherwise stretched or at resistance
    means take partial profit, at support or pulled back means accumulate, else hold."""
    near_support = _distance_percent(s.last_price, s.support) <= NEAR_LEVEL_PERCENT
    near_resistance = _distance_percent(s.last_price, s.resistance) <= NEAR_LEVEL_PERCENT
    overbought = s.rsi is not None and s.rsi >= OVERBOUGHT_RSI
    weak_rsi = s.rsi is not None and s.rsi <= (PULLBACK_RSI if s.trend is Trend.UP else OVERSOLD_RSI)
    if s.trend is Trend.DOWN:
        stance = Stance.WAIT
    elif overbought or near_resistance:
        stance = Stance.TAKE_PARTIAL_PROFIT
    elif near_support or weak_rsi:
        stance = Stance.ACCUMULATE
    else:
        stance = Stance.HOLD

    cushion = s.atr or ZERO
    if stance is Stance.WAIT:
        assert s.ema_fast is not None  # a downtrend is only ever read from the averages
        level, side = s.ema_fast, "above"
        closing = phrase("The wait ends on a daily close above {level} (EMA{period}).",
                         level=Price(level, s.symbol), period=s.ema_periods[0])
    elif stance is Stance.TAKE_PARTIAL_PROFIT:
        level, side = money(s.resistance + cushion), "above"
        closing = phrase("A daily close above {level} (resistance plus one ATR) would be a breakout: keep the rest.",
                         level=Price(level, s.symbol))
    else:
        level, side = money(s.support - cushion), "below"
        closing = phrase("The view is wrong on a daily close below {level} (support minus one ATR).",
                         level=Price(level, s.symbol))
    reasons = [_trend_reason(s), _rsi_reason(s), _range_reason(s), _volatility_reason(s), closing]
    return Recommendation(s.symbol, stance, tuple(r for r in reasons if r), level, side, s)


@dataclass(frozen=True, slots=True)
class Screen:
    """Views over several pairs for "which coins look good": accumulation candidates first."""

    recommendations: tuple[Recommendation, ...]  # by stance, then strongest 30-day change first
    unavailable: tuple[str, ...]
    disclaimer: str = NOT_FINANCIAL_ADVICE

    @property
    def to_accumulate(self) -> tuple[Recommendation, ...]:
        return tuple(r for r in self.recommendations if r.stance is Stance.ACCUMULATE)


_STANCE_ORDER = {Stance.ACCUMULATE: 0, Stance.HOLD: 1, Stance.TAKE_PARTIAL_PROFIT: 2, Stance.WAIT: 3}


# --- DCA --------------------------------------------------------------------------------------


class DcaPeriod(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class DcaBuy:
    number: int
    on: date
    quote_amount: Decimal
    price: Decimal  # the assumed price of this buy
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class DcaSchedule:
    buys: tuple[DcaBuy, ...]
    total_invested: Decimal
    total_quantity: Decimal
    average_cost: Decimal  # total invested / quantity: the harmonic mean of the prices paid


@dataclass(frozen=True, slots=True)
class DipVariant:
    """Buy ``multiplier`` times the amount whenever the price is at or below ``level``.

    ``scenario_*`` show its effect on a hypothetical path: the price falls evenly to
    ``scenario_low`` by the middle of the plan and comes back to today's price by the end.
    """

    level: Decimal
    multiplier: Decimal
    max_total: Decimal  # the budget if every buy were below the level
    scenario_low: Decimal
    scenario_plain: DcaSchedule
    scenario_with_dips: DcaSchedule


@dataclass(frozen=True, slots=True)
class DcaPlan:
    symbol: str
    period: DcaPeriod
    amount_per_buy: Decimal
    current_price: Decimal
    flat: DcaSchedule  # every buy at today's price: the dates, and the cost if prices stayed
    dip_variant: DipVariant
    disclaimer: str = NOT_FINANCIAL_ADVICE


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def buy_dates(start: date, period: DcaPeriod, count: int) -> list[date]:
    if period is DcaPeriod.MONTHLY:
        return [_add_months(start, i) for i in range(count)]
    step = {DcaPeriod.DAILY: 1, DcaPeriod.WEEKLY: 7, DcaPeriod.BIWEEKLY: 14}[period]
    return [start + timedelta(days=step * i) for i in range(count)]


def dca_schedule(dates: list[date], amounts: list[Decimal], prices: list[Decimal]) -> DcaSchedule:
    rows = list(zip(dates, amounts, prices, strict=True))
    invested = sum(amounts, ZERO)
    # Totals from unrounded quantities, so a flat plan's average cost is exactly its price.
    quantity = sum((amount / price for _, amount, price in rows), ZERO)
    buys = tuple(DcaBuy(n, on, amount, price, money(amount / price)) for n, (on, amount, price) in enumerate(rows, 1))
    return DcaSchedule(buys, money(invested), money(quantity), money(invested / quantity))


def v_shaped_path(price: Decimal, low: Decimal, count: int) -> list[Decimal]:
    """``count`` prices falling evenly from ``price`` towards ``low`` mid-way and back (an odd
    count touches ``low`` exactly)."""
    if count == 1:
        return [price]
    half = Decimal(count - 1) / 2
    return [money(low + (price - low) * abs(Decimal(i) - half) / half) for i in range(count)]


def build_dca_plan(
    symbol: str,
    amount_per_buy: Decimal,
    period: DcaPeriod,
    buys: int,
    start: date,
    current_price: Decimal,
    *,
    dip_percent: Decimal = Decimal(10),
    multiplier: Decimal = Decimal(2),
) -> DcaPlan:
    """A schedule of ``buys`` equal buys from ``start``; the variant's level is ``dip_percent``
    below today's price and its scenario dips twice as deep."""
    if amount_per_buy <= ZERO or buys < 1:
        raise InvalidPlan()
    dates = buy_dates(start, period, buys)
    level = money(current_price * (1 - dip_percent / HUNDRED))
    low = money(current_price * (1 - 2 * dip_percent / HUNDRED))
    path = v_shaped_path(current_price, low, buys)
    dip_amounts = [amount_per_buy * multiplier if p <= level else amount_per_buy for p in path]
    variant = DipVariant(
        level=level,
        multiplier=multiplier,
        max_total=money(amount_per_buy * multiplier * buys),
        scenario_low=low,
        scenario_plain=dca_schedule(dates, [amount_per_buy] * buys, path),
        scenario_with_dips=dca_schedule(dates, dip_amounts, path),
    )
    flat = dca_schedule(dates, [amount_per_buy] * buys, [current_price] * buys)
    return DcaPlan(symbol, period, amount_per_buy, current_price, flat, variant)


# --- switching ----------------------------------------------------------------------------------


class SwitchLeaning(StrEnum):
    CANDIDATE_STRONGER = "candidate_stronger"
    CURRENT_STRONGER = "current_stronger"
    NO_CLEAR_EDGE = "no_clear_edge"


@dataclass(frozen=True, slots=True)
class SwitchComparison:
    current: Recommendation
    candidate: Recommendation
    relative_strength_percent: Decimal  # candidate's 30-day change minus the current one's
    volatility_ratio: Decimal  # candidate's daily volatility / the current one's
    leaning: SwitchLeaning
    reasons: tuple[Phrase, ...]
    disclaimer: str = NOT_FINANCIAL_ADVICE


_TREND_RANK = {Trend.UP: 1, Trend.SIDEWAYS: 0, Trend.DOWN: -1}


def compare_switch(current: Recommendation, candidate: Recommendation) -> SwitchComparison:
    """Leaning: one point for the better trend per rank, one for 5+ points of 30-day
    outperformance; two points either way make an edge."""
    a, b = current.snapshot, candidate.snapshot
    strength = round_to(b.change_percent - a.change_percent, 2)
    edge = _TREND_RANK[b.trend] - _TREND_RANK[a.trend]
    if abs(strength) >= RELATIVE_STRENGTH_EDGE:
        edge += 1 if strength > ZERO else -1
    leaning = (SwitchLeaning.CANDIDATE_STRONGER if edge >= 2
               else SwitchLeaning.CURRENT_STRONGER if edge <= -2 else SwitchLeaning.NO_CLEAR_EDGE)
    ratio = round_to(b.volatility_percent / a.volatility_percent, 2) if a.volatility_percent else ZERO
    reasons = [
        phrase("Trend: {a} {a_trend}, {b} {b_trend}.", a=a.symbol, a_trend=phrase(TREND_NAMES[a.trend]),
               b=b.symbol, b_trend=phrase(TREND_NAMES[b.trend])),
        phrase("30-day change: {a} {a_change}, {b} {b_change}.", a=a.symbol, a_change=Percent(a.change_percent),
               b=b.symbol, b_change=Percent(b.change_percent)),
        phrase("Views on their own: {a} {a_view}, {b} {b_view}.", a=a.symbol,
               a_view=phrase(STANCE_NAMES[current.stance]), b=b.symbol, b_view=phrase(STANCE_NAMES[candidate.stance])),
    ]
    if ratio > Decimal("1.5"):
        reasons.append(phrase("{b} swings {ratio}x as much day to day: switching raises your risk.", b=b.symbol,
                              ratio=ratio))
    elif ZERO < ratio < Decimal("0.67"):
        reasons.append(phrase("{b} is calmer ({ratio}x the daily swings): switching lowers your risk.", b=b.symbol,
                              ratio=ratio))
    reasons.append(phrase("Switching costs two trading fees and the spread, and may realise a taxable gain or loss."))
    return SwitchComparison(current, candidate, strength, ratio, leaning, tuple(reasons))


# --- strategy templates ---------------------------------------------------------------------------


class StrategyKind(StrEnum):
    GRID = "grid"
    DCA = "dca"
    RANGE = "range"


@dataclass(frozen=True, slots=True)
class GridLevels:
    lower: Decimal
    upper: Decimal
    lines: tuple[Decimal, ...]  # buy orders below the price, sells above
    step: Decimal
    step_percent: Decimal  # gross profit per completed grid at mid-range, before fees
    quote_per_grid: Decimal | None  # capital split evenly between the grids


@dataclass(frozen=True, slots=True)
class RangeLevels:
    buy_below: Decimal  # lower quarter of the range
    sell_above: Decimal  # upper quarter of the range
    stop_loss: Decimal  # support minus one ATR
    reward_to_risk: Decimal


@dataclass(frozen=True, slots=True)
class StrategyTemplate:
    kind: StrategyKind
    title: str
    fits: str
    how_it_works: str
    risks: str


@dataclass(frozen=True, slots=True)
class StrategyIdeas:
    symbol: str
    capital: Decimal | None
    snapshot: SymbolSnapshot
    templates: tuple[StrategyTemplate, ...]
    grid: GridLevels
    range_levels: RangeLevels
    dca: DcaPlan | None  # when a capital is given: it split over ten weekly buys
    disclaimer: str = NOT_FINANCIAL_ADVICE


TEMPLATES = (
    StrategyTemplate(
        StrategyKind.GRID,
        N_("Grid trading"),
        N_("A sideways market that keeps bouncing inside a known range."),
        N_("Place buy orders at evenly spaced prices below the current price and sells one step above "
           "each. Every dip fills a buy, every bounce sells it one step higher, so a choppy market earns "
           "the step many times over."),
        N_("A breakdown below the grid leaves you holding the coin at a loss; a breakout above leaves you "
           "in cash, having sold early. Set a stop below the lowest line."),
    ),
    StrategyTemplate(
        StrategyKind.DCA,
        N_("Dollar-cost averaging"),
        N_("Building a long-term position without timing the market; the lowest-effort, lower-risk option."),
        N_("Buy a fixed amount on a fixed schedule whatever the price. Fixed amounts buy more coins when "
           "the price is low, so the average cost is below the average price."),
        N_("It does not protect against a long decline, and buying only majors keeps the risk of a coin "
           "going to zero low. Keep part of the capital in stablecoins as a reserve."),
    ),
    StrategyTemplate(
        StrategyKind.RANGE,
        N_("Range trading"),
        N_("A clear 30-day range with support and resistance that have each held more than once."),
        N_("Buy in the lower quarter of the range, sell in the upper quarter, with a stop just below "
           "support. You trade less often than a grid, but each trade has a defined risk and reward."),
        N_("Ranges end with a breakout; when support breaks, take the stop rather than averaging down."),
    ),
)


def grid_levels(lower: Decimal, upper: Decimal, capital: Decimal | None, grids: int = GRID_LINES) -> GridLevels:
    step = (upper - lower) / grids
    mid = (upper + lower) / 2
    return GridLevels(
        lower=lower,
        upper=upper,
        lines=tuple(money(lower + step * i) for i in range(grids + 1)),
        step=money(step),
        step_percent=round_to(percent(step, mid), 2),
        quote_per_grid=money(capital / grids) if capital is not None else None,
    )


def range_levels(support: Decimal, resistance: Decimal, atr_value: Decimal | None) -> RangeLevels:
    quarter = (resistance - support) / 4
    buy, sell = money(support + quarter), money(resistance - quarter)
    stop = money(support - (atr_value or ZERO))
    risk = buy - stop
    return RangeLevels(buy, sell, stop, round_to((sell - buy) / risk, 2) if risk > ZERO else ZERO)


def _utc_today() -> date:
    return datetime.now(UTC).date()


class RecommendationService:
    def __init__(self, market: MarketReader, *, today: Callable[[], date] = _utc_today) -> None:
        self._market = market
        self._today = today

    async def view(self, symbol: str) -> Recommendation:
        return recommend(await fetch_snapshot(self._market, symbol, VIEW_PERIOD))

    async def screen(self, symbols: Sequence[str]) -> Screen:
        views, unavailable = await gather_available(symbols, self.view)
        ranked = sorted(views.values(), key=lambda r: (_STANCE_ORDER[r.stance], -r.snapshot.change_percent))
        return Screen(tuple(ranked), unavailable)

    async def dca_plan(
        self,
        symbol: str,
        amount_per_buy: Decimal,
        period: DcaPeriod = DcaPeriod.WEEKLY,
        buys: int = 12,
        *,
        dip_percent: Decimal = Decimal(10),
        multiplier: Decimal = Decimal(2),
    ) -> DcaPlan:
        ticker = await self._market.ticker(symbol)
        return build_dca_plan(symbol, amount_per_buy, period, buys, self._today(), ticker.last,
                              dip_percent=dip_percent, multiplier=multiplier)

    async def switch(self, from_symbol: str, to_symbol: str) -> SwitchComparison:
        current, candidate = await asyncio.gather(self.view(from_symbol), self.view(to_symbol))
        return compare_switch(current, candidate)

    async def strategies(self, capital: Decimal | None = None, symbol: str = DEFAULT_SYMBOL) -> StrategyIdeas:
        """Grid, DCA and range templates on ``symbol``'s 30-day range, split over ``capital``."""
        s = await fetch_snapshot(self._market, symbol, VIEW_PERIOD)
        dca = None
        if capital is not None:
            per_buy = money(capital / PLAN_BUYS)
            dca = build_dca_plan(symbol, per_buy, DcaPeriod.WEEKLY, PLAN_BUYS, self._today(), s.last_price)
        return StrategyIdeas(
            symbol=symbol,
            capital=capital,
            snapshot=s,
            templates=TEMPLATES,
            grid=grid_levels(s.range_low, s.range_high, capital),
            range_levels=range_levels(s.range_low, s.range_high, s.atr),
            dca=dca,
        )
