"""A signal executed on the user's exchange account: the LIVE line of the card, the second tap,
and what was placed (or refused) on the exchange."""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.i18n import _, t
from bot.render.numbers import money, number, price
from bot.render.phrases import say
from domain.enums import OrderType
from domain.models import Portfolio
from domain.numbers import ZERO
from domain.services.live_signals import LiveExecution, LiveNeedsSecondTap
from domain.signal_trade import LegKind, SignalTrade


def card_line(accounts: Sequence[Portfolio]) -> str:
    names = ", ".join(escape(a.name) for a in accounts)
    return t("🔴 LIVE on {accounts}: real orders on your exchange account, within your /limits.", accounts=names)


def button(account: Portfolio) -> str:
    return t("🔴 Execute LIVE · {account}", account=account.name)


def confirm_button(result: LiveNeedsSecondTap) -> str:
    return t("🔴 Confirm LIVE · {account}", account=result.account)


def _plan(trade: SignalTrade) -> list[str]:
    lines = []
    direction = _("LONG") if trade.side.value == "buy" else _("SHORT")
    lines.append(t("{symbol} {direction} {leverage}x", symbol=escape(trade.symbol), direction=direction,
                   leverage=number(trade.leverage)))
    for leg in trade.legs_of(LegKind.ENTRY):
        at = _("market") if leg.price is None else t("limit {price}", price=price(leg.price))
        lines.append(t("Entry {index}: {amount} {asset} at {at}", index=leg.index, amount=number(leg.quantity),
                       asset=escape(trade.base), at=at))
    for leg in trade.legs_of(LegKind.TARGET):
        lines.append(t("TP{index}: {amount} {asset} at {price}", index=leg.index, amount=number(leg.quantity),
                       asset=escape(trade.base), price=price(leg.price)))
    if trade.stop is not None:
        lines.append(t("Stop: {price} (all that is open)", price=price(trade.stop.price)))
    return lines


def second_tap(result: LiveNeedsSecondTap) -> str:
    lines = [t("🔴 <b>LIVE · {account}</b>", account=escape(result.account)),
             t("These orders are worth about {value}, above your second-tap value of {threshold}.",
               value=money(result.value, result.trade.quote), threshold=money(result.threshold, result.trade.quote))]
    lines += _plan(result.trade)
    lines.append(_("Tap Confirm LIVE to place them on the exchange."))
    return "\n".join(lines)


def executed(result: LiveExecution) -> str:
    trade, placement = result.trade, result.placement
    lines = [t("🔴 <b>LIVE · {account}</b>", account=escape(result.account))]
    lines += _plan(trade)
    entries = placement.entries
    if placement.outcome_unknown:
        lines.append(_("⚠️ The exchange did not answer for the entry. I look it up by its id and will tell you "
                       "what happened; nothing is sent twice."))
    elif entries and all(e.order.status.value == "filled" for e in entries):
        filled = sum((e.order.filled_quantity for e in entries), ZERO)
        average = entries[0].order.average_fill_price
        lines.append(t("✅ Entry filled: {amount} {asset} at {price}.", amount=number(filled),
                       asset=escape(trade.base), price=price(average) if average is not None else "?"))
    elif any(e.order.filled_quantity > ZERO for e in entries):
        filled = sum((e.order.filled_quantity for e in entries), ZERO)
        lines.append(t("◐ Entry partly filled: {amount} {asset}. The stop and targets guard that part and are "
                       "resized as the rest fills.", amount=number(filled), asset=escape(trade.base)))
    else:
        lines.append(_("⏳ The entry rests on the exchange; the stop and targets are placed when it fills."))
    protection = placement.protection
    if any(e.order.order_type is OrderType.STOP_LIMIT for e in protection.placed):  # spot OCO lists
        lines.append(t("🛡 On the exchange: {count} orders, each target paired with the stop as an OCO on the same "
                       "coins (one fills, the other is cancelled), working even while I am offline.",
                       count=len(protection.placed)))
    elif protection.placed and not trade.is_futures:
        lines.append(t("🛡 On the exchange: {count} stop/target orders (conditional: they hold no coins until they "
                       "trigger), working even while I am offline.", count=len(protection.placed)))
    elif protection.placed:
        lines.append(t("🛡 On the exchange: {count} stop/target orders (reduce-only), working even while I am offline.",
                       count=len(protection.placed)))
    for name, reason in protection.refused:
        lines.append(t("❌ {leg} was refused by the exchange: {reason}", leg=_leg_label(name), reason=say(reason)))
    if protection.closed is not None:
        lines.append(_("⚠️ Without a stop the position was unprotected, so I closed it at market at once."))
    elif protection.refused:
        lines.append(_("The position stays open with the orders above. Set the missing target on the exchange, "
                       "or close the position from /portfolio."))
    lines.append(_("A repeated tap places nothing. Fills are reported as they happen; /signals shows its progress."))
    return "\n".join(lines)


def _leg_label(name: str) -> str:
    if name.startswith("stop"):
        return _("The stop")
    return t("Target {name}", name=escape(name.upper()))
