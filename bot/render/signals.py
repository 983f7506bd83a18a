"""Signals as HTML: the validation card, an execution, follow-up results, the /signals list,
channel statistics, the signal settings and the progress notifications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.render.numbers import num, pct
from domain.channel_stats import ChannelStats
from domain.services.signals import Execution, SignalUpdateResult, SignalView, UserSignalSettings
from domain.signal_check import SignalCheck
from domain.signal_trade import LegKind, SignalTrade
from domain.signals import FollowedSignal, SignalState, TradeSignal


def _levels(values: Sequence[Decimal]) -> str:
    return " / ".join(num(v) for v in values) if values else "—"


def _direction(signal: TradeSignal) -> str:
    return "🟢 LONG" if signal.side.value == "buy" else "🔴 SHORT"


def _money(value: Decimal | None, quote: str) -> str:
    return "—" if value is None else f"{value:+,.2f} {escape(quote)}"


def card(check: SignalCheck, *, confidence: float, source: str | None) -> str:
    signal = check.signal
    lines = [f"<b>Signal read: {escape(signal.symbol)} {_direction(signal)}</b>"]
    if source:
        lines.append(f"From {escape(source)}")
    if signal.entry_at_market and not signal.entries:
        entry = "market (CMP)"
    elif len(signal.entries) == 2:
        entry = f"{num(signal.entries[0])} – {num(signal.entries[1])}"
    else:
        entry = _levels(signal.entries)
    lines.append(f"Entry: {entry}")
    if check.price is not None:
        zone = {"inside": "inside the entry zone", "market": "entry at market",
                "above": f"{num(check.zone_distance_percent, 2)}% above the zone",
                "below": f"{num(check.zone_distance_percent, 2)}% below the zone"}.get(check.zone, "")
        lines.append(f"Market now: {num(check.price)} ({zone})")
    rr = [f"TP{i} {num(tp)} (R:R {num(r, 2) if r is not None else '—'})"
          for i, (tp, r) in enumerate(zip(signal.take_profits, check.reward_risk), start=1)]
    lines.append("Targets: " + ("; ".join(rr) if rr else "—"))
    stop = "— (none given)" if signal.stop_loss is None else num(signal.stop_loss)
    if check.stop_distance_percent is not None:
        stop += f" ({num(check.stop_distance_percent, 2)}% from entry)"
    lines.append(f"Stop-loss: {stop}")
    if check.market_type == "futures":
        line = (f"Futures: {num(check.leverage)}x {escape(check.margin_mode)}, "
                f"{num(check.margin_per_trade)} USDT margin")
        if check.liquidation_price:
            line += f", liquidation ≈ {num(check.liquidation_price)}"
        elif check.liquidation_price is not None:
            line += ", no liquidation price (the cross wallet covers the whole move to zero)"
        lines.append(line)
    else:
        lines.append(f"Spot: {num(check.margin_per_trade)} USDT")
    if signal.exchange:
        lines.append(f"Exchange in the post: {escape(signal.exchange)}")
    warnings = list(check.warnings)
    if confidence < 0.8:
        warnings.append("Some levels look inconsistent: check them against the post before trading.")
    lines += [f"⚠️ {escape(w)}" for w in warnings]
    lines.append("\nExecute places it on your paper account (entry, every target, the stop); "
                 "Track only follows it by price.")
    return "\n".join(lines)


def followed(item: FollowedSignal) -> str:
    signal = item.signal
    stop = num(signal.stop_loss) if signal.stop_loss is not None else "none"
    head = (f"👀 Tracking {escape(signal.symbol)} {'long' if signal.side.value == 'buy' else 'short'}: "
            f"{len(signal.take_profits)} target(s), stop {stop}. ")
    if item.track.entry_price is not None:
        return head + (f"The market is already at the entry: entered at {num(item.track.entry_price)}. "
                       "I will message you at each target and at the stop. /signals shows it.")
    return head + ("Targets and the stop count once the entry is reached; I will message you at each step. "
                   "/signals shows it.")


def executed(result: Execution) -> str:
    trade, signal = result.trade, result.followed.signal
    kind = (f"futures {num(trade.leverage)}x {trade.margin_mode.value}" if trade.is_futures else "spot")
    lines = [f"✅ <b>Executed {escape(signal.symbol)} {_direction(signal)}</b> on your paper {kind} account."]
    for leg in trade.legs_of(LegKind.ENTRY):
        at = "market" if leg.price is None else f"limit {num(leg.price)}"
        state = f"filled at {num(leg.filled_price)}" if leg.filled_price is not None else "waiting"
        lines.append(f"Entry {leg.index}: {num(leg.quantity)} {escape(trade.base)} at {at} — {state}")
    for leg in trade.legs_of(LegKind.TARGET):
        lines.append(f"TP{leg.index}: {num(leg.quantity)} {escape(trade.base)} at {num(leg.price)}")
    if trade.stop is not None:
        lines.append(f"Stop: {num(trade.stop.price)} (all that is open)")
    if trade.is_futures and trade.size:
        lines.append(f"Margin {num(trade.margin)} {escape(trade.quote)}, liquidation {num(trade.liquidation_price)}")
    lines.append("A repeated tap places nothing. /signals shows its progress.")
    return "\n".join(lines)


def update_result(result: SignalUpdateResult) -> str:
    lines = [f"✅ {escape(result.message)}"]
    if result.changes:
        lines.append("Your paper trade: " + "; ".join(escape(c) for c in result.changes) + ".")
    return "\n".join(lines)


def update_question(result: SignalUpdateResult) -> str:
    return f"❓ {escape(result.message)}\nApply it to your paper trade?"


def _state(item: FollowedSignal) -> str:
    track, total = item.track, len(item.signal.take_profits)
    if track.state == SignalState.WAITING:
        return "⏳ waiting for entry"
    if track.state == SignalState.ENTERED:
        return "▶️ entered"
    if str(track.state).startswith("tp"):
        return f"🎯 TP{track.targets_hit}/{total}"
    labels = {"all_targets": "🏁 all targets", "sl_hit": "🛑 stopped", "breakeven": "⚖️ stopped at entry",
              "liquidated": "💥 liquidated", "closed": "✋ closed", "cancelled": "✖ cancelled", "expired": "⌛ expired"}
    return labels.get(track.outcome or "", str(track.state))


def signal_list(views: Sequence[SignalView]) -> str:
    if not views:
        return ("You follow no signals yet. Forward a signal post from a channel, then tap Execute or "
                "Track only.")
    lines = ["<b>Your signals</b>"]
    for view in views:
        item, signal = view.followed, view.followed.signal
        source = f" · {escape(item.source_name)}" if item.source_name else ""
        head = f"\n<b>{escape(signal.symbol)}</b> {_direction(signal)}{source} — {_state(item)}"
        lines.append(head)
        if item.track.entry_price is not None:
            line = f"Entry {num(item.track.entry_price)}"
            if view.price is not None:
                line += f", {'exit' if not item.is_active else 'now'} {num(view.price)} ({pct(view.result_percent)})"
            lines.append(line)
        elif signal.near_edge is not None:
            lines.append(f"Entry zone {_levels(signal.entries)}" + (f", now {num(view.price)}" if view.price else ""))
        if item.track.stop is not None and item.is_active:
            lines.append(f"Stop {num(item.track.stop)}")
        if view.trade is not None:
            lines.append(_trade_line(view.trade, view.unrealized_pnl))
    return "\n".join(lines)


def _trade_line(trade: SignalTrade, unrealized: Decimal | None) -> str:
    kind = f"{num(trade.leverage)}x {trade.margin_mode.value}" if trade.is_futures else "spot"
    parts = [f"Paper {kind}: realized {_money(trade.realized_pnl, trade.quote)}"]
    if trade.size:
        parts.append(f"open {num(trade.size)} {escape(trade.base)}, unrealized {_money(unrealized, trade.quote)}")
        if trade.is_futures and trade.liquidation_price:
            parts.append(f"liq. {num(trade.liquidation_price)}")
    return ", ".join(parts)


def channel_stats(stats: Sequence[ChannelStats], settings: UserSignalSettings) -> str:
    if not stats:
        return "No forwarded signals yet: forward posts from a channel and I will score it here."
    execution = settings.execution
    lines = ["<b>Channels</b> (signals you forwarded; rates of all signals, targets and stops of entered ones)"]
    for s in stats:
        avg_r = "—" if s.average_r is None else f"{s.average_r:+.2f}R"
        lines.append(
            f"\n<b>{escape(s.source)}</b>: {s.signals} signal(s), {s.open} still open\n"
            f"Entered {num(s.rate(s.entered), 1)}% · TP1 {num(s.rate(s.tp1, s.entered), 1)}% · "
            f"all targets {num(s.rate(s.all_targets, s.entered), 1)}% · stopped {num(s.rate(s.stopped, s.entered), 1)}% · "
            f"expired {num(s.rate(s.expired), 1)}%\n"
            f"Average {avg_r}; executing each with {num(execution.margin_per_trade)} USDT "
            f"(leverage up to {num(execution.max_leverage)}x): {_money(s.simulated_pnl, 'USDT')} "
            f"({pct(s.simulated_percent)} of the margin, fees left out)"
        )
    return "\n".join(lines)


def settings_text(settings: UserSignalSettings) -> str:
    execution, rules = settings.execution, settings.rules
    split = "/".join(num(v) for v in execution.target_split) if execution.target_split else "equal"
    trail = f"from TP{rules.trail_after_target}" if rules.trail_after_target else "off"
    return "\n".join([
        "<b>Signal settings</b>",
        f"Amount per trade: {num(execution.margin_per_trade)} USDT (margin on futures, cost on spot)",
        f"Maximum leverage: {num(execution.max_leverage)}x · margin mode: {execution.margin_mode.value}",
        f"Entry: {'split across the zone' if execution.split_entries else 'one limit at the zone edge'}",
        f"Target split: {split}",
        f"Stop to entry after TP1: {'on' if rules.move_stop_to_entry_after_tp1 else 'off'} · trailing: {trail}",
        f"Entry must be reached within {settings.entry_expiry_hours} h",
        f"Channel follow-ups on executed trades: {'ask me first' if settings.ask_before_follow_ups else 'apply'}",
        "",
        "Change with e.g. <code>/signalsettings amount 250 leverage 10 split 50/30/20 mode cross "
        "breakeven off trail 2 expiry 24 entry split followups ask</code>",
    ])


EVENT_ICONS = {"entered": "▶️", "tp_hit": "🎯", "sl_hit": "🛑", "expired": "⌛", "liquidated": "💥",
               "closed": "✋", "cancelled": "✖"}


def progress(payload: Mapping[str, Any]) -> str:
    """The ``signal_update`` notification queued at each transition of a followed signal."""
    symbol = escape(str(payload.get("symbol", "")))
    source = f" ({escape(str(payload['source_name']))})" if payload.get("source_name") else ""
    event = str(payload.get("event"))
    price = num(Decimal(payload["price"])) if payload.get("price") else "—"
    head = f"{EVENT_ICONS.get(event, '•')} <b>{symbol}</b>{source}: "
    if event == "entered":
        text = head + f"entry reached at {num(Decimal(payload['entry_price']))}."
    elif event == "tp_hit":
        text = head + f"target {payload.get('target_index')}/{payload.get('targets_total')} reached at {price}."
    elif event == "sl_hit":
        text = head + f"stop {num(Decimal(payload['level']))} hit at {price}."
    elif event == "liquidated":
        text = head + f"liquidated at {price}."
    elif event == "expired":
        return head + "the entry was not reached in time; the signal expired and nothing was traded."
    else:
        text = head + f"{event} at {price}."
    if payload.get("result_percent") is not None and event != "entered":
        result = f"Result from entry {num(Decimal(payload['entry_price']))}: {pct(Decimal(payload['result_percent']))}"
        leverage = Decimal(payload.get("leverage") or 1)
        if leverage != 1 and payload.get("leveraged_percent") is not None:
            result += f" ({pct(Decimal(payload['leveraged_percent']))} at {num(leverage)}x)"
        if payload.get("result_r") is not None:
            result += f", {Decimal(payload['result_r']):+.2f}R"
        text += "\n" + result
    if payload.get("new_stop"):
        text += f"\nStop moved to {num(Decimal(payload['new_stop']))}."
    trade = payload.get("trade")
    if trade:
        quote = str(trade.get("quote", ""))
        if trade.get("fill_pnl") is not None and event != "entered":
            text += (f"\nPaper trade: closed {num(Decimal(trade['filled']))} {escape(str(trade['base']))}, "
                     f"{_money(Decimal(trade['fill_pnl']), quote)}; total realized {_money(Decimal(trade['realized_pnl']), quote)}.")
        if Decimal(trade.get("size_left") or 0) > 0:
            text += f"\nStill open: {num(Decimal(trade['size_left']))} {escape(str(trade['base']))}"
            if trade.get("liquidation_price"):
                text += f", liquidation {num(Decimal(trade['liquidation_price']))}"
            text += "."
    return text
