"""Risk answers: how big a position for a given risk, and how risky the portfolio is: exposure
and stops, and from a year of daily candles each holding's volatility, ATR and a suggested
stop, the portfolio's 1-day historical VaR and CVaR, and how its holdings move together."""

from __future__ import annotations

import asyncio
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from domain.enums import OrderSide
from domain.errors import DomainError, InvalidRequest
from domain.models import Candle, Market
from domain.numbers import HUNDRED, ZERO, money, percent
from domain.phrases import Percent, Phrase, phrase
from domain.ports import MarketDataPort, TradingUnitOfWork
from domain.services import indicators as ta
from domain.services import risk_statistics as stats
from domain.services.portfolio import Allocation, PortfolioService

HIGH_EXPOSURE_PERCENT = Decimal(80)  # of the portfolio in coins rather than cash
HISTORY_DAYS = 366  # daily candles read: a year of returns
MIN_RETURN_DAYS = 30  # fewer common days than this make VaR and correlation meaningless
ATR_PERIOD = 14
STOP_ATR = Decimal(2)  # suggested stop: two daily ATRs below the price, beyond a day's usual noise
CONFIDENCES = (0.95, 0.99)
HIGH_VAR_PERCENT = Decimal(5)  # a 1-day 95 % VaR above this is a lot for a portfolio


@dataclass(frozen=True, slots=True)
class PositionSizing:
    symbol: str
    side: OrderSide  # a stop below the entry means a long (buy)
    entry: Decimal
    stop_loss: Decimal
    risk_amount: Decimal  # quote lost if the stop is hit, fees included
    risk_percent: Decimal  # of the portfolio
    quantity: Decimal  # base asset, rounded down to the pair's step
    position_value: Decimal
    position_percent: Decimal  # of the portfolio; above 100 needs leverage
    stop_distance_percent: Decimal
    leverage: Decimal  # position value / portfolio value
    # The leverage limit that made the position smaller than the risk asked for (None: not capped).
    capped_at_leverage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Exposure:
    asset: str
    value: Decimal
    percent: Decimal  # of the portfolio
    stop_loss: Decimal | None
    loss_at_stop: Decimal | None  # value lost if the stop is hit (None without a stop)


@dataclass(frozen=True, slots=True)
class PortfolioRisk:
    total_value: Decimal
    cash_percent: Decimal
    exposure_percent: Decimal  # everything not in the quote asset
    exposures: tuple[Exposure, ...]  # largest first
    largest_share_percent: Decimal
    concentration: Decimal  # Herfindahl index of the coin holdings: 1 = a single coin
    without_stop_loss: tuple[str, ...]
    capital_at_risk: Decimal  # lost if every stop-loss is hit
    level: str  # low | moderate | high
    reasons: tuple[Phrase, ...]
    market: MarketRisk | None = None  # None when the market data could not say


@dataclass(frozen=True, slots=True)
class HoldingRisk:
    asset: str
    symbol: str
    value: Decimal
    price: Decimal
    daily_volatility_percent: Decimal
    annual_volatility_percent: Decimal
    atr_percent: Decimal | None  # ATR 14 of daily candles over the price
    suggested_stop: Decimal | None  # two daily ATRs below the price
    days: int  # daily candles the figures come from


@dataclass(frozen=True, slots=True)
class PortfolioTailRisk:
    confidence: Decimal  # 95 or 99 (percent)
    var_percent: Decimal  # 1-day loss exceeded on (100 - confidence) % of days, of the whole portfolio
    var_amount: Decimal  # the same in the quote asset
    cvar_percent: Decimal  # average loss on those days
    cvar_amount: Decimal


@dataclass(frozen=True, slots=True)
class MarketRisk:
    holdings: tuple[HoldingRisk, ...]
    tails: tuple[PortfolioTailRisk, ...]  # 95 % and 99 %; empty with too short a common history
    days: int  # common daily returns behind the VaR and the correlations
    assets: tuple[str, ...]  # order of the correlation matrix
    correlation: tuple[tuple[float, ...], ...]  # empty with fewer than two holdings or too few days

    def tail(self, confidence: float) -> PortfolioTailRisk | None:
        return next((t for t in self.tails if t.confidence == Decimal(round(confidence * 100))), None)


def _decimal(value: float, places: str = "0.01") -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places))


def holding_risk(allocation: Allocation, symbol: str, candles: list[Candle]) -> HoldingRisk:
    bars = ta.Bars.of(candles)
    daily, annual = stats.volatility(bars.close)
    atr = ta.latest(ta.atr(bars, ATR_PERIOD))
    return HoldingRisk(
        asset=allocation.asset,
        symbol=symbol,
        value=allocation.value,
        price=allocation.price,
        daily_volatility_percent=_decimal(daily * 100) if not math.isnan(daily) else ZERO,
        annual_volatility_percent=_decimal(annual * 100) if not math.isnan(annual) else ZERO,
        atr_percent=percent(atr, allocation.price).quantize(Decimal("0.01")) if atr is not None else None,
        suggested_stop=money(max(allocation.price - STOP_ATR * atr, ZERO)) if atr is not None else None,
        days=len(candles),
    )


def market_risk(holdings: list[Allocation], histories: dict[str, list[Candle]], total: Decimal, quote: str) -> MarketRisk:
    """Volatility per holding; VaR, CVaR and correlations over the days all holdings traded."""
    per_holding = tuple(holding_risk(a, f"{a.asset}/{quote}", histories[a.asset]) for a in holdings)
    assets, returns = stats.aligned_returns({a.asset: histories[a.asset] for a in holdings})
    days = returns.shape[0]
    tails: list[PortfolioTailRisk] = []
    matrix: tuple[tuple[float, ...], ...] = ()
    if days >= MIN_RETURN_DAYS:
        weights = np.array([float(a.value / total) for a in holdings if a.asset in assets])
        daily = stats.portfolio_returns(returns, weights)
        for confidence in CONFIDENCES:
            tail = stats.tail_risk(daily, confidence)
            var, cvar = _decimal(tail.var * 100), _decimal(tail.cvar * 100)
            tails.append(PortfolioTailRisk(Decimal(round(confidence * 100)), var, money(total * var / HUNDRED),
                                           cvar, money(total * cvar / HUNDRED)))
        if len(assets) >= 2:
            matrix = tuple(tuple(round(float(v), 4) for v in row) for row in stats.correlation(returns))
    return MarketRisk(per_holding, tuple(tails), days, tuple(assets), matrix)


def size_position(
    market: Market, portfolio_value: Decimal, entry: Decimal, stop_loss: Decimal, *,
    risk_percent: Decimal | None = None, risk_amount: Decimal | None = None, max_leverage: Decimal = Decimal(1),
) -> PositionSizing:
    """The quantity that loses ``risk_amount`` (or ``risk_percent`` of the portfolio) at the stop,
    counting the taker fee on the way in and on the way out, and worth no more than
    ``max_leverage`` times the portfolio (1: no borrowing)."""
    if (risk_percent is None) == (risk_amount is None):
        raise InvalidRequest("Tell me the risk either as a percentage (risk 1%) or an amount (risk $50).")
    if entry <= 0 or stop_loss <= 0 or entry == stop_loss:
        raise InvalidRequest("The stop-loss must differ from the entry price.")
    budget = risk_amount if risk_amount is not None else portfolio_value * risk_percent / HUNDRED  # type: ignore[operator]
    if budget <= 0:
        raise InvalidRequest("The risk must be positive, e.g. risk 1% or risk $50.")
    loss_per_unit = abs(entry - stop_loss) + (entry + stop_loss) * market.taker_fee
    quantity = market.round_amount(budget / loss_per_unit)
    capped = None
    if portfolio_value > 0 and quantity * entry > portfolio_value * max_leverage:
        quantity, capped = market.round_amount(portfolio_value * max_leverage / entry), max_leverage
    value = money(quantity * entry)
    return PositionSizing(
        symbol=market.symbol,
        side=OrderSide.BUY if stop_loss < entry else OrderSide.SELL,
        entry=entry,
        stop_loss=stop_loss,
        risk_amount=money(quantity * loss_per_unit),
        risk_percent=percent(quantity * loss_per_unit, portfolio_value),
        quantity=quantity,
        position_value=value,
        position_percent=percent(value, portfolio_value),
        stop_distance_percent=percent(abs(entry - stop_loss), entry),
        leverage=(value / portfolio_value).quantize(Decimal("0.01")) if portfolio_value > 0 else ZERO,
        capped_at_leverage=capped,
    )


class RiskService:
    def __init__(
        self, market_data: MarketDataPort, portfolios: PortfolioService, *, max_position_percent: Decimal,
        max_leverage: Decimal = Decimal(1),
    ) -> None:
        self._market_data = market_data
        self._portfolios = portfolios
        self._max_position_percent = max_position_percent
        self._max_leverage = max_leverage

    async def position_size(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str, stop_loss: Decimal, *,
        entry: Decimal | None = None, risk_percent: Decimal | None = None, risk_amount: Decimal | None = None,
        leverage: Decimal | None = None,
    ) -> PositionSizing:
        """Sizing against the user's portfolio; the entry defaults to the current price. The
        position is capped at ``leverage`` (what the user means to use, 1x when unsaid), and never
        beyond the operator's limit."""
        portfolio = await self._portfolios.ensure_default(uow, user_id)
        market = await self._market_data.market(symbol)
        entry = entry if entry is not None else (await self._market_data.ticker(symbol)).last
        value = await self._portfolios.total_value(uow, portfolio)
        allowed = min(leverage if leverage is not None and leverage > 0 else Decimal(1), self._max_leverage)
        return size_position(market, value, entry, stop_loss, risk_percent=risk_percent, risk_amount=risk_amount,
                             max_leverage=allowed)

    async def portfolio_risk(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> PortfolioRisk:
        summary = await self._portfolios.summary(uow, user_id)
        positions = {p.symbol.split("/")[0]: p for p in await self._portfolios.positions(uow, user_id)}
        total, quote = summary.total_value, summary.quote_asset
        exposures = []
        for allocation in summary.allocations:
            if allocation.asset == quote:
                continue
            position = positions.get(allocation.asset)
            stop = None if position is None else position.stop_loss
            loss = None if stop is None else money(max(allocation.price - stop, ZERO) * allocation.quantity)
            exposures.append(Exposure(allocation.asset, allocation.value, allocation.percent, stop, loss))
        invested = sum((e.value for e in exposures), ZERO)
        without_stop = tuple(e.asset for e in exposures if e.stop_loss is None)
        largest = max((e.percent for e in exposures), default=ZERO)
        exposure = percent(invested, total)
        holdings = [a for a in summary.allocations if a.asset != quote and a.value > 0]
        market = await self._market_risk(holdings, quote, total)
        reasons = _reasons(largest, self._max_position_percent, exposure, without_stop, market)
        return PortfolioRisk(
            total_value=total,
            cash_percent=HUNDRED - exposure if total else ZERO,
            exposure_percent=exposure,
            exposures=tuple(exposures),
            largest_share_percent=largest,
            concentration=sum(((e.value / invested) ** 2 for e in exposures), ZERO) if invested else ZERO,
            without_stop_loss=without_stop,
            capital_at_risk=sum((e.loss_at_stop or ZERO for e in exposures), ZERO),
            level="high" if len(reasons) >= 2 else "moderate" if reasons else "low",
            reasons=reasons,
            market=market,
        )

    async def _market_risk(self, holdings: list[Allocation], quote: str, total: Decimal) -> MarketRisk | None:
        if not holdings or total <= 0:
            return None
        histories = await asyncio.gather(
            *(self._market_data.ohlcv(f"{a.asset}/{quote}", "1d", HISTORY_DAYS) for a in holdings),
            return_exceptions=True)
        if any(isinstance(h, BaseException) and not isinstance(h, DomainError) for h in histories):
            raise next(h for h in histories if isinstance(h, BaseException))
        known = {a.asset: h for a, h in zip(holdings, histories, strict=True) if not isinstance(h, BaseException) and h}
        if not known:
            return None
        return market_risk([a for a in holdings if a.asset in known], known, total, quote)


def _reasons(
    largest: Decimal, limit: Decimal, exposure: Decimal, without_stop: tuple[str, ...], market: MarketRisk | None,
) -> tuple[Phrase, ...]:
    reasons = []
    if largest > limit:
        reasons.append(phrase("One holding is {share} of the portfolio (limit {limit}).", share=Percent(largest, 1),
                              limit=Percent(limit)))
    if exposure > HIGH_EXPOSURE_PERCENT:
        reasons.append(phrase("{share} of the portfolio is in coins, little cash left.", share=Percent(exposure, 1)))
    if without_stop:
        reasons.append(phrase("No stop-loss on {assets}.", assets=without_stop))
    var = market.tail(0.95) if market is not None else None
    if var is not None and var.var_percent > HIGH_VAR_PERCENT:
        reasons.append(phrase("The 1-day 95% VaR is {share} of the portfolio.", share=Percent(var.var_percent, 1)))
    return tuple(reasons)
