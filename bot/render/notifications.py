"""Queued notifications (the outbox's payloads) rendered for delivery, by notification type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render import alerts, signals
from bot.render.numbers import num


def order_fill(payload: Mapping[str, Any]) -> str:
    symbol = escape(str(payload.get("symbol", "")))
    side = str(payload.get("side", "")).upper()
    order_type = str(payload.get("order_type", "")).replace("_", " ")
    base = str(payload.get("symbol", "/")).split("/")[0]
    if payload.get("status") == "expired":
        reason = f": {escape(str(payload['reason']))}" if payload.get("reason") else ""
        return f"⌛ Your {order_type} {side} order on {symbol} expired{reason}."
    filled = num(Decimal(payload["filled_quantity"])) if payload.get("filled_quantity") else "?"
    price = num(Decimal(payload["average_fill_price"])) if payload.get("average_fill_price") else "?"
    state = "filled" if payload.get("status") == "filled" else "partly filled"
    lines = [f"✅ {order_type.capitalize()} {side} {filled} {escape(base)} on {symbol} {state} at {price}."]
    if payload.get("live_account"):
        lines.insert(0, f"🔴 LIVE · {escape(str(payload['live_account']))}")
    if payload.get("fee"):
        lines.append(f"Fee: {num(Decimal(payload['fee']))} {escape(str(payload.get('fee_currency') or ''))}")
    if payload.get("realized_pnl") is not None:
        lines.append(f"Realized PnL: {num(Decimal(payload['realized_pnl']))}")
    if payload.get("position_closed"):
        lines.append("The position is closed.")
    return "\n".join(lines)


def daily_summary(payload: Mapping[str, Any]) -> str:
    return str(payload.get("text", ""))  # composed (and escaped) when it was queued


RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "price_alert": alerts.fired,
    "signal_update": signals.progress,
    "order_fill": order_fill,
    "daily_summary": daily_summary,
}


def render(notification_type: str, payload: Mapping[str, Any]) -> str:
    renderer = RENDERERS.get(notification_type)
    if renderer is None:
        raise ValueError(f"no renderer for notification type {notification_type!r}")
    return renderer(payload)
