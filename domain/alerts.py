"""Alerts: what they watch and when they fire, in pure functions over plain values.

Three kinds:
- price: a level ("SOL below 120", "BTC reaches 70k"). A level whose direction the user did not
  say takes it from the price at creation;
- move: a percent move within a window ("ETH moves 5% in an hour");
- indicator: a condition on closed candles of a timeframe: RSI above/below a level, the MACD
  line crossing its signal line, the close crossing an EMA/SMA, the close breaking out of the
  Bollinger bands.

An alert is one-shot, or repeating: after firing it disarms, and re-arms only once the watched
value moved back past its level by the hysteresis margin; it fires again no sooner than its
cooldown after the previous time. An alert past its expiry never fires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from domain.enums import AlertCondition
from domain.timeframes import TIMEFRAMES

# A move window takes the candle sizes of the NLP contract.
WINDOWS = TIMEFRAMES


class AlertKind(StrEnum):
    PRICE = "price"
    MOVE = "move"
    INDICATOR = "indicator"


class Indicator(StrEnum):
    RSI = "rsi"
    MACD = "macd"
    EMA = "ema"
    SMA = "sma"
    BOLLINGER = "bollinger"


# Indicators whose alert watches a level of the indicator's own value (RSI 70); the others
# fire on a crossing event between two closed candles and take no level.
LEVEL_INDICATORS = frozenset({Indicator.RSI})
DEFAULT_INDICATOR_PERIODS = {Indicator.RSI: 14, Indicator.EMA: 50, Indicator.SMA: 50, Indicator.BOLLINGER: 20,
                             Indicator.MACD: 26}
DEFAULT_INDICATOR_TIMEFRAME = "1h"


@dataclass(frozen=True, slots=True)
class Alert:
    id: uuid.UUID
    symbol: str
    condition: AlertCondition
    target_price: Decimal | None = None
    percent_change: Decimal | None = None
    window: str | None = None
    reference_price: Decimal | None = None
    created_at: datetime | None = None
    triggered_at: datetime | None = None
    note: str | None = None
    kind: AlertKind = AlertKind.PRICE
    indicator: Indicator | None = None
    timeframe: str | None = None
    indicator_period: int | None = None
    repeat: bool = False
    cooldown: timedelta = timedelta(0)
    hysteresis_percent: Decimal | None = None
    expires_at: datetime | None = None
    armed: bool = True
    is_active: bool = True
    trigger_count: int = 0

    @property
    def period(self) -> int:
        if self.indicator_period:
            return self.indicator_period
        return DEFAULT_INDICATOR_PERIODS.get(self.indicator, 14) if self.indicator else 14

    @property
    def series_key(self) -> tuple[str, str, str, int] | None:
        """Indicator alerts sharing this key share one computation per candle close."""
        if self.kind is not AlertKind.INDICATOR or self.indicator is None:
            return None
        return (self.symbol, self.timeframe or DEFAULT_INDICATOR_TIMEFRAME, self.indicator.value, self.period)


@dataclass(frozen=True, slots=True)
class AlertTrigger:
    alert: Alert
    price: Decimal
    # For move alerts: the price at the start of the window and the signed change in percent.
    window_start_price: Decimal | None = None
    change_percent: Decimal | None = None
    # For indicator alerts: the indicator's value on the closed candle, and that candle's open.
    indicator_value: Decimal | None = None
    candle_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What one observation does to an alert: fire it, re-arm it, retire it (or nothing)."""

    fired: bool
    armed: bool
    active: bool


def direction_for_target(target: Decimal, current: Decimal) -> AlertCondition:
    """'Tell me when BTC hits 70k': above if 70k is above the current price, else below."""
    return AlertCondition.ABOVE if target > current else AlertCondition.BELOW


def crossed(condition: AlertCondition, level: Decimal, value: Decimal) -> bool:
    if condition is AlertCondition.ABOVE:
        return value >= level
    if condition is AlertCondition.BELOW:
        return value <= level
    return False


def level_reached(alert: Alert, price: Decimal) -> bool:
    return alert.target_price is not None and crossed(alert.condition, alert.target_price, price)


def rearm_level(alert: Alert) -> Decimal | None:
    """Where a fired repeating level alert's value must come back to before it may fire again."""
    if alert.target_price is None:
        return None
    margin = alert.target_price * (alert.hysteresis_percent or Decimal(0)) / Decimal(100)
    return alert.target_price - margin if alert.condition is AlertCondition.ABOVE else alert.target_price + margin


def rearmed(alert: Alert, value: Decimal) -> bool:
    level = rearm_level(alert)
    if level is None or alert.target_price is None:
        return False
    if alert.condition is AlertCondition.ABOVE:
        return value <= level and value < alert.target_price
    return value >= level and value > alert.target_price


def expired(alert: Alert, now: datetime) -> bool:
    return alert.expires_at is not None and now >= alert.expires_at


def cooling_down(alert: Alert, now: datetime) -> bool:
    return alert.triggered_at is not None and now - alert.triggered_at < alert.cooldown


def fire(alert: Alert) -> Step:
    """A one-shot alert is done; a repeating one waits to be re-armed."""
    return Step(fired=True, armed=False, active=alert.repeat)


def step_level(alert: Alert, value: Decimal, now: datetime) -> Step | None:
    """A level alert (price, or an indicator's value) observing ``value``; None: nothing changes."""
    if expired(alert, now):
        return Step(fired=False, armed=alert.armed, active=False)
    if not alert.armed:
        return Step(fired=False, armed=True, active=True) if alert.repeat and rearmed(alert, value) else None
    if level_reached(alert, value) and not cooling_down(alert, now):
        return fire(alert)
    return None


def step_event(alert: Alert, happened: bool, now: datetime) -> Step | None:
    """An alert on a crossing event (MACD, moving average, Bollinger): the event re-arms by itself."""
    if expired(alert, now):
        return Step(fired=False, armed=alert.armed, active=False)
    if happened and not cooling_down(alert, now):
        return Step(fired=True, armed=True, active=alert.repeat)
    return None


def watch_level(alert: Alert) -> tuple[Decimal, bool] | None:
    """The level an index must watch for this alert, and whether the value rising to it matters
    (True) or falling to it (False); None when no value can change the alert's state."""
    if not alert.is_active or alert.target_price is None:
        return None
    if alert.armed:
        return alert.target_price, alert.condition is AlertCondition.ABOVE
    if not alert.repeat:
        return None
    level = rearm_level(alert)
    return (level, alert.condition is not AlertCondition.ABOVE) if level is not None else None


def percent_move(start: Decimal, current: Decimal) -> Decimal:
    return (current - start) / start * Decimal(100)


def move_reached(alert: Alert, window_start_price: Decimal, price: Decimal) -> Decimal | None:
    """The signed change when its size reaches the alert's threshold (either direction)."""
    if alert.percent_change is None or window_start_price <= 0:
        return None
    change = percent_move(window_start_price, price)
    return change if abs(change) >= alert.percent_change else None


class AlertOwnerRef(Protocol):
    telegram_user_id: uuid.UUID
    user_id: uuid.UUID | None


class AlertStore(Protocol):
    async def add(self, owner: Any, symbol: str, condition: AlertCondition, **fields: Any) -> Alert: ...
    async def count_active(self, owner: Any) -> int: ...
    async def list_active(self, owner: Any, symbol: str | None = None) -> list[Alert]: ...
    async def delete(self, owner: Any, alert_ids: list[uuid.UUID]) -> int: ...
    async def watched_symbols(self) -> list[str]: ...
    async def lock_active(self, alert_ids: list[uuid.UUID]) -> list[tuple[Alert, Any]]: ...
    async def record_step(self, alert: Alert, step: Step, price: Decimal, at: datetime) -> None: ...
    async def configure(self, alert_id: uuid.UUID, **changes: Any) -> None: ...


class NotificationQueue(Protocol):
    async def enqueue(self, telegram_user_id: uuid.UUID, notification_type: str, payload: dict[str, Any], *,
                      user_id: uuid.UUID | None = None, dedup_key: str | None = None, priority: int = 0) -> bool: ...


class AlertsUnitOfWork(Protocol):
    @property
    def alerts(self) -> AlertStore: ...
    @property
    def notifications(self) -> NotificationQueue: ...
    async def commit(self) -> None: ...
