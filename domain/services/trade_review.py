"""Trade review behind the ``evaluate_trade`` and ``trade_risk`` intents: what a planned trade
risks and can gain, where isolated margin would liquidate it, and what is wrong with it.

The arithmetic is pure (:func:`review_trade`); :class:`TradeReviewService` only fetches the
current price and the ATR. Liquidation uses the isolated-margin formula with a flat maintenance
margin rate and no fees, so exchanges with tiered rates liquidate slightly earlier for big sizes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.enums import OrderSide
from domain.numbers import ZERO, money, percent, round_to
from domain.services import indicators as ta
from domain.services.market_overview import MarketReader

# 0.5 %: the first maintenance tier of the main USDT perpetuals on the big exchanges.
MAINTENANCE_MARGIN_RATE = Decimal("0.005")
HIGH_LEVERAGE = Decimal(20)
# A stop closer than half a typical candle range is likely to be hit by ordinary noise.
NOISE_ATR_MULTIPLE = Decimal("0.5")
ATR_PERIOD = 14
ONE = Decimal(1)


class TradeWarning(StrEnum):
    NO_STOP = "no_stop"
    STOP_WRONG_SIDE = "stop_wrong_side"  # a long's stop above entry, a short's below
    TARGET_WRONG_SIDE = "target_wrong_side"
    LOW_REWARD_RISK = "low_reward_risk"  # some target pays less than the stop costs
    HIGH_LEVERAGE = "high_leverage"  # above 20x
    STOP_BEYOND_LIQUIDATION = "stop_beyond_liquidation"  # liquidated before the stop triggers
    STOP_WITHIN_NOISE = "stop_within_noise"  # closer than half an ATR


class Verdict(StrEnum):
    REASONABLE = "reasonable"
    RISKY = "risky"  # workable, but fix the warnings first
    POOR = "poor"  # no real protection (stop wrong side, past liquidation, none at >20x) or no target pays


_PROTECTION_BROKEN = {TradeWarning.STOP_WRONG_SIDE, TradeWarning.STOP_BEYOND_LIQUIDATION}


@dataclass(frozen=True, slots=True)
class TradePlan:
    """A planned trade as the user described it; anything not said is None or empty."""

    symbol: str
    side: OrderSide | None = None
    entry: Decimal | None = None  # the NLP's target_price or price; None means at market
    stop_loss: Decimal | None = None
    take_profits: tuple[Decimal, ...] = ()
    leverage: Decimal | None = None
    amount: Decimal | None = None  # base asset


@dataclass(frozen=True, slots=True)
class TargetCheck:
    price: Decimal
    move_percent: Decimal  # distance from entry, positive in the trade's favour
    reward_to_risk: Decimal | None  # None without a usable stop
    profit: Decimal | None  # in quote, when the amount is known


@dataclass(frozen=True, slots=True)
class Liquidation:
    price: Decimal
    distance_percent: Decimal  # adverse move from entry that liquidates
    maintenance_margin_rate: Decimal  # the assumption behind ``price``


@dataclass(frozen=True, slots=True)
class TradeReview:
    symbol: str
    side: OrderSide
    side_inferred: bool  # the user did not say long/short; read from the stop or targets
    entry: Decimal
    entry_is_market: bool  # no entry given: the current price is used
    current_price: Decimal | None
    stop_loss: Decimal | None
    stop_distance_percent: Decimal | None
    stop_distance_atr: Decimal | None  # stop distance in ATR multiples
    atr: Decimal | None
    atr_timeframe: str | None
    leverage: Decimal  # 1 when none was given
    loss_at_stop_percent_of_margin: Decimal | None  # stop distance x leverage
    targets: tuple[TargetCheck, ...]
    liquidation: Liquidation | None  # only for leveraged trades
    amount: Decimal | None
    position_value: Decimal | None
    margin: Decimal | None
    loss_at_stop: Decimal | None  # in quote
    warnings: tuple[TradeWarning, ...]
    verdict: Verdict


def _direction(side: OrderSide) -> int:
    return 1 if side is OrderSide.BUY else -1


def favourable_move(side: OrderSide, entry: Decimal, price: Decimal) -> Decimal:
    """How far ``price`` is from ``entry`` in the trade's favour (negative when against it)."""
    return (price - entry) * _direction(side)


def reward_to_risk(side: OrderSide, entry: Decimal, stop: Decimal, target: Decimal) -> Decimal | None:
    """(target − entry) / (entry − stop) for a long, mirrored for a short; None if the stop is
    not on the losing side."""
    risk = -favourable_move(side, entry, stop)
    if risk <= ZERO:
        return None
    return round_to(favourable_move(side, entry, target) / risk, 2)


def liquidation_price(side: OrderSide, entry: Decimal, leverage: Decimal,
                      maintenance_margin_rate: Decimal = MAINTENANCE_MARGIN_RATE) -> Decimal:
    """Isolated margin: the price where margin minus loss equals the maintenance margin.

    Long: entry·(1 − 1/L) / (1 − mmr). Short: entry·(1 + 1/L) / (1 + mmr).
    """
    if side is OrderSide.BUY:
        return money(entry * (ONE - ONE / leverage) / (ONE - maintenance_margin_rate))
    return money(entry * (ONE + ONE / leverage) / (ONE + maintenance_margin_rate))


def infer_side(plan: TradePlan, entry: Decimal) -> tuple[OrderSide, bool]:
    """The side the user gave, else the one the stop or first target implies, else a buy."""
    if plan.side is not None:
        return plan.side, False
    if plan.stop_loss is not None and plan.stop_loss != entry:
        return (OrderSide.BUY if plan.stop_loss < entry else OrderSide.SELL), True
    if plan.take_profits and plan.take_profits[0] != entry:
        return (OrderSide.BUY if plan.take_profits[0] > entry else OrderSide.SELL), True
    return OrderSide.BUY, True


def review_trade(
    plan: TradePlan,
    entry: Decimal,
    *,
    current_price: Decimal | None = None,
    atr_value: Decimal | None = None,
    atr_timeframe: str | None = None,
    maintenance_margin_rate: Decimal = MAINTENANCE_MARGIN_RATE,
) -> TradeReview:
    side, side_inferred = infer_side(plan, entry)
    leverage = plan.leverage or ONE
    stop = plan.stop_loss
    stop_risk = -favourable_move(side, entry, stop) if stop is not None else None
    stop_ok = stop_risk is not None and stop_risk > ZERO

    liquidation = None
    if plan.leverage is not None and plan.leverage > ONE:
        liq = liquidation_price(side, entry, leverage, maintenance_margin_rate)
        liquidation = Liquidation(liq, round_to(percent(abs(entry - liq), entry), 2), maintenance_margin_rate)

    targets = tuple(
        TargetCheck(
            price=target,
            move_percent=round_to(percent(favourable_move(side, entry, target), entry), 2),
            reward_to_risk=reward_to_risk(side, entry, stop, target) if stop_ok else None,
            profit=money(favourable_move(side, entry, target) * plan.amount) if plan.amount is not None else None,
        )
        for target in plan.take_profits
    )

    stop_percent = round_to(percent(stop_risk, entry), 2) if stop_ok else None
    stop_atr = round_to(stop_risk / atr_value, 2) if stop_ok and atr_value else None
    position_value = money(plan.amount * entry) if plan.amount is not None else None
    warnings = _warnings(side, stop, stop_ok, stop_atr, targets, leverage, liquidation)
    return TradeReview(
        symbol=plan.symbol,
        side=side,
        side_inferred=side_inferred,
        entry=entry,
        entry_is_market=plan.entry is None,
        current_price=current_price,
        stop_loss=stop,
        stop_distance_percent=stop_percent,
        stop_distance_atr=stop_atr,
        atr=atr_value,
        atr_timeframe=atr_timeframe if atr_value is not None else None,
        leverage=leverage,
        loss_at_stop_percent_of_margin=round_to(stop_percent * leverage, 2) if stop_percent is not None else None,
        targets=targets,
        liquidation=liquidation,
        amount=plan.amount,
        position_value=position_value,
        margin=money(position_value / leverage) if position_value is not None else None,
        loss_at_stop=money(stop_risk * plan.amount) if stop_ok and plan.amount is not None else None,
        warnings=warnings,
        verdict=_verdict(warnings, targets),
    )


def _warnings(
    side: OrderSide,
    stop: Decimal | None,
    stop_ok: bool,
    stop_atr: Decimal | None,
    targets: tuple[TargetCheck, ...],
    leverage: Decimal,
    liquidation: Liquidation | None,
) -> tuple[TradeWarning, ...]:
    found: list[TradeWarning] = []
    if stop is None:
        found.append(TradeWarning.NO_STOP)
    elif not stop_ok:
        found.append(TradeWarning.STOP_WRONG_SIDE)
    elif liquidation is not None and favourable_move(side, liquidation.price, stop) <= ZERO:
        found.append(TradeWarning.STOP_BEYOND_LIQUIDATION)
    if stop_atr is not None and stop_atr < NOISE_ATR_MULTIPLE:
        found.append(TradeWarning.STOP_WITHIN_NOISE)
    if any(target.move_percent <= ZERO for target in targets):
        found.append(TradeWarning.TARGET_WRONG_SIDE)
    if any(target.reward_to_risk is not None and target.reward_to_risk < ONE for target in targets):
        found.append(TradeWarning.LOW_REWARD_RISK)
    if leverage > HIGH_LEVERAGE:
        found.append(TradeWarning.HIGH_LEVERAGE)
    return tuple(found)


def _verdict(warnings: tuple[TradeWarning, ...], targets: tuple[TargetCheck, ...]) -> Verdict:
    ratios = [target.reward_to_risk for target in targets if target.reward_to_risk is not None]
    leveraged_without_stop = TradeWarning.NO_STOP in warnings and TradeWarning.HIGH_LEVERAGE in warnings
    if _PROTECTION_BROKEN.intersection(warnings) or leveraged_without_stop or (ratios and max(ratios) < ONE):
        return Verdict.POOR
    return Verdict.RISKY if warnings else Verdict.REASONABLE


class TradeReviewService:
    """Completes a plan with market data: the entry defaults to the current price, and the stop
    distance is measured against the ATR of ``atr_timeframe`` candles."""

    def __init__(
        self,
        market: MarketReader,
        *,
        atr_timeframe: str = "1d",
        maintenance_margin_rate: Decimal = MAINTENANCE_MARGIN_RATE,
    ) -> None:
        self._market = market
        self._atr_timeframe = atr_timeframe
        self._mmr = maintenance_margin_rate

    async def review(self, plan: TradePlan) -> TradeReview:
        ticker, candles = await asyncio.gather(
            self._market.ticker(plan.symbol),
            self._market.ohlcv(plan.symbol, self._atr_timeframe, ATR_PERIOD * 3),
        )
        atr = ta.latest(ta.atr(ta.Bars.of(candles), ATR_PERIOD)) if candles else None
        return review_trade(
            plan,
            plan.entry if plan.entry is not None else ticker.last,
            current_price=ticker.last,
            atr_value=money(atr) if atr is not None else None,
            atr_timeframe=self._atr_timeframe,
            maintenance_margin_rate=self._mmr,
        )
