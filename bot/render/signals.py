"""Signals as HTML: what the bot read from a post, follow-up results, and progress notifications."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render.numbers import num, pct
from domain.signals import FollowedSignal, TradeSignal


def _levels(values: tuple[Decimal, ...]) -> str:
    return " / ".join(num(v) for v in values) if values else "—"


def understood(signal: TradeSignal, *, confidence: float, source: str | None, extras: Mapping[str, Any]) -> str:
    direction = "🟢 LONG" if signal.side.value == "buy" else "🔴 SHORT"
    lines = [f"<b>Signal read: {escape(signal.symbol)} {direction}</b>"]
    if source:
        lines.append(f"From {escape(source)}")
    entry = "market (CMP)" if signal.entry_at_market and not signal.entries else _levels(signal.entries)
    lines.append(f"Entry: {entry}{' + market' if signal.entry_at_market and signal.entries else ''}")
    lines.append(f"Targets: {_levels(signal.take_profits)}")
    lines.append(f"Stop-loss: {num(signal.stop_loss) if signal.stop_loss is not None else '— (none given)'}")
    if signal.leverage is not None:
        leverage = f"{num(signal.leverage)}x"
        if extras.get("leverage_max"):
            leverage += f"–{num(Decimal(str(extras['leverage_max'])))}x"
        if extras.get("margin_mode"):
            leverage += f" {escape(str(extras['margin_mode']))}"
        lines.append(f"Leverage: {leverage}")
    if signal.exchange:
        lines.append(f"Exchange: {escape(signal.exchange)}")
    if confidence < 0.8:
        lines.append("⚠️ Some levels look inconsistent: check them against the post before trading.")
    lines.append("\nFollow it to be told when targets or the stop are reached, or trade it (you confirm first).")
    return "\n".join(lines)


def followed(item: FollowedSignal) -> str:
    signal = item.signal
    return (
        f"👀 Following {escape(signal.symbol)} {'long' if signal.side.value == 'buy' else 'short'}: "
        f"{len(signal.take_profits)} target(s), stop {num(signal.stop_loss)}. I will message you as it plays out."
    )


def progress(payload: Mapping[str, Any]) -> str:
    """The ``signal_update`` notification queued when a followed signal reaches a level."""
    symbol = escape(str(payload.get("symbol", "")))
    source = f" ({escape(str(payload['source_name']))})" if payload.get("source_name") else ""
    gain = Decimal(payload["pnl_percent"]) if payload.get("pnl_percent") else None
    if payload.get("event") == "sl_hit":
        return f"🛑 <b>{symbol}</b>{source}: stop-loss {num(Decimal(payload['level']))} hit at {num(Decimal(payload['price']))} ({pct(gain)})."
    return (
        f"🎯 <b>{symbol}</b>{source}: target {payload.get('target_index')}/{payload.get('targets_total')} "
        f"({num(Decimal(payload['level']))}) reached at {num(Decimal(payload['price']))} ({pct(gain)})."
    )
