"""The validation card of a read signal: the post against the market and the user's settings.

Is the pair listed; where the market stands against the entry zone; reward to risk per target
and the stop's distance from the entry; for futures the leverage the user's caps allow and the
liquidation price (Binance's formula, see domain.futures), and whether the stop lies beyond it;
warnings for a stop on the wrong side, targets out of order, or an entry far from the market.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain import futures
from domain.enums import OrderSide
from domain.futures import MarginMode
from domain.numbers import HUNDRED, ZERO, money
from domain.phrases import Percent, Phrase, phrase
from domain.signal_trade import ExecutionSettings, capped_leverage
from domain.signals import TradeSignal, reward_risk

FAR_FROM_MARKET_PERCENT = Decimal(5)


@dataclass(frozen=True, slots=True)
class SignalCheck:
    """The validation card's figures: the signal against the market and the user's settings."""

    signal: TradeSignal
    pair_found: bool
    price: Decimal | None
    zone: str  # inside | above | below | market | unknown
    zone_distance_percent: Decimal | None
    reference_entry: Decimal | None
    reward_risk: tuple[Decimal | None, ...]
    stop_distance_percent: Decimal | None
    market_type: str
    leverage: Decimal
    margin_mode: str
    margin_per_trade: Decimal
    liquidation_price: Decimal | None
    stop_beyond_liquidation: bool
    warnings: tuple[Phrase, ...]


def check_signal(signal: TradeSignal, settings: ExecutionSettings, price: Decimal | None, *, expiry_hours: int,
                 cross_wallet: Decimal) -> SignalCheck:
    """``price`` None: the pair is not listed. ``cross_wallet``: what backs a cross position."""
    warnings: list[Phrase] = []
    if price is None:
        warnings.append(phrase("{symbol} is not listed on the configured market.", symbol=signal.symbol))
    zone, distance = _zone(signal, price)
    entry = price if signal.entry_at_market else signal.near_edge
    if zone in ("above", "below") and distance is not None and distance > FAR_FROM_MARKET_PERCENT:
        warnings.append(phrase("The entry is {distance} from the market: it may never fill (it expires after "
                               "{hours} h).", distance=Percent(distance), hours=expiry_hours))
    warnings += _shape_warnings(signal, entry)
    rr = tuple(reward_risk(signal, entry, tp) if entry else None for tp in signal.take_profits)
    stop_distance = None
    if entry and signal.stop_loss is not None:
        stop_distance = abs(entry - signal.stop_loss) / entry * HUNDRED
    leverage, liquidation, beyond = Decimal(1), None, False
    mode = settings.margin_mode.value
    if signal.is_futures:
        leverage = capped_leverage(signal, settings)
        if signal.leverage and leverage < signal.leverage:
            warnings.append(phrase("Leverage capped at {leverage}x (the post says {asked}x; your maximum is in "
                                   "/signalsettings).", leverage=leverage, asked=signal.leverage))
        if signal.margin_mode in tuple(MarginMode):
            mode = str(signal.margin_mode)
        if entry:
            size = settings.margin_per_trade * leverage / entry
            backing = settings.margin_per_trade if mode == MarginMode.ISOLATED else cross_wallet
            liquidation = money(futures.liquidation_price(signal.symbol, signal.side, size, entry, backing))
            if liquidation > 0 and signal.stop_loss is not None:
                beyond = futures.liquidated(signal.side, liquidation, signal.stop_loss)
                if beyond:
                    warnings.append(phrase("The stop sits beyond the liquidation price: the position would be "
                                           "liquidated before the stop is reached."))
    elif signal.side is OrderSide.SELL:
        warnings.append(phrase("A spot short cannot be executed: track it, or forward it as a futures signal."))
    return SignalCheck(signal, price is not None, price, zone, distance, entry, rr, stop_distance,
                       "futures" if signal.is_futures else "spot", leverage, mode, settings.margin_per_trade,
                       liquidation, beyond, tuple(warnings))


def _zone(signal: TradeSignal, price: Decimal | None) -> tuple[str, Decimal | None]:
    if signal.entry_at_market or not signal.entries:
        return "market", None
    if price is None:
        return "unknown", None
    low, high = signal.entry_low, signal.entry_high
    assert low is not None and high is not None
    if low <= price <= high:
        return "inside", ZERO
    if price > high:
        return "above", (price - high) / high * HUNDRED
    return "below", (low - price) / low * HUNDRED


def _shape_warnings(signal: TradeSignal, entry: Decimal | None) -> list[Phrase]:
    warnings = []
    long = signal.side is OrderSide.BUY
    if signal.stop_loss is None:
        warnings.append(phrase("No stop-loss in the post: the loss is not limited."))
    elif entry is not None and (signal.stop_loss >= entry if long else signal.stop_loss <= entry):
        warnings.append(phrase("The stop is on the wrong side of the entry for a long.") if long
                        else phrase("The stop is on the wrong side of the entry for a short."))
    targets = list(signal.take_profits)
    if targets != sorted(targets, reverse=not long):
        warnings.append(phrase("The targets are out of order."))
    if entry is not None and any((tp <= entry if long else tp >= entry) for tp in targets):
        warnings.append(phrase("A target lies on the wrong side of the entry."))
    if not targets:
        warnings.append(phrase("No targets in the post."))
    return warnings
