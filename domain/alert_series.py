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
        value = ta.latest(ta.rsi(closes, period))
        return None if value is None else SeriesReading(last.opened_at, last.close, value, frozenset())
    if indicator is Indicator.MACD:
        line, signal, _ = ta.macd(closes)
        events = _crossings(*_last_two(line), *_last_two(signal))
        return None if events is None else SeriesReading(last.opened_at, last.close, ta.latest(line), events)
    if indicator in (Indicator.EMA, Indicator.SMA):
        average = (ta.ema if indicator is Indicator.EMA else ta.sma)(closes, period)
        events = _crossings(closes[-2], closes[-1], *_last_two(average))
        return None if events is None else SeriesReading(last.opened_at, last.close, ta.latest(average), events)
    if indicator is Indicator.BOLLINGER:
        _, upper, lower = ta.bollinger(closes, period)
        (upper_before, upper_now), (lower_before, lower_now) = _last_two(upper), _last_two(lower)
        if None in (upper_before, upper_now, lower_before, lower_now):
            return None
        events = set()
        if closes[-2] <= upper_before and closes[-1] > upper_now:  # type: ignore[operator]
            events.add(ABOVE)
        if closes[-2] >= lower_before and closes[-1] < lower_now:  # type: ignore[operator]
            events.add(BELOW)
        return SeriesReading(last.opened_at, last.close, upper_now if ABOVE in events else lower_now,
                             frozenset(events))
    return None


def _last_two(series: object) -> tuple[Decimal | None, Decimal | None]:
    """The two newest points of an indicator series as Decimals (None while warming up)."""
    values = list(series)[-2:]  # type: ignore[call-overload]
    return ta.to_decimal(values[0]), ta.to_decimal(values[1])


def _crossings(a_before: Decimal | None, a_now: Decimal | None, b_before: Decimal | None,
               b_now: Decimal | None) -> frozenset[str] | None:
    """Did series a cross series b between the two candles (upwards: above, downwards: below)?"""
    if None in (a_before, b_before, a_now, b_now):
        return None
    if a_before <= b_before and a_now > b_now:  # type: ignore[operator]
        return frozenset({ABOVE})
    if a_before >= b_before and a_now < b_now:  # type: ignore[operator]
        return frozenset({BELOW})
    return frozenset()
