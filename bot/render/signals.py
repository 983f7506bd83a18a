"""Signals as HTML: the validation card, an execution, follow-up results, the /signals list,
channel statistics, the signal settings and the progress notifications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bot.html import escape
from bot.i18n import N_, _, t, tn
from bot.render.numbers import money, number, percent, price, signed_money
from bot.render.phrases import say
from domain.channel_stats import ChannelStats
from domain.services.signals import Execution, SignalUpdateResult, SignalView, UserSignalSettings
from domain.signal_check import SignalCheck
from domain.signal_trade import LegKind, SignalTrade
from domain.signals import FollowedSignal, SignalState, TradeSignal


MARGIN_MODES = {"isolated": N_("isolated"), "cross": N_("cross")}


def margin_mode_label(mode: object) -> str:
    key = str(getattr(mode, "value", mode))
    return _(MARGIN_MODES[key]) if key in MARGIN_MODES else escape(key)


def _levels(values: Sequence[Decimal], market: str | None = None) -> str:
    return " / ".join(price(v, market=market) for v in values) if values else "—"


def _direction(signal: TradeSignal) -> str:
    return "🟢 LONG" if signal.side.value == "buy" else "🔴 SHORT"


def _money(value: Decimal | None, quote: str) -> str:
    return "—" if value is None else signed_money(value, quote)


def _r(value: Decimal) -> str:
    return ("+" if value > 0 else "") + number(value, 2) + "R"


def card(check: SignalCheck, *, confidence: float, source: str | None) -> str:
    signal = check.signal
    lines = [t("<b>Signal read: {symbol} {direction}</b>", symbol=escape(signal.symbol), direction=_direction(signal))]
    if source:
        lines.append(t("From {source}", source=escape(source)))
    if signal.entry_at_market and not signal.entries:
        entry = _("market (CMP)")
    elif len(signal.entries) == 2:
        entry = f"{price(signal.entries[0], market=signal.symbol)} – {price(signal.entries[1], market=signal.symbol)}"
    else:
        entry = _levels(signal.entries, signal.symbol)
    lines.append(t("Entry: {entry}", entry=entry))
    if check.price is not None:
        distance = percent(check.zone_distance_percent) if check.zone_distance_percent is not None else ""
        zone = {"inside": _("inside the entry zone"), "market": _("entry at market"),
                "above": t("{percent} above the zone", percent=distance),
                "below": t("{percent} below the zone", percent=distance)}.get(check.zone, "")
        lines.append(t("Market now: {price} ({zone})", price=price(check.price, market=signal.symbol), zone=zone))
    rr = [f"TP{i} {price(tp, market=signal.symbol)} (R:R {number(r, 2) if r is not None else '—'})"
          for i, (tp, r) in enumerate(zip(signal.take_profits, check.reward_risk), start=1)]
    lines.append(t("Targets: {levels}", levels="; ".join(rr) if rr else "—"))
    stop = _("— (none given)") if signal.stop_loss is None else price(signal.stop_loss, market=signal.symbol)
    if check.stop_distance_percent is not None:
        stop += " " + t("({percent} from entry)", percent=percent(check.stop_distance_percent))
    lines.append(t("Stop-loss: {price}", price=stop))
    if check.market_type == "futures":
        line = t("Futures: {leverage}x {mode}, {margin} margin", leverage=number(check.leverage),
                 mode=margin_mode_label(check.margin_mode), margin=money(check.margin_per_trade, "USDT"))
        if check.liquidation_price:
            line += ", " + t("liquidation ≈ {price}", price=price(check.liquidation_price, market=signal.symbol))
        elif check.liquidation_price is not None:
            line += ", " + _("no liquidation price (the cross wallet covers the whole move to zero)")
        lines.append(line)
    else:
        lines.append(t("Spot: {money}", money=money(check.margin_per_trade, "USDT")))
    if signal.exchange:
        lines.append(t("Exchange in the post: {exchange}", exchange=escape(signal.exchange)))
    warnings = [say(w) for w in check.warnings]
    if confidence < 0.8:
        warnings.append(escape(_("Some levels look inconsistent: check them against the post before trading.")))
    lines += [f"⚠️ {w}" for w in warnings]
    lines.append("\n" + _("Execute places it on your paper account (entry, every target, the stop); "
                          "Track only follows it by price."))
    return "\n".join(lines)


def followed(item: FollowedSignal) -> str:
    signal = item.signal
    stop = price(signal.stop_loss, market=signal.symbol) if signal.stop_loss is not None else _("none")
    targets = tn("{n} target", "{n} targets", len(signal.take_profits))
    head = (t("👀 Tracking {symbol} long: {targets}, stop {stop}.", symbol=escape(signal.symbol), targets=targets,
              stop=stop) if signal.side.value == "buy"
            else t("👀 Tracking {symbol} short: {targets}, stop {stop}.", symbol=escape(signal.symbol),
                   targets=targets, stop=stop)) + " "
    if item.track.entry_price is not None:
        return head + t("The market is already at the entry: entered at {price}. I will message you at each target "
                        "and at the stop. /signals shows it.", price=price(item.track.entry_price, market=signal.symbol))
    return head + _("Targets and the stop count once the entry is reached; I will message you at each step. "
                    "/signals shows it.")


def executed(result: Execution) -> str:
    trade, signal = result.trade, result.followed.signal
    kind = (t("futures {leverage}x {mode}", leverage=number(trade.leverage), mode=margin_mode_label(trade.margin_mode))
            if trade.is_futures else _("spot"))
    lines = [t("✅ <b>Executed {symbol} {direction}</b> on your paper {kind} account.", symbol=escape(signal.symbol),
               direction=_direction(signal), kind=kind)]
    for leg in trade.legs_of(LegKind.ENTRY):
        at = _("market") if leg.price is None else t("limit {price}", price=price(leg.price, market=signal.symbol))
        state = (t("filled at {price}", price=price(leg.filled_price, market=signal.symbol)) if leg.filled_price is not None
                 else _("waiting"))
        lines.append(t("Entry {index}: {amount} {asset} at {at} — {state}", index=leg.index,
                       amount=number(leg.quantity), asset=escape(trade.base), at=at, state=state))
    for leg in trade.legs_of(LegKind.TARGET):
        lines.append(t("TP{index}: {amount} {asset} at {price}", index=leg.index, amount=number(leg.quantity),
                       asset=escape(trade.base), price=price(leg.price, market=signal.symbol)))
    if trade.stop is not None:
        lines.append(t("Stop: {price} (all that is open)", price=price(trade.stop.price, market=signal.symbol)))
    if trade.is_futures and trade.size:
        lines.append(t("Margin {money}, liquidation {price}", money=money(trade.margin, trade.quote),
                       price=price(trade.liquidation_price, market=signal.symbol)))
    lines.append(_("A repeated tap places nothing. /signals shows its progress."))
    return "\n".join(lines)


def update_result(result: SignalUpdateResult) -> str:
    lines = [f"✅ {say(result.message)}"]
    if result.changes and _live_account(result) is not None:
        lines.append(t("🔴 Your LIVE trade: {changes}.", changes="; ".join(say(c) for c in result.changes)))
    elif result.changes:
        lines.append(t("Your paper trade: {changes}.", changes="; ".join(say(c) for c in result.changes)))
    return "\n".join(lines)


def update_question(result: SignalUpdateResult) -> str:
    account = _live_account(result)
    if account is not None:
        return f"❓ {say(result.message)}\n" + t("Apply it to your LIVE trade on {account}?", account=escape(account))
    return f"❓ {say(result.message)}\n" + _("Apply it to your paper trade?")


def _live_account(result: SignalUpdateResult) -> str | None:
    execution = result.followed.execution or {}
    return str(execution["account"]) if execution.get("live") else None


STATE_LABELS = {"all_targets": N_("🏁 all targets"), "sl_hit": N_("🛑 stopped"), "breakeven": N_("⚖️ stopped at entry"),
                "liquidated": N_("💥 liquidated"), "closed": N_("✋ closed"), "cancelled": N_("✖ cancelled"),
                "expired": N_("⌛ expired")}


def _state(item: FollowedSignal) -> str:
    track, total = item.track, len(item.signal.take_profits)
    if track.state == SignalState.WAITING:
        return _("⏳ waiting for entry")
    if track.state == SignalState.ENTERED:
        return _("▶️ entered")
    if str(track.state).startswith("tp"):
        return f"🎯 TP{track.targets_hit}/{total}"
    label = STATE_LABELS.get(track.outcome or "")
    return _(label) if label else escape(str(track.state))


def signal_list(views: Sequence[SignalView]) -> str:
    if not views:
        return _("You follow no signals yet. Forward a signal post from a channel, then tap Execute or Track only.")
    lines = [_("<b>Your signals</b>")]
    for view in views:
        item, signal = view.followed, view.followed.signal
        source = f" · {escape(item.source_name)}" if item.source_name else ""
        lines.append(f"\n<b>{escape(signal.symbol)}</b> {_direction(signal)}{source} — {_state(item)}")
        if item.track.entry_price is not None:
            line = t("Entry {price}", price=price(item.track.entry_price, market=signal.symbol))
            if view.price is not None:
                values = dict(price=price(view.price, market=signal.symbol), percent=percent(view.result_percent, signed=True))
                line += ", " + (t("now {price} ({percent})", **values) if item.is_active
                                else t("exit {price} ({percent})", **values))
            lines.append(line)
        elif signal.near_edge is not None:
            zone = t("Entry zone {levels}", levels=_levels(signal.entries, signal.symbol))
            lines.append(zone + (", " + t("now {price}", price=price(view.price, market=signal.symbol)) if view.price else ""))
        if item.track.stop is not None and item.is_active:
            lines.append(t("Stop {price}", price=price(item.track.stop, market=signal.symbol)))
        if view.trade is not None:
            lines.append(_trade_line(view.trade, view.unrealized_pnl))
    return "\n".join(lines)


def _trade_line(trade: SignalTrade, unrealized: Decimal | None) -> str:
    kind = f"{number(trade.leverage)}x {margin_mode_label(trade.margin_mode)}" if trade.is_futures else _("spot")
    parts = [t("Paper {kind}: realized {pnl}", kind=kind, pnl=_money(trade.realized_pnl, trade.quote))]
    if trade.size:
        parts.append(t("open {amount} {asset}, unrealized {pnl}", amount=number(trade.size), asset=escape(trade.base),
                       pnl=_money(unrealized, trade.quote)))
        if trade.is_futures and trade.liquidation_price:
            parts.append(t("liq. {price}", price=price(trade.liquidation_price, market=trade.symbol)))
    return ", ".join(parts)


def channel_stats(stats: Sequence[ChannelStats], settings: UserSignalSettings) -> str:
    if not stats:
        return _("No forwarded signals yet: forward posts from a channel and I will score it here.")
    execution = settings.execution
    lines = [_("<b>Channels</b> (signals you forwarded; rates of all signals, targets and stops of entered ones)")]
    for s in stats:
        avg_r = "—" if s.average_r is None else _r(s.average_r)
        lines.append(
            "\n" + t("<b>{source}</b>: {signals} signal(s), {open} still open", source=escape(s.source),
                     signals=s.signals, open=s.open) + "\n"
            + t("Entered {entered} · TP1 {tp1} · all targets {all} · stopped {stopped} · expired {expired}",
                entered=percent(s.rate(s.entered), 1), tp1=percent(s.rate(s.tp1, s.entered), 1),
                all=percent(s.rate(s.all_targets, s.entered), 1), stopped=percent(s.rate(s.stopped, s.entered), 1),
                expired=percent(s.rate(s.expired), 1)) + "\n"
            + t("Average {r}; executing each with {margin} (leverage up to {leverage}x): {pnl} ({percent} of the "
                "margin, fees left out)", r=avg_r, margin=money(execution.margin_per_trade, "USDT"),
                leverage=number(execution.max_leverage), pnl=_money(s.simulated_pnl, "USDT"),
                percent=percent(s.simulated_percent, signed=True))
        )
    return "\n".join(lines)


def settings_text(settings: UserSignalSettings) -> str:
    execution, rules = settings.execution, settings.rules
    split = "/".join(number(v) for v in execution.target_split) if execution.target_split else _("equal")
    trail = t("from TP{index}", index=rules.trail_after_target) if rules.trail_after_target else _("off")
    return "\n".join([
        _("<b>Signal settings</b>"),
        t("Amount per trade: {money} (margin on futures, cost on spot)", money=money(execution.margin_per_trade, "USDT")),
        t("Maximum leverage: {leverage}x · margin mode: {mode}", leverage=number(execution.max_leverage),
          mode=margin_mode_label(execution.margin_mode)),
        _("Entry: split across the zone") if execution.split_entries else _("Entry: one limit at the zone edge"),
        t("Target split: {split}", split=split),
        t("Stop to entry after TP1: {state} · trailing: {trail}",
          state=_("on") if rules.move_stop_to_entry_after_tp1 else _("off"), trail=trail),
        t("Entry must be reached within {hours} h", hours=settings.entry_expiry_hours),
        _("Channel follow-ups on executed trades: ask me first") if settings.ask_before_follow_ups
        else _("Channel follow-ups on executed trades: apply"),
        "",
        _("Change with e.g. <code>/signalsettings amount 250 leverage 10 split 50/30/20 mode cross "
          "breakeven off trail 2 expiry 24 entry split followups ask</code>"),
    ])


EVENT_ICONS = {"entered": "▶️", "tp_hit": "🎯", "sl_hit": "🛑", "expired": "⌛", "liquidated": "💥",
               "closed": "✋", "cancelled": "✖"}


def progress(payload: Mapping[str, Any]) -> str:
    """The ``signal_update`` notification queued at each transition of a followed signal."""
    symbol = escape(str(payload.get("symbol", "")))
    source = f" ({escape(str(payload['source_name']))})" if payload.get("source_name") else ""
    event = str(payload.get("event"))
    at = price(Decimal(payload["price"]), market=str(payload.get("symbol", "")) or None) if payload.get("price") else "—"
    head = f"{EVENT_ICONS.get(event, '•')} <b>{symbol}</b>{source}: "
    if event == "entered":
        text = head + t("entry reached at {price}.", price=price(Decimal(payload["entry_price"]), market=str(payload.get("symbol", "")) or None))
    elif event == "tp_hit":
        text = head + t("target {index}/{total} reached at {price}.", index=payload.get("target_index"),
                        total=payload.get("targets_total"), price=at)
    elif event == "sl_hit":
        text = head + t("stop {level} hit at {price}.", level=price(Decimal(payload["level"]), market=str(payload.get("symbol", "")) or None), price=at)
    elif event == "liquidated":
        text = head + t("liquidated at {price}.", price=at)
    elif event == "expired":
        return head + _("the entry was not reached in time; the signal expired and nothing was traded.")
    else:
        text = head + t("{event} at {price}.", event=escape(_(STATE_LABELS.get(event, event))), price=at)
    if payload.get("result_percent") is not None and event != "entered":
        result = t("Result from entry {price}: {percent}", price=price(Decimal(payload["entry_price"]), market=str(payload.get("symbol", "")) or None),
                   percent=percent(Decimal(payload["result_percent"]), signed=True))
        leverage = Decimal(payload.get("leverage") or 1)
        if leverage != 1 and payload.get("leveraged_percent") is not None:
            result += " " + t("({percent} at {leverage}x)", percent=percent(Decimal(payload["leveraged_percent"]),
                                                                           signed=True), leverage=number(leverage))
        if payload.get("result_r") is not None:
            result += ", " + _r(Decimal(payload["result_r"]))
        text += "\n" + result
    if payload.get("new_stop"):
        text += "\n" + t("Stop moved to {price}.", price=price(Decimal(payload["new_stop"]), market=str(payload.get("symbol", "")) or None))
    trade = payload.get("trade")
    if trade:
        quote = str(trade.get("quote", ""))
        if trade.get("fill_pnl") is not None and event != "entered":
            text += "\n" + t("Paper trade: closed {amount} {asset}, {pnl}; total realized {total}.",
                             amount=number(Decimal(trade["filled"])), asset=escape(str(trade["base"])),
                             pnl=_money(Decimal(trade["fill_pnl"]), quote),
                             total=_money(Decimal(trade["realized_pnl"]), quote))
        if Decimal(trade.get("size_left") or 0) > 0:
            text += "\n" + t("Still open: {amount} {asset}", amount=number(Decimal(trade["size_left"])),
                             asset=escape(str(trade["base"])))
            if trade.get("liquidation_price"):
                text += ", " + t("liquidation {price}", price=price(Decimal(trade["liquidation_price"]), market=str(payload.get("symbol", "")) or None))
            text += "."
    return text
