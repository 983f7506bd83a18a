"""Queued notifications (the outbox's payloads) rendered for delivery, by notification type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render import alerts, signals
from bot.i18n import _, t
from bot.render.numbers import amount, money, price, signed_money
from bot.render.trading import type_label
from domain.enums import OrderType


def order_fill(payload: Mapping[str, Any]) -> str:
    symbol = escape(str(payload.get("symbol", "")))
    base, _sep, quote = str(payload.get("symbol", "/")).partition("/")
    order = _order_kind(payload)
    if payload.get("status") == "expired":
        if payload.get("reason"):
            return t("⌛ Your {order} order on {symbol} expired: {reason}.", order=order, symbol=symbol,
                     reason=escape(_(str(payload["reason"])).rstrip(".")))
        return t("⌛ Your {order} order on {symbol} expired.", order=order, symbol=symbol)
    if payload.get("status") == "rejected":
        line = t("❌ Your {order} order on {symbol} was refused: {reason}.", order=order, symbol=symbol,
                 reason=escape(_(str(payload.get("reason") or "")).rstrip(".")) or "?")
        return f"🔴 LIVE · {escape(str(payload['live_account']))}\n{line}" if payload.get("live_account") else line
    filled = amount(Decimal(payload["filled_quantity"]), base) if payload.get("filled_quantity") else "?"
    at = price(Decimal(payload["average_fill_price"]), market=str(payload.get("symbol", ""))) if payload.get("average_fill_price") else "?"
    if payload.get("status") == "filled":
        lines = [t("✅ {order} {amount} on {symbol} filled at {price}.", order=order, amount=filled, symbol=symbol,
                   price=at)]
    else:
        lines = [t("✅ {order} {amount} on {symbol} partly filled at {price}.", order=order, amount=filled,
                   symbol=symbol, price=at)]
    if payload.get("live_account"):
        lines.insert(0, f"🔴 LIVE · {escape(str(payload['live_account']))}")
    if payload.get("fee"):
        lines.append(t("Fee: {money}", money=money(Decimal(payload["fee"]), str(payload.get("fee_currency") or ""))))
    if payload.get("realized_pnl") is not None:
        lines.append(t("Realized PnL: {money}", money=signed_money(Decimal(payload["realized_pnl"]), quote or None)))
    if payload.get("position_closed"):
        lines.append(_("The position is closed."))
    return "\n".join(lines)


def _order_kind(payload: Mapping[str, Any]) -> str:
    """``Limit BUY``: the order's type and side as the user reads them."""
    try:
        kind = type_label(OrderType(str(payload.get("order_type", ""))))
    except ValueError:
        kind = escape(str(payload.get("order_type", "")).replace("_", " "))
    side = _("BUY") if str(payload.get("side", "")).lower() == "buy" else _("SELL")
    return f"{kind} {side}"


def live_follow_up_failed(payload: Mapping[str, Any]) -> str:
    """A live signal's follow-up the exchange kept refusing: the bot has stopped trying it."""
    symbol = escape(str(payload.get("symbol", "")))
    action = payload.get("action")
    if action == "protect":
        what = t("The stop and targets of your filled signal entry on {symbol} could not be placed.", symbol=symbol)
    elif action == "stop":
        what = t("The stop of your signal on {symbol} could not be moved.", symbol=symbol)
    else:
        what = t("The orders left over from your closed signal on {symbol} could not be cancelled.", symbol=symbol)
    return "\n".join([
        f"🔴 LIVE · {escape(str(payload.get('live_account', '')))}",
        "⚠️ " + what,
        t("The exchange refused it {attempts} times, so the bot has stopped trying.",
          attempts=int(payload.get("attempts", 0))),
        _("Check this signal's orders on the exchange yourself, and reconnect your API keys if they were "
          "revoked or changed."),
    ])


def daily_summary(payload: Mapping[str, Any]) -> str:
    return str(payload.get("text", ""))  # composed (and escaped) when it was queued


RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "price_alert": alerts.fired,
    "signal_update": signals.progress,
    "order_fill": order_fill,
    "daily_summary": daily_summary,
    "live_follow_up_failed": live_follow_up_failed,
}


def render(notification_type: str, payload: Mapping[str, Any]) -> str:
    renderer = RENDERERS.get(notification_type)
    if renderer is None:
        raise ValueError(f"no renderer for notification type {notification_type!r}")
    return renderer(payload)
