"""Indicator alerts read closed candles once per (symbol, timeframe, indicator, period).

``read_series`` turns the closed candles into what every alert on that series needs: the
indicator's value on the last closed candle (for level alerts such as RSI 70) and which crossing
events happened between the two last closed candles (for MACD, moving averages, Bollinger).
The formulas are those of :mod:`domain.services.indicators`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.alerts import Indicator
from domain.models import Candle
from domain.services import indicators as ta

ABOVE, BELOW = "above", "below"


@dataclass(frozen=True, slots=True)
class SeriesReading:
    candle_at: datetime  # when the last closed candle opened
    close: Decimal
    value: Decimal | None  # the indicator on that candle (RSI, MACD line, the average, the band hit)
    events: frozenset[str]  # "above" / "below": crossings that happened on that candle


def candles_needed(indicator: Indicator, period: int) -> int:
    """Enough history for the smoothing to settle (Wilder's RSI, EMAs)."""
    return min(1000, max(3 * period + 50, 120))


def read_series(indicator: Indicator, period: int, closed: Sequence[Candle]) -> SeriesReading | None:
    """None when there are too few closed candles to judge."""
    if len(closed) < 2:
        return None
    closes = [c.close for c in closed]
    last = closed[-1]
    if indicator is Indicator.RSI:
        values = ta.rsi(closes, period)
        return None if values[-1] is None else SeriesReading(last.opened_at, last.close, values[-1], frozenset())
    if indicator is Indicator.MACD:
        line, signal, _ = ta.macd(closes)
        events = _crossings(line[-2], signal[-2], line[-1], signal[-1])
        return None if events is None else SeriesReading(last.opened_at, last.close, line[-1], events)
    if indicator in (Indicator.EMA, Indicator.SMA):
        average = (ta.ema if indicator is Indicator.EMA else ta.sma)(closes, period)
        events = _crossings(closes[-2], average[-2], closes[-1], average[-1])
        return None if events is None else SeriesReading(last.opened_at, last.close, average[-1], events)
    if indicator is Indicator.BOLLINGER:
        _, upper, lower = ta.bollinger(closes, period)
        if None in (upper[-2], upper[-1], lower[-2], lower[-1]):
            return None
        events = set()
        if closes[-2] <= upper[-2] and closes[-1] > upper[-1]:  # type: ignore[operator]
            events.add(ABOVE)
        if closes[-2] >= lower[-2] and closes[-1] < lower[-1]:  # type: ignore[operator]
            events.add(BELOW)
        return SeriesReading(last.opened_at, last.close, upper[-1] if ABOVE in events else lower[-1], frozenset(events))
    return None


def _crossings(a_before: Decimal | None, b_before: Decimal | None, a_now: Decimal | None,
               b_now: Decimal | None) -> frozenset[str] | None:
    """Did series a cross series b between the two candles (upwards: above, downwards: below)?"""
    if None in (a_before, b_before, a_now, b_now):
        return None
    if a_before <= b_before and a_now > b_now:  # type: ignore[operator]
        return frozenset({ABOVE})
    if a_before >= b_before and a_now < b_now:  # type: ignore[operator]
        return frozenset({BELOW})
    return frozenset()
