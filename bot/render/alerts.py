"""Alerts as HTML: confirmations, lists, and the notification when one fires."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render.numbers import num, pct
from domain.alerts import Alert, AlertKind
from domain.enums import AlertCondition
from domain.services.alerts import CreatedAlert, short_id


INDICATOR_EVENTS = {
    ("macd", "above"): "MACD crosses above its signal line",
    ("macd", "below"): "MACD crosses below its signal line",
    ("bollinger", "above"): "closes above the upper Bollinger band",
    ("bollinger", "below"): "closes below the lower Bollinger band",
}


def _indicator_condition(indicator: str, condition: str, period: int | None, level: Decimal | None) -> str:
    if (indicator, condition) in INDICATOR_EVENTS:
        return INDICATOR_EVENTS[(indicator, condition)] + (f" ({period})" if period and indicator == "bollinger" else "")
    if indicator in ("ema", "sma"):
        return f"crosses {condition} the {indicator.upper()} {period or ''}".rstrip()
    return f"{indicator.upper()}{f' {period}' if period and period != 14 else ''} {condition} {num(level)}"


def describe(alert: Alert) -> str:
    if alert.kind is AlertKind.MOVE:
        text = f"{escape(alert.symbol)} moves {num(alert.percent_change)}% within {escape(alert.window or '1h')}"
    elif alert.kind is AlertKind.INDICATOR and alert.indicator is not None:
        condition = _indicator_condition(alert.indicator.value, alert.condition.value, alert.period,
                                         alert.target_price)
        text = f"{escape(alert.symbol)} {escape(alert.timeframe or '1h')}: {condition}"
    else:
        text = f"{escape(alert.symbol)} {alert.condition.value} {num(alert.target_price)}"
    extras = []
    if alert.repeat and alert.kind is not AlertKind.MOVE:
        extras.append("repeats" + (f", every {_duration(alert.cooldown)} at most" if alert.cooldown else ""))
    if alert.expires_at is not None:
        extras.append(f"until {alert.expires_at:%Y-%m-%d %H:%M} UTC")
    return text + (f" ({'; '.join(extras)})" if extras else "")


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} min"


def created(result: CreatedAlert) -> str:
    alert = result.alert
    now = f"Now {num(result.current_price)}"
    if alert.kind is AlertKind.INDICATOR and result.indicator_value is not None and alert.indicator is not None:
        now = f"{alert.indicator.value.upper()} {escape(alert.timeframe or '1h')} is {num(round(result.indicator_value, 1))}"
    when = "when a candle closes on it" if alert.kind is AlertKind.INDICATOR else "when it happens"
    return (
        f"🔔 Alert set: <b>{describe(alert)}</b>\n"
        f"{now}. I will message you {when} "
        f"(id <code>{short_id(alert.id)}</code>)."
    )


def configured(alert: Alert) -> str:
    """The toast after an option button: short, plain text."""
    return ("Repeats" if alert.repeat else "Fires once") + (
        f", until {alert.expires_at:%Y-%m-%d %H:%M} UTC" if alert.expires_at else "")


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
    if payload.get("kind") == AlertKind.INDICATOR.value and payload.get("indicator"):
        level = Decimal(payload["target_price"]) if payload.get("target_price") else None
        condition = _indicator_condition(str(payload["indicator"]), str(payload.get("condition")),
                                         payload.get("indicator_period"), level)
        value = payload.get("indicator_value")
        reading = f" ({escape(str(payload['indicator']).upper())} {num(Decimal(value))})" if value else ""
        return (f"🔔 <b>{symbol}</b> {escape(str(payload.get('timeframe') or '1h'))}: {condition}{reading}. "
                f"Close {price}.")
    verb = "rose above" if payload.get("condition") == AlertCondition.ABOVE.value else "fell below"
    return f"🔔 <b>{symbol}</b> {verb} {num(Decimal(payload['target_price']))}: now {price}."
