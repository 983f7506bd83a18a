"""Quiet hours: local hours when only urgent notifications are delivered; the rest wait for morning.

``start`` and ``end`` are local hours (0-23); [start, end) may wrap midnight (23 -> 7). Equal
hours, or none, mean no quiet hours. Urgency is the user's choice among the kinds below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The kinds a user may mark urgent, in display order.
URGENT_KINDS: dict[str, str] = {
    "stop_loss": "Stop-loss hit",
    "price_alerts": "Price alerts",
    "order_fills": "Order fills",
    "signal_updates": "Signal updates",
}
DEFAULT_URGENT = ("stop_loss",)
DEFAULT_SUMMARY_HOUR = 8


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def notification_kind(notification_type: str, payload: Mapping[str, Any]) -> str:
    """The urgency kind of a queued notification: a fill caused by a stop-loss is its own kind."""
    if notification_type == "order_fill":
        return "stop_loss" if payload.get("source") == "stop_loss" else "order_fills"
    return {"price_alert": "price_alerts", "signal_update": "signal_updates"}.get(notification_type, notification_type)


def quiet_until(now: datetime, timezone: str | None, start: int | None, end: int | None) -> datetime | None:
    """When the user's current quiet hours end (UTC), or None when ``now`` is not in them."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone(timezone))
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning = (local + timedelta(days=1)).replace(hour=end, minute=0, second=0, microsecond=0)
    # Rebuild from the wall-clock time so a DST change in between lands on the right hour.
    return datetime.combine(morning.date(), morning.timetz().replace(tzinfo=None), zone(timezone)).astimezone(UTC)


def held_until(now: datetime, kind: str, urgent: list[str] | tuple[str, ...], timezone: str | None,
               start: int | None, end: int | None) -> datetime | None:
    """When a notification of ``kind`` may go out, if it must wait; None to send it now."""
    if kind in urgent:
        return None
    return quiet_until(now, timezone, start, end)
