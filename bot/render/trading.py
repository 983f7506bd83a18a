"""Trading replies as HTML: the confirmation card, the result of a confirm, cancellations.

Quantities carry their asset ("0.015 BTC"), money its quote asset ("930.47 USDT"); every figure
goes through ``bot.render.numbers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.html import escape
from bot.i18n import N_, _, t, tn
from bot.render.numbers import amount, clock, holding, money, percent, price, signed_money
from domain.enums import OrderSide, OrderStatus, OrderType
from domain.models import Balance, Order, Position
from domain.numbers import ZERO
from domain.services.order_changes import ProtectionChange, short_ref
from domain.services.orders import NeedsSecondTap, PriceMoved
from domain.services.paper_broker import OrderEvent
from domain.services.previews import OrderPreview, RiskWarning, WarningCode

TYPE_LABELS = {
    OrderType.MARKET: N_("market"),
    OrderType.LIMIT: N_("limit"),
    OrderType.STOP: N_("stop"),
    OrderType.STOP_LIMIT: N_("stop-limit"),
    OrderType.TRAILING_STOP: N_("trailing stop"),
    OrderType.TAKE_PROFIT: N_("take-profit"),
}
SIDE_LABELS = {OrderSide.BUY: N_("buy"), OrderSide.SELL: N_("sell")}
STATUS_LABELS = {
    OrderStatus.PENDING: N_("pending"),
    OrderStatus.OPEN: N_("open"),
    OrderStatus.PARTIALLY_FILLED: N_("partly filled"),
    OrderStatus.FILLED: N_("filled"),
    OrderStatus.CANCELLED: N_("cancelled"),
    OrderStatus.REJECTED: N_("rejected"),
    OrderStatus.EXPIRED: N_("expired"),
}


def type_label(order_type: OrderType) -> str:
    return _(TYPE_LABELS[order_type]) if order_type in TYPE_LABELS else escape(order_type.value)


def pair_assets(symbol: str) -> tuple[str, str]:
    base, _sep, quote = symbol.partition("/")
    return base, quote or "USDT"


# -- the confirmation card ----------------------------------------------------------------------

CONFIRM_TITLE = N_("Confirm this order")


def order_card(preview: OrderPreview, now: datetime, *, title: str = CONFIRM_TITLE) -> str:
    """Everything the user needs to decide: what, how much, at what price, for what, the risks."""
    base, quote = preview.base_asset, preview.quote_asset
    side = _("BUY") if preview.side is OrderSide.BUY else _("SELL")
    heading = _("Close position") if preview.closes_position else _(title)
    lines = [
        venue_banner(preview.live_account),
        f"<b>{escape(heading)}</b>",
        f"<b>{side} {amount(preview.amount, base)}</b> · {escape(preview.symbol)}",
        t("Type: {type}", type=type_label(preview.order_type)),
    ]
    if preview.order_type is OrderType.MARKET:
        lines.append(t("Price: ≈ {estimate} (market {market})", estimate=price(preview.estimated_price, quote, market=preview.symbol),
                       market=price(preview.market_price, quote, market=preview.symbol)))
    else:
        if preview.price is not None:
            lines.append(t("Limit price: {price}", price=price(preview.price, quote, market=preview.symbol)))
        if preview.stop_price is not None:
            lines.append(t("Trigger: {price}", price=price(preview.stop_price, quote, market=preview.symbol)))
        if preview.trailing_percent is not None:
            lines.append(t("Trailing: {percent}", percent=percent(preview.trailing_percent)))
        lines.append(t("Market now: {price}", price=price(preview.market_price, quote, market=preview.symbol)))
    if preview.stop_loss is not None:
        lines.append(t("Stop-loss: {price}", price=price(preview.stop_loss, quote, market=preview.symbol)))
    if preview.take_profit is not None:
        lines.append(t("Take-profit: {price}", price=price(preview.take_profit, quote, market=preview.symbol)))
    cost = money(preview.estimated_cost, quote)
    lines.append(t("Estimated cost: {money}", money=cost) if preview.side is OrderSide.BUY
                 else t("Estimated proceeds: {money}", money=cost))
    lines.append(t("Fee: ≈ {money}", money=money(preview.estimated_fee, quote)))
    lines.append(t("Balance after: {quote} · {base}", quote=money(preview.quote_balance_after, quote),
                   base=amount(preview.base_balance_after, base)))
    if preview.position_share_percent is not None:
        lines.append(t("{asset} share of portfolio after: {percent}", asset=escape(base),
                       percent=percent(preview.position_share_percent, 1)))
    if preview.warnings:
        lines.append("")
        lines.extend(f"⚠️ {warning_text(warning, preview)}" for warning in preview.warnings)
    lines.append("")
    lines.append(f"<i>{expiry(preview.expires_at, now)}</i>")
    return "\n".join(lines)


def warning_text(warning: RiskWarning, preview: OrderPreview) -> str:
    """A risk warning in the user's language, from its code and the preview's figures."""
    if warning.code is WarningCode.INSUFFICIENT_BALANCE:
        asset = preview.quote_asset if preview.side is OrderSide.BUY else preview.base_asset
        held = preview.quote_balance_after + preview.estimated_cost if preview.side is OrderSide.BUY \
            else preview.base_balance_after + preview.amount
        return t("Your {asset} balance ({held}) does not cover this order.", asset=escape(asset),
                 held=amount(held, asset))
    if warning.code is WarningCode.NO_STOP_LOSS:
        return _("No stop-loss: the loss on this position is not limited.")
    if warning.code is WarningCode.POSITION_TOO_LARGE and {"share", "limit"} <= warning.figures.keys():
        return t("{asset} would be {share} of your portfolio (your limit is {limit}).",
                 asset=escape(preview.base_asset), share=percent(warning.figures["share"], 1),
                 limit=percent(warning.figures["limit"]))
    return escape(warning.message)


def venue_banner(live_account: str | None) -> str:
    """Where an order goes, first on its card: real money must never look like a simulation."""
    if live_account is None:
        return _("📝 <b>PAPER</b> · simulated money")
    return t("🔴 <b>LIVE</b> · {account} · real orders on your account", account=escape(live_account))


def second_tap(needed: NeedsSecondTap) -> str:
    return venue_banner(needed.account) + "\n" + t(
        "⚠️ This live order is worth about {value}, above your {threshold} confirmation threshold (/limits). "
        "Tap again to place it.", value=money(needed.value, "USDT"), threshold=money(needed.threshold, "USDT"),
    )


def live_result(event: OrderEvent, account: str) -> str:
    return f"{venue_banner(account)}\n{order_result(event)}"


LIVE_ORDER_GONE = N_("That order is no longer open. /orders lists the open ones.")
LIVE_POSITION_GONE = N_("That position is no longer open. /positions lists the open ones.")
LIVE_CHANGE_PROMPT = N_(
    "Send the new limit price (e.g. <code>at 61000</code>) or the new total size (e.g. <code>0.02</code>). "
    "The order is cancelled and placed again on the exchange. /cancel to stop."
)
ONLY_PAPER = N_("You have only the paper account. /connect adds your own exchange account (testnet first).")
CHOOSE_ACCOUNT = N_("Which account should this order go to?")
MOVED = N_("🔁 Moved to another account: see the new card below.")

OUTCOME_UNKNOWN = N_(
    "⏳ The exchange did not answer in time, so I don't know yet whether the order was placed. "
    "I am checking it by its id and will tell you. Do not place it again."
)


def expiry(expires_at: datetime, now: datetime) -> str:
    seconds = max(0, int((expires_at - now).total_seconds()))
    left = tn("{n} min", "{n} min", seconds // 60) if seconds >= 120 else tn("{n} s", "{n} s", seconds)
    return t("Nothing is placed until you confirm. This offer expires in {left} ({time} UTC).", left=left,
             time=clock(expires_at))


def price_moved(moved: PriceMoved, now: datetime) -> str:
    quote = moved.preview.quote_asset
    head = t(
        "⚠️ The price moved {percent} since the preview ({before} → {now}). "
        "Nothing was placed. Please check the new figures and confirm again.",
        percent=percent(moved.moved_percent), before=price(moved.previous_price, quote, market=moved.preview.symbol),
        now=price(moved.current_price, quote, market=moved.preview.symbol),
    )
    return head + "\n\n" + order_card(moved.preview, now)


# -- outcomes -----------------------------------------------------------------------------------


def order_result(event: OrderEvent) -> str:
    """What confirming did: filled at X (fee, position), or the order is open."""
    order = event.order
    base, quote = pair_assets(order.symbol)
    ref = short_ref(order.id)
    buy = order.side is OrderSide.BUY
    filled, at = amount(order.filled_quantity, base), price(order.average_fill_price or ZERO, quote, market=order.symbol)
    lines: list[str] = []
    if order.status is OrderStatus.FILLED:
        lines.append(t("✅ <b>Bought {amount}</b> at {price}", amount=filled, price=at) if buy
                     else t("✅ <b>Sold {amount}</b> at {price}", amount=filled, price=at))
    elif order.status is OrderStatus.PARTIALLY_FILLED:
        total = amount(order.quantity, base)
        lines.append(
            t("✅ <b>Bought {amount}</b> of {total} at {price}; the rest stays open", amount=filled, total=total,
              price=at) if buy
            else t("✅ <b>Sold {amount}</b> of {total} at {price}; the rest stays open", amount=filled, total=total,
                   price=at)
        )
    elif order.status in (OrderStatus.OPEN, OrderStatus.PENDING):
        lines.append(t("📝 <b>Order open</b>: {order}", order=describe_order(order)))
    else:
        lines.append(t("Order {status}: {order}", status=_(STATUS_LABELS.get(order.status, order.status.value)),
                       order=describe_order(order)))
    if order.filled_quantity > ZERO:
        total_money = money((order.average_fill_price or ZERO) * order.filled_quantity, quote)
        lines.append(t("Cost: {money}", money=total_money) if buy else t("Proceeds: {money}", money=total_money))
        lines.append(t("Fee: {money}", money=money(order.fee, order.fee_currency or quote)))
    if event.realized_pnl != ZERO or (order.side is OrderSide.SELL and order.filled_quantity > ZERO):
        lines.append(t("Realized PnL: {money}", money=signed_money(event.realized_pnl, quote)))
    if event.position is not None:
        lines.append(position_line(event.position))
    lines.append(t("Order id: <code>{ref}</code>", ref=ref))
    return "\n".join(lines)


def position_line(position: Position) -> str:
    base, quote = pair_assets(position.symbol)
    if position.quantity <= ZERO:
        return t("Position {symbol}: closed", symbol=escape(position.symbol))
    line = t("Position: {amount} @ {price}", amount=amount(position.quantity, base),
             price=price(position.entry_price, quote, market=position.symbol))
    if position.stop_loss is not None:
        line += f" · SL {price(position.stop_loss, quote, market=position.symbol)}"
    if position.take_profit is not None:
        line += f" · TP {price(position.take_profit, quote, market=position.symbol)}"
    return line


def describe_order(order: Order) -> str:
    """One line: ``limit buy 0.015 BTC at 60,000 USDT``."""
    base, quote = pair_assets(order.symbol)
    remaining = order.quantity - order.filled_quantity
    text = f"{type_label(order.order_type)} {_(SIDE_LABELS[order.side])} {amount(remaining, base)}"
    if order.price is not None:
        text += " " + t("at {price}", price=price(order.price, quote, market=order.symbol))
    if order.stop_price is not None:
        text += ", " + t("trigger {price}", price=price(order.stop_price, quote, market=order.symbol))
    if order.trailing_percent is not None:
        text += ", " + t("trailing {percent}", percent=percent(order.trailing_percent))
    return text


def order_line(order: Order, index: int | None = None) -> str:
    prefix = f"{index}. " if index is not None else ""
    return f"{prefix}<code>{short_ref(order.id)}</code> {escape(order.symbol)} {describe_order(order)}"


def cancelled(events: Sequence[OrderEvent]) -> str:
    if not events:
        return _("Nothing was cancelled.")
    if len(events) == 1:
        order = events[0].order
        if order.status is OrderStatus.CANCELLED:
            return t("🗑 Cancelled order <code>{ref}</code> ({symbol}).", ref=short_ref(order.id),
                     symbol=escape(order.symbol))
        return t("🗑 Reduced order <code>{ref}</code>: {order} left.", ref=short_ref(order.id),
                 order=describe_order(order))
    lines = [tn("🗑 Cancelled {n} order:", "🗑 Cancelled {n} orders:", len(events))]
    lines.extend(f"• <code>{short_ref(e.order.id)}</code> {escape(e.order.symbol)}" for e in events)
    return "\n".join(lines)


def choose_order_to_cancel(orders: Sequence[Order]) -> str:
    lines = [_("Several open orders match. Which one should I cancel?")]
    lines.extend(order_line(order, index) for index, order in enumerate(orders, start=1))
    return "\n".join(lines)


def protection_changed(change: ProtectionChange, symbol: str) -> str:
    _base, quote = pair_assets(symbol)
    if change.position is not None:
        return _("🛡 Updated protection.") + "\n" + position_line(change.position)
    lines = [t("🛡 Updated the pending {symbol} buy orders:", symbol=escape(symbol))]
    for order in change.orders:
        parts = [order_line(order)]
        if order.stop_loss is not None:
            parts.append(f"SL {price(order.stop_loss, quote, market=order.symbol)}")
        if order.take_profit is not None:
            parts.append(f"TP {price(order.take_profit, quote, market=order.symbol)}")
        lines.append("• " + " · ".join(parts))
    return "\n".join(lines)


# -- plain messages -----------------------------------------------------------------------------

NEEDS_ACCOUNT = N_("Trading needs an account: send /start and accept the terms first.")
NOT_ENABLED = N_(
    "Trading is not enabled for this account: the bot's operator allows it per user. "
    "Analysis, alerts and signal tracking work without it."
)
NOT_CONFIGURED = N_(
    "Trading is not set up on this bot yet. Analysis, alerts and signal tracking work without it."
)
ORDER_DROPPED = N_("✖️ Order cancelled, nothing was placed.")
EXPIRED = N_("⌛ This confirmation has expired and nothing was placed. Send the order again.")
ALREADY_CONFIRMED = N_("This order was already confirmed.")
EDIT_PROMPT = N_(
    "Send the new amount (e.g. <code>0.02</code> or <code>200 USDT</code>) "
    "or the new price (e.g. <code>at 61000</code>). /cancel to stop."
)
EDIT_NOT_UNDERSTOOD = N_(
    "I did not get that. Send an amount like <code>0.02</code>, <code>200 USDT</code> or a price like "
    "<code>at 61000</code>."
)
BUY_USAGE = N_("Usage: <code>/buy 0.01 btc</code>, <code>/buy 100 usdt btc</code> or <code>/buy 0.01 btc at 60000</code>.")
SELL_USAGE = N_("Usage: <code>/sell 0.01 btc</code> or <code>/sell 0.01 btc at 70000</code>.")


def nothing_to_sell(asset: str, balances: Sequence[Balance]) -> str:
    """Selling a coin one does not hold: why not, what one has, what to do instead."""
    held = ", ".join(holding_text(b) for b in balances if b.total > ZERO) or _("nothing")
    return t(
        "You hold no {asset}, so there is nothing to sell (your balance: {held}).\n"
        "Selling a coin you do not own is a short, which needs a futures account; on this spot account, "
        "buy {asset} first, or follow the signal to be told how it plays out.",
        asset=escape(asset), held=held,
    )


def holding_text(balance: Balance) -> str:
    return f"{holding(balance.total, balance.asset)} {escape(balance.asset)}"


def ask_amount(base: str | None) -> str:
    return t("How much {asset}?", asset=escape(base)) if base else _(
        "How much, and of which coin? For example: buy 0.01 BTC."
    )


def ask_symbol() -> str:
    return _("Which coin? For example: buy 0.01 BTC.")


def ask_side() -> str:
    return _("Buy or sell?")
