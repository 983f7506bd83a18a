"""Alert service: set, list and delete price alerts, and fire them as prices arrive.

Firing writes the trigger and queues the user's notification in one transaction, so an alert is
never marked fired without its message, nor announced twice (the queue's dedup key).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from domain.alerts import (
    WINDOWS,
    Alert,
    AlertsUnitOfWork,
    AlertTrigger,
    direction_for_target,
    level_reached,
    move_reached,
)
from domain.enums import AlertCondition
from domain.errors import DomainError

MAX_ACTIVE_ALERTS_PER_USER = 50


class AlertLimitReached(DomainError):
    default_message = f"You already have {MAX_ACTIVE_ALERTS_PER_USER} active alerts. Delete some first."


class InvalidAlert(DomainError):
    default_message = "That alert is not valid."


class AlertNotFound(DomainError):
    default_message = "I could not find that alert. Send 'my alerts' to see them."


class PriceSource(Protocol):
    async def current_price(self, symbol: str) -> Decimal: ...
    async def price_at(self, symbol: str, when: datetime) -> Decimal | None: ...


@dataclass(frozen=True, slots=True)
class CreatedAlert:
    alert: Alert
    current_price: Decimal


def short_id(alert_id: uuid.UUID) -> str:
    """What users see and type to delete an alert."""
    return alert_id.hex[:6]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AlertService:
    def __init__(
        self,
        prices: PriceSource,
        *,
        max_active_per_user: int = MAX_ACTIVE_ALERTS_PER_USER,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._prices = prices
        self._max_active = max_active_per_user
        self._clock = clock

    async def create(
        self,
        uow: AlertsUnitOfWork,
        owner: Any,
        symbol: str,
        *,
        condition: AlertCondition | None = None,
        target_price: Decimal | None = None,
        percent_change: Decimal | None = None,
        window: str | None = None,
        ai_command_id: uuid.UUID | None = None,
    ) -> CreatedAlert:
        if await uow.alerts.count_active(owner) >= self._max_active:
            raise AlertLimitReached()
        # Also proves the symbol is tradable: an unknown pair fails here with a clear message.
        current = await self._prices.current_price(symbol)
        if percent_change is not None:
            if percent_change <= 0:
                raise InvalidAlert("The move must be a positive percentage, like 5%.")
            window = window or "1h"
            if window not in WINDOWS:
                raise InvalidAlert(f"I can watch moves over {', '.join(WINDOWS)}.")
            alert = await uow.alerts.add(
                owner, symbol, AlertCondition.PERCENT_CHANGE, percent_change=percent_change, window=window,
                reference_price=current, ai_command_id=ai_command_id,
            )
        else:
            if target_price is None or target_price <= 0:
                raise InvalidAlert("Tell me the price level, e.g. 'alert me when BTC goes above 70k'.")
            condition = condition or direction_for_target(target_price, current)
            if level_reached(Alert(uuid.uuid4(), symbol, condition, target_price), current):
                raise InvalidAlert(
                    f"{symbol} is already {condition.value} {target_price} (now {current}); "
                    "the alert would fire at once."
                )
            alert = await uow.alerts.add(
                owner, symbol, condition, target_price=target_price, reference_price=current,
                ai_command_id=ai_command_id,
            )
        await uow.commit()
        return CreatedAlert(alert, current)

    async def list(self, uow: AlertsUnitOfWork, owner: Any, symbol: str | None = None) -> list[Alert]:
        return await uow.alerts.list_active(owner, symbol)

    async def delete(
        self, uow: AlertsUnitOfWork, owner: Any, *, alert_ref: str | None = None, symbol: str | None = None
    ) -> list[Alert]:
        """Delete by short id (or position in the user's list), or every alert on a symbol."""
        alerts = await uow.alerts.list_active(owner, symbol if alert_ref is None else None)
        if alert_ref is not None:
            alerts = _match_reference(alerts, alert_ref.strip().lstrip("#").lower())
        if not alerts:
            raise AlertNotFound()
        await uow.alerts.delete(owner, [a.id for a in alerts])
        await uow.commit()
        return alerts

    async def check(self, uow: AlertsUnitOfWork, symbol: str, price: Decimal) -> list[AlertTrigger]:
        """Fire the alerts on ``symbol`` that ``price`` satisfies; commits triggers with their messages."""
        now = self._clock()
        triggers: list[tuple[AlertTrigger, Any]] = []
        for alert, owner in await uow.alerts.active_for_symbol(symbol):
            trigger = await self._evaluate(alert, price, now)
            if trigger is not None:
                triggers.append((trigger, owner))
        for trigger, owner in triggers:
            alert = trigger.alert
            # Move alerts keep watching (with a cool-down of one window); level alerts are done.
            keep_active = alert.condition is AlertCondition.PERCENT_CHANGE
            await uow.alerts.mark_triggered(alert.id, price, now, keep_active=keep_active)
            await uow.notifications.enqueue(
                owner.telegram_user_id,
                "price_alert",
                _payload(trigger),
                user_id=owner.user_id,
                dedup_key=f"alert:{alert.id}:{now:%Y%m%d%H%M}",
                priority=1,
            )
        if triggers:
            await uow.commit()
        return [t for t, _ in triggers]

    async def _evaluate(self, alert: Alert, price: Decimal, now: datetime) -> AlertTrigger | None:
        if alert.condition is not AlertCondition.PERCENT_CHANGE:
            return AlertTrigger(alert, price) if level_reached(alert, price) else None
        window = WINDOWS[alert.window or "1h"]
        if alert.triggered_at is not None and now - alert.triggered_at < window:
            return None
        start = now - window
        # A move is measured from the window's start, or from when the alert was set if later.
        if alert.created_at is not None and alert.created_at > start:
            start_price = alert.reference_price
        else:
            start_price = await self._prices.price_at(alert.symbol, start)
        if start_price is None:
            return None
        change = move_reached(alert, start_price, price)
        return AlertTrigger(alert, price, start_price, change) if change is not None else None


def _match_reference(alerts: list[Alert], ref: str) -> list[Alert]:
    by_id = [a for a in alerts if a.id.hex.startswith(ref)] if len(ref) >= 4 else []
    if by_id:
        return by_id
    if ref.isdigit() and 1 <= int(ref) <= len(alerts):
        return [alerts[int(ref) - 1]]
    return []


def _payload(trigger: AlertTrigger) -> dict[str, Any]:
    alert = trigger.alert

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "alert_id": str(alert.id),
        "symbol": alert.symbol,
        "condition": alert.condition.value,
        "target_price": text(alert.target_price),
        "percent_change": text(alert.percent_change),
        "window": alert.window,
        "price": str(trigger.price),
        "window_start_price": text(trigger.window_start_price),
        "change_percent": text(None if trigger.change_percent is None else round(trigger.change_percent, 2)),
    }
