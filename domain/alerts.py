"""Price alerts: when to fire, in pure functions over plain values.

An alert is either a level ("SOL below 120", "BTC reaches 70k") or a move ("ETH moves 5% in an
hour"). A level alert whose direction the user did not say takes it from the price at creation:
a target above the current price waits for the price to rise to it, and the other way round.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from domain.enums import AlertCondition
from domain.timeframes import TIMEFRAMES
from domain.timeframes import TIMEFRAMES

# A move window takes the candle sizes of the NLP contract.
WINDOWS = TIMEFRAMES


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


@dataclass(frozen=True, slots=True)
class AlertTrigger:
    alert: Alert
    price: Decimal
    # For move alerts: the price at the start of the window and the signed change in percent.
    window_start_price: Decimal | None = None
    change_percent: Decimal | None = None


def direction_for_target(target: Decimal, current: Decimal) -> AlertCondition:
    """'Tell me when BTC hits 70k': above if 70k is above the current price, else below."""
    return AlertCondition.ABOVE if target > current else AlertCondition.BELOW


def level_reached(alert: Alert, price: Decimal) -> bool:
    if alert.target_price is None:
        return False
    if alert.condition is AlertCondition.ABOVE:
        return price >= alert.target_price
    if alert.condition is AlertCondition.BELOW:
        return price <= alert.target_price
    return False


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
    async def add(self, owner: Any, symbol: str, condition: AlertCondition, *, target_price: Decimal | None = None,
                  percent_change: Decimal | None = None, window: str | None = None,
                  reference_price: Decimal | None = None, ai_command_id: uuid.UUID | None = None,
                  note: str | None = None) -> Alert: ...
    async def count_active(self, owner: Any) -> int: ...
    async def list_active(self, owner: Any, symbol: str | None = None) -> list[Alert]: ...
    async def delete(self, owner: Any, alert_ids: list[uuid.UUID]) -> int: ...
    async def watched_symbols(self) -> list[str]: ...
    async def active_for_symbol(self, symbol: str) -> list[tuple[Alert, Any]]: ...
    async def mark_triggered(self, alert_id: uuid.UUID, price: Decimal, at: datetime, *, keep_active: bool) -> None: ...


class NotificationQueue(Protocol):
    async def enqueue(self, telegram_user_id: uuid.UUID, notification_type: str, payload: dict[str, Any], *,
                      user_id: uuid.UUID | None = None, dedup_key: str | None = None, priority: int = 0) -> bool: ...


class AlertsUnitOfWork(Protocol):
    @property
    def alerts(self) -> AlertStore: ...
    @property
    def notifications(self) -> NotificationQueue: ...
    async def commit(self) -> None: ...
