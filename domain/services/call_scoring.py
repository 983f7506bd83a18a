"""How a technical call turned out, judged on the candles between the call and its
``valid_until``.

A directional call wins when a target is reached before the stop (accuracy 1) and loses when the
stop comes first (accuracy 0; within one candle the stop is assumed first, the cautious reading).
A call neither reached is scored by how far the price went its way: halfway to the first target
is 0.75, as far the other way is 0.25. A "hold" call said the price would go nowhere decided: it
scores 1 when the price ends within one ATR of where it was, falling to 0 at three ATRs.
The move recorded is the percent the price moved in the call's favour up to the exit (the stop,
the furthest target reached, or the last close); for a hold, the plain change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.enums import SignalType
from domain.models import Candle

LONG = (SignalType.BUY, SignalType.STRONG_BUY)
SHORT = (SignalType.SELL, SignalType.STRONG_SELL)
HOLD_CALM_ATR = Decimal(1)
HOLD_WILD_ATR = Decimal(3)


@dataclass(frozen=True, slots=True)
class RecordedCall:
    signal: SignalType
    price: Decimal  # when the call was made
    stop: Decimal | None
    targets: tuple[Decimal, ...]  # nearest first
    atr: Decimal | None
    as_of: datetime  # the open of the last candle the call saw
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class CallScore:
    accuracy: Decimal  # 0 .. 1
    move_percent: Decimal  # in the call's favour (a hold: the plain change)
    outcome: str  # tp1_hit .. all_targets, sl_hit, expired


@dataclass(frozen=True, slots=True)
class TimeframeRecord:
    """The calls made on one timeframe and how the scored ones turned out (/accuracy)."""

    timeframe: str
    calls: int
    scored: int
    hits: int  # scored calls with accuracy of 0.5 or better
    average_accuracy: Decimal | None
    average_move_percent: Decimal | None  # directional calls only, in their favour


def _clamp(value: Decimal, low: Decimal = Decimal(0), high: Decimal = Decimal(1)) -> Decimal:
    return max(low, min(high, value))


def score_call(call: RecordedCall, candles: Sequence[Candle]) -> CallScore | None:
    """None while no candle after the call has closed inside its window."""
    window = [c for c in candles if call.as_of < c.opened_at < call.valid_until]
    if not window or call.price <= 0:
        return None
    if call.signal in LONG or call.signal in SHORT:
        return _directional(call, window)
    return _hold(call, window[-1].close)


def _directional(call: RecordedCall, window: list[Candle]) -> CallScore:
    direction = 1 if call.signal in LONG else -1

    def favour(price: Decimal) -> Decimal:
        return direction * (price - call.price) / call.price * 100

    reached = 0
    for candle in window:
        adverse, favourable = (candle.low, candle.high) if direction > 0 else (candle.high, candle.low)
        if call.stop is not None and direction * (adverse - call.stop) <= 0:
            if reached:  # a target was banked before the stop came
                break
            return CallScore(Decimal(0), favour(call.stop), "sl_hit")
        while reached < len(call.targets) and direction * (favourable - call.targets[reached]) >= 0:
            reached += 1
        if reached == len(call.targets) and reached:
            return CallScore(Decimal(1), favour(call.targets[-1]), "all_targets")
    if reached:
        return CallScore(Decimal(1), favour(call.targets[reached - 1]), f"tp{reached}_hit")
    moved = favour(window[-1].close)
    if not call.targets:
        return CallScore(Decimal("0.5") + (Decimal("0.5") if moved > 0 else Decimal("-0.5")), moved, "expired")
    to_target = favour(call.targets[0])
    accuracy = _clamp(Decimal("0.5") + Decimal("0.5") * moved / to_target) if to_target > 0 else Decimal("0.5")
    return CallScore(accuracy.quantize(Decimal("0.01")), moved, "expired")


def _hold(call: RecordedCall, close: Decimal) -> CallScore:
    change = (close - call.price) / call.price * 100
    if call.atr is None or call.atr <= 0:
        return CallScore(Decimal("0.5"), change, "expired")
    in_atrs = abs(close - call.price) / call.atr
    accuracy = _clamp(1 - (in_atrs - HOLD_CALM_ATR) / (HOLD_WILD_ATR - HOLD_CALM_ATR))
    return CallScore(accuracy.quantize(Decimal("0.01")), change, "expired")
