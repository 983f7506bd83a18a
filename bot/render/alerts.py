"""Alerts as HTML: confirmations, lists, and the notification when one fires."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render.numbers import num, pct
from domain.alerts import Alert
from domain.enums import AlertCondition
from domain.services.alerts import CreatedAlert, short_id


def describe(alert: Alert) -> str:
    if alert.condition is AlertCondition.PERCENT_CHANGE:
        return f"{escape(alert.symbol)} moves {num(alert.percent_change)}% within {escape(alert.window or '1h')}"
    return f"{escape(alert.symbol)} {alert.condition.value} {num(alert.target_price)}"


def created(result: CreatedAlert) -> str:
    return (
        f"🔔 Alert set: <b>{describe(result.alert)}</b>\n"
        f"Now {num(result.current_price)}. I will message you when it happens "
        f"(id <code>{short_id(result.alert.id)}</code>)."
    )


def listing(alerts: Sequence[Alert]) -> str:
    if not alerts:
        return "You have no active alerts. Try <i>alert me when BTC goes above 70k</i>."
    lines = [f"<b>Your alerts</b> ({len(alerts)})"]
    lines += [f"{i}. {describe(a)} · <code>{short_id(a.id)}</code>" for i, a in enumerate(alerts, start=1)]
    lines.append("Delete one with its button, or <i>delete alert 2</i>.")
    return "\n".join(lines)


def deleted(alerts: Sequence[Alert]) -> str:
    if len(alerts) == 1:
        return f"🗑 Deleted the alert: {describe(alerts[0])}."
    return f"🗑 Deleted {len(alerts)} alerts:\n" + "\n".join(f"• {describe(a)}" for a in alerts)


def fired(payload: Mapping[str, Any]) -> str:
    """The notification for a ``price_alert`` queued by the alert service."""
    symbol = escape(str(payload.get("symbol", "")))
    price = num(Decimal(payload["price"]))
    if payload.get("condition") == AlertCondition.PERCENT_CHANGE.value:
        change = Decimal(payload["change_percent"]) if payload.get("change_percent") else None
        return (
            f"🔔 <b>{symbol}</b> moved {pct(change)} within {escape(str(payload.get('window') or '1h'))}: "
            f"now {price} (from {num(Decimal(payload['window_start_price']))})."
        )
    verb = "rose above" if payload.get("condition") == AlertCondition.ABOVE.value else "fell below"
    return f"🔔 <b>{symbol}</b> {verb} {num(Decimal(payload['target_price']))}: now {price}."
