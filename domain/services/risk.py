"""Risk answers: how big a position for a given risk, and how risky the portfolio is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from domain.enums import OrderSide
from domain.errors import InvalidRequest
from domain.models import Market
from domain.numbers import HUNDRED, ZERO, money, percent
from domain.ports import MarketDataPort, TradingUnitOfWork
from domain.services.portfolio import PortfolioService

HIGH_EXPOSURE_PERCENT = Decimal(80)  # of the portfolio in coins rather than cash


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
    reasons: tuple[str, ...]


def size_position(
    market: Market, portfolio_value: Decimal, entry: Decimal, stop_loss: Decimal, *,
    risk_percent: Decimal | None = None, risk_amount: Decimal | None = None,
) -> PositionSizing:
    """The quantity that loses ``risk_amount`` (or ``risk_percent`` of the portfolio) at the stop,
    counting the taker fee on the way in and on the way out."""
    if (risk_percent is None) == (risk_amount is None):
        raise InvalidRequest("Tell me the risk either as a percentage (risk 1%) or an amount (risk $50).")
    if entry <= 0 or stop_loss <= 0 or entry == stop_loss:
        raise InvalidRequest("The stop-loss must differ from the entry price.")
    budget = risk_amount if risk_amount is not None else portfolio_value * risk_percent / HUNDRED  # type: ignore[operator]
    if budget <= 0:
        raise InvalidRequest("The risk must be positive.")
    loss_per_unit = abs(entry - stop_loss) + (entry + stop_loss) * market.taker_fee
    quantity = market.round_amount(budget / loss_per_unit)
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
    )


class RiskService:
    def __init__(self, market_data: MarketDataPort, portfolios: PortfolioService, *, max_position_percent: Decimal) -> None:
        self._market_data = market_data
        self._portfolios = portfolios
        self._max_position_percent = max_position_percent

    async def position_size(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str, stop_loss: Decimal, *,
        entry: Decimal | None = None, risk_percent: Decimal | None = None, risk_amount: Decimal | None = None,
    ) -> PositionSizing:
        """Sizing against the user's portfolio; the entry defaults to the current price."""
        portfolio = await self._portfolios.ensure_default(uow, user_id)
        market = await self._market_data.market(symbol)
        entry = entry if entry is not None else (await self._market_data.ticker(symbol)).last
        value = await self._portfolios.total_value(uow, portfolio)
        return size_position(market, value, entry, stop_loss, risk_percent=risk_percent, risk_amount=risk_amount)

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
        reasons = _reasons(largest, self._max_position_percent, exposure, without_stop)
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
        )


def _reasons(largest: Decimal, limit: Decimal, exposure: Decimal, without_stop: tuple[str, ...]) -> tuple[str, ...]:
    reasons = []
    if largest > limit:
        reasons.append(f"One holding is {largest:.1f}% of the portfolio (limit {limit.normalize():f}%).")
    if exposure > HIGH_EXPOSURE_PERCENT:
        reasons.append(f"{exposure:.1f}% of the portfolio is in coins, little cash left.")
    if without_stop:
        reasons.append(f"No stop-loss on {', '.join(without_stop)}.")
    return tuple(reasons)
