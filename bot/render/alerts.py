"""Alerts as HTML: confirmations, lists, and the notification when one fires."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.i18n import N_, _, t, tn
from bot.render.numbers import number, percent, price
from domain.alerts import Alert, AlertKind
from domain.enums import AlertCondition
from domain.services.alerts import CreatedAlert, short_id

INDICATOR_EVENTS = {
    ("macd", "above"): N_("MACD crosses above its signal line"),
    ("macd", "below"): N_("MACD crosses below its signal line"),
    ("bollinger", "above"): N_("closes above the upper Bollinger band"),
    ("bollinger", "below"): N_("closes below the lower Bollinger band"),
}
CONDITIONS = {"above": N_("above"), "below": N_("below")}


def _condition_word(condition: str) -> str:
    return _(CONDITIONS[condition]) if condition in CONDITIONS else escape(condition)


def _indicator_condition(indicator: str, condition: str, period: int | None, level: Decimal | None) -> str:
    if (indicator, condition) in INDICATOR_EVENTS:
        return _(INDICATOR_EVENTS[(indicator, condition)]) + (f" ({period})" if period and indicator == "bollinger" else "")
    if indicator in ("ema", "sma"):
        average = f"{indicator.upper()} {period or ''}".rstrip()
        return (t("crosses above the {average}", average=average) if condition == "above"
                else t("crosses below the {average}", average=average))
    name = f"{indicator.upper()}{f' {period}' if period and period != 14 else ''}"
    return f"{name} {_condition_word(condition)} {number(level, 2)}"


def _until(moment: datetime) -> str:
    return t("until {time} UTC", time=f"{moment:%Y-%m-%d %H:%M}")


def describe(alert: Alert) -> str:
    symbol = escape(alert.symbol)
    if alert.kind is AlertKind.MOVE:
        text = t("{symbol} moves {percent} within {window}", symbol=symbol, percent=percent(alert.percent_change),
                 window=escape(alert.window or "1h"))
    elif alert.kind is AlertKind.INDICATOR and alert.indicator is not None:
        condition = _indicator_condition(alert.indicator.value, alert.condition.value, alert.period,
                                         alert.target_price)
        text = f"{symbol} {escape(alert.timeframe or '1h')}: {condition}"
    elif alert.condition is AlertCondition.ABOVE:
        text = t("{symbol} above {price}", symbol=symbol, price=price(alert.target_price, market=alert.symbol))
    else:
        text = t("{symbol} below {price}", symbol=symbol, price=price(alert.target_price, market=alert.symbol))
    extras = []
    if alert.repeat and alert.kind is not AlertKind.MOVE:
        extras.append(t("repeats, every {duration} at most", duration=_duration(alert.cooldown)) if alert.cooldown
                      else _("repeats"))
    if alert.expires_at is not None:
        extras.append(_until(alert.expires_at))
    return text + (f" ({'; '.join(extras)})" if extras else "")


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 60:
        return tn("{n} h", "{n} h", minutes // 60)
    return tn("{n} min", "{n} min", minutes)


def created(result: CreatedAlert) -> str:
    alert = result.alert
    now = t("Now {price}", price=price(result.current_price, market=alert.symbol))
    if alert.kind is AlertKind.INDICATOR and result.indicator_value is not None and alert.indicator is not None:
        now = t("{indicator} {timeframe} is {value}", indicator=alert.indicator.value.upper(),
                timeframe=escape(alert.timeframe or "1h"), value=number(result.indicator_value, 1))
    if alert.kind is AlertKind.INDICATOR:
        return t("🔔 Alert set: <b>{alert}</b>\n{now}. I will message you when a candle closes on it "
                 "(id <code>{id}</code>).", alert=describe(alert), now=now, id=short_id(alert.id))
    return t("🔔 Alert set: <b>{alert}</b>\n{now}. I will message you when it happens (id <code>{id}</code>).",
             alert=describe(alert), now=now, id=short_id(alert.id))


def configured(alert: Alert) -> str:
    """The toast after an option button: short, plain text."""
    head = _("Repeats") if alert.repeat else _("Fires once")
    return head + (", " + _until(alert.expires_at) if alert.expires_at else "")


def listing(alerts: Sequence[Alert]) -> str:
    if not alerts:
        return _("You have no active alerts. Try <i>alert me when BTC goes above 70k</i>.")
    lines = [t("<b>Your alerts</b> ({count})", count=len(alerts))]
    lines += [f"{i}. {describe(a)} · <code>{short_id(a.id)}</code>" for i, a in enumerate(alerts, start=1)]
    # The example names an alert that exists: the last one listed.
    lines.append(t("Delete one with its button, or <i>delete alert {number}</i>.", number=len(alerts)))
    return "\n".join(lines)


def deleted(alerts: Sequence[Alert]) -> str:
    if len(alerts) == 1:
        return t("🗑 Deleted the alert: {alert}.", alert=describe(alerts[0]))
    return tn("🗑 Deleted {n} alert:", "🗑 Deleted {n} alerts:", len(alerts)) + "\n" + "\n".join(
        f"• {describe(a)}" for a in alerts
    )


def fired(payload: Mapping[str, Any]) -> str:
    """The notification for a ``price_alert`` queued by the alert service."""
    symbol = escape(str(payload.get("symbol", "")))
    now = price(Decimal(payload["price"]), market=str(payload.get("symbol", "")))
    if payload.get("condition") == AlertCondition.PERCENT_CHANGE.value:
        change = Decimal(payload["change_percent"]) if payload.get("change_percent") else None
        return t(
            "🔔 <b>{symbol}</b> moved {percent} within {window}: now {price} (from {start}).",
            symbol=symbol, percent=percent(change, signed=True), window=escape(str(payload.get("window") or "1h")),
            price=now, start=price(Decimal(payload["window_start_price"]), market=str(payload.get("symbol", ""))),
        )
    if payload.get("kind") == AlertKind.INDICATOR.value and payload.get("indicator"):
        level = Decimal(payload["target_price"]) if payload.get("target_price") else None
        condition = _indicator_condition(str(payload["indicator"]), str(payload.get("condition")),
                                         payload.get("indicator_period"), level)
        value = payload.get("indicator_value")
        reading = f" ({escape(str(payload['indicator']).upper())} {number(Decimal(value), 2)})" if value else ""
        return (f"🔔 <b>{symbol}</b> {escape(str(payload.get('timeframe') or '1h'))}: {condition}{reading}. "
                + t("Close {price}.", price=now))
    target = price(Decimal(payload["target_price"]), market=str(payload.get("symbol", "")))
    if payload.get("condition") == AlertCondition.ABOVE.value:
        return t("🔔 <b>{symbol}</b> rose above {target}: now {price}.", symbol=symbol, target=target, price=now)
    return t("🔔 <b>{symbol}</b> fell below {target}: now {price}.", symbol=symbol, target=target, price=now)
