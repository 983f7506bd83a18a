"""Trading replies as HTML: the confirmation card, the result of a confirm, cancellations.

Numbers are Decimals shown without exponent notation or trailing-zero noise; quantities carry
their asset ("0.015 BTC"), money its quote asset ("930.47 USDT").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from bot.html import escape
from domain.enums import OrderSide, OrderStatus, OrderType
from domain.models import Order, Position
from domain.numbers import ZERO
from domain.services.order_changes import ProtectionChange, short_ref
from domain.services.orders import NeedsSecondTap, PriceMoved
from domain.services.paper_broker import OrderEvent
from domain.services.previews import OrderPreview

MONEY_PLACES = 2
SMALL_MONEY_PLACES = 8

TYPE_LABELS = {
    OrderType.MARKET: "market",
    OrderType.LIMIT: "limit",
    OrderType.STOP: "stop",
    OrderType.STOP_LIMIT: "stop-limit",
    OrderType.TRAILING_STOP: "trailing stop",
}

# -- numbers ------------------------------------------------------------------------------------


def number(value: Decimal | int, *, grouped: bool = True) -> str:
    """``value`` without exponent notation or trailing zeros: 0.015, 62,000.5, 0.00001234."""
    value = Decimal(value)
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    text = f"{value:,f}" if grouped else f"{value:f}"
    return "0" if text in ("-0", "") else text


def amount(value: Decimal, asset: str) -> str:
    """A quantity of an asset: ``0.015 BTC``."""
    return f"{number(value)} {escape(asset)}"


def money_number(value: Decimal) -> str:
    """A sum without its asset: cents for ordinary sums, more places for tiny ones."""
    places = MONEY_PLACES if abs(value) >= 1 or value == ZERO else SMALL_MONEY_PLACES
    return number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def signed_money_number(value: Decimal) -> str:
    return ("+" if value > ZERO else "") + money_number(value)


def money(value: Decimal, asset: str) -> str:
    """A value in a quote asset: ``930.47 USDT``."""
    return f"{money_number(value)} {escape(asset)}"


def price(value: Decimal, asset: str) -> str:
    """A unit price, at the precision it has (the pair's tick)."""
    return f"{number(value)} {escape(asset)}"


def signed_money(value: Decimal, asset: str) -> str:
    return ("+" if value > ZERO else "") + money(value, asset)


def percent(value: Decimal, places: int = 1) -> str:
    return f"{number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))}%"


def signed_percent(value: Decimal) -> str:
    return ("+" if value > ZERO else "") + percent(value, 2)


def pair_assets(symbol: str) -> tuple[str, str]:
    base, _, quote = symbol.partition("/")
    return base, quote or "USDT"


# -- the confirmation card ----------------------------------------------------------------------


def order_card(preview: OrderPreview, now: datetime, *, title: str = "Confirm this order") -> str:
    """Everything the user needs to decide: what, how much, at what price, for what, the risks."""
    base, quote = preview.base_asset, preview.quote_asset
    side = "BUY" if preview.side is OrderSide.BUY else "SELL"
    heading = "Close position" if preview.closes_position else title
    lines = [
        venue_banner(preview.live_account),
        f"<b>{escape(heading)}</b>",
        f"<b>{side} {amount(preview.amount, base)}</b> · {escape(preview.symbol)}",
        f"Type: {TYPE_LABELS.get(preview.order_type, escape(preview.order_type.value))}",
    ]
    if preview.order_type is OrderType.MARKET:
        lines.append(f"Price: ≈ {price(preview.estimated_price, quote)} (market {price(preview.market_price, quote)})")
    else:
        if preview.price is not None:
            lines.append(f"Limit price: {price(preview.price, quote)}")
        if preview.stop_price is not None:
            lines.append(f"Trigger: {price(preview.stop_price, quote)}")
        if preview.trailing_percent is not None:
            lines.append(f"Trailing: {percent(preview.trailing_percent, 2)}")
        lines.append(f"Market now: {price(preview.market_price, quote)}")
    if preview.stop_loss is not None:
        lines.append(f"Stop-loss: {price(preview.stop_loss, quote)}")
    if preview.take_profit is not None:
        lines.append(f"Take-profit: {price(preview.take_profit, quote)}")
    verb = "Estimated cost" if preview.side is OrderSide.BUY else "Estimated proceeds"
    lines.append(f"{verb}: {money(preview.estimated_cost, quote)}")
    lines.append(f"Fee: ≈ {money(preview.estimated_fee, quote)}")
    lines.append(
        f"Balance after: {money(preview.quote_balance_after, quote)} · {amount(preview.base_balance_after, base)}"
    )
    if preview.position_share_percent is not None:
        lines.append(f"{escape(base)} share of portfolio after: {percent(preview.position_share_percent)}")
    if preview.warnings:
        lines.append("")
        lines.extend(f"⚠️ {escape(warning.message)}" for warning in preview.warnings)
    lines.append("")
    lines.append(f"<i>{expiry(preview.expires_at, now)}</i>")
    return "\n".join(lines)


def venue_banner(live_account: str | None) -> str:
    """Where an order goes, first on its card: real money must never look like a simulation."""
    if live_account is None:
        return "📝 <b>PAPER</b> · simulated money"
    return f"🔴 <b>LIVE</b> · {escape(live_account)} · real orders on your account"


def second_tap(needed: NeedsSecondTap) -> str:
    return (
        f"{venue_banner(needed.account)}\n⚠️ This live order is worth about {money(needed.value, 'USDT')}, above "
        f"your {money(needed.threshold, 'USDT')} confirmation threshold (/limits). Tap again to place it."
    )


def live_result(event: OrderEvent, account: str) -> str:
    return f"{venue_banner(account)}\n{order_result(event)}"


LIVE_ORDER_GONE = "That order is no longer open."
LIVE_CHANGE_PROMPT = (
    "Send the new limit price (e.g. <code>at 61000</code>) or the new total size (e.g. <code>0.02</code>). "
    "The order is cancelled and placed again on the exchange. /cancel to stop."
)
ONLY_PAPER = "You have only the paper account. /connect adds your own exchange account (testnet first)."
CHOOSE_ACCOUNT = "Which account should this order go to?"
MOVED = "🔁 Moved to another account: see the new card below."

OUTCOME_UNKNOWN = (
    "⏳ The exchange did not answer in time, so I don't know yet whether the order was placed. "
    "I am checking it by its id and will tell you. Do not place it again."
)


def expiry(expires_at: datetime, now: datetime) -> str:
    seconds = max(0, int((expires_at - now).total_seconds()))
    left = f"{seconds // 60} min" if seconds >= 120 else f"{seconds} s"
    return f"Nothing is placed until you confirm. This offer expires in {left} ({expires_at:%H:%M:%S} UTC)."


def price_moved(moved: PriceMoved, now: datetime) -> str:
    quote = moved.preview.quote_asset
    head = (
        f"⚠️ The price moved {percent(moved.moved_percent, 2)} since the preview "
        f"({price(moved.previous_price, quote)} → {price(moved.current_price, quote)}). "
        "Nothing was placed. Please check the new figures and confirm again."
    )
    return head + "\n\n" + order_card(moved.preview, now)


# -- outcomes -----------------------------------------------------------------------------------


def order_result(event: OrderEvent) -> str:
    """What confirming did: filled at X (fee, position), or the order is open."""
    order = event.order
    base, quote = pair_assets(order.symbol)
    ref = short_ref(order.id)
    verb = "Bought" if order.side is OrderSide.BUY else "Sold"
    lines: list[str] = []
    if order.status is OrderStatus.FILLED:
        lines.append(f"✅ <b>{verb} {amount(order.filled_quantity, base)}</b> at "
                     f"{price(order.average_fill_price or ZERO, quote)}")
    elif order.status is OrderStatus.PARTIALLY_FILLED:
        lines.append(f"✅ <b>{verb} {amount(order.filled_quantity, base)}</b> of {amount(order.quantity, base)} at "
                     f"{price(order.average_fill_price or ZERO, quote)}; the rest stays open")
    elif order.status in (OrderStatus.OPEN, OrderStatus.PENDING):
        lines.append(f"📝 <b>Order open</b>: {describe_order(order)}")
    else:
        lines.append(f"Order {escape(order.status.value)}: {describe_order(order)}")
    if order.filled_quantity > ZERO:
        total = (order.average_fill_price or ZERO) * order.filled_quantity
        lines.append(f"{'Cost' if order.side is OrderSide.BUY else 'Proceeds'}: {money(total, quote)}")
        lines.append(f"Fee: {money(order.fee, escape(order.fee_currency or quote))}")
    if event.realized_pnl != ZERO or (order.side is OrderSide.SELL and order.filled_quantity > ZERO):
        lines.append(f"Realized PnL: {signed_money(event.realized_pnl, quote)}")
    if event.position is not None:
        lines.append(position_line(event.position))
    lines.append(f"Order id: <code>{ref}</code>")
    return "\n".join(lines)


def position_line(position: Position) -> str:
    base, quote = pair_assets(position.symbol)
    if position.quantity <= ZERO:
        return f"Position {escape(position.symbol)}: closed"
    line = f"Position: {amount(position.quantity, base)} @ {price(position.entry_price, quote)}"
    if position.stop_loss is not None:
        line += f" · SL {price(position.stop_loss, quote)}"
    if position.take_profit is not None:
        line += f" · TP {price(position.take_profit, quote)}"
    return line


def describe_order(order: Order) -> str:
    """One line: ``limit buy 0.015 BTC at 60,000 USDT``."""
    base, quote = pair_assets(order.symbol)
    side = order.side.value
    remaining = order.quantity - order.filled_quantity
    text = f"{TYPE_LABELS.get(order.order_type, order.order_type.value)} {side} {amount(remaining, base)}"
    if order.price is not None:
        text += f" at {price(order.price, quote)}"
    if order.stop_price is not None:
        text += f", trigger {price(order.stop_price, quote)}"
    if order.trailing_percent is not None:
        text += f", trailing {percent(order.trailing_percent, 2)}"
    return text


def order_line(order: Order, index: int | None = None) -> str:
    prefix = f"{index}. " if index is not None else ""
    return f"{prefix}<code>{short_ref(order.id)}</code> {escape(order.symbol)} {describe_order(order)}"


def cancelled(events: Sequence[OrderEvent]) -> str:
    if not events:
        return "Nothing was cancelled."
    if len(events) == 1:
        order = events[0].order
        if order.status is OrderStatus.CANCELLED:
            return f"🗑 Cancelled order <code>{short_ref(order.id)}</code> ({escape(order.symbol)})."
        return f"🗑 Reduced order <code>{short_ref(order.id)}</code>: {describe_order(order)} left."
    lines = [f"🗑 Cancelled {len(events)} orders:"]
    lines.extend(f"• <code>{short_ref(e.order.id)}</code> {escape(e.order.symbol)}" for e in events)
    return "\n".join(lines)


def choose_order_to_cancel(orders: Sequence[Order]) -> str:
    lines = ["Several open orders match. Which one should I cancel?"]
    lines.extend(order_line(order, index) for index, order in enumerate(orders, start=1))
    return "\n".join(lines)


def protection_changed(change: ProtectionChange, symbol: str) -> str:
    base, quote = pair_assets(symbol)
    if change.position is not None:
        return "🛡 Updated protection.\n" + position_line(change.position)
    lines = [f"🛡 Updated the pending {escape(symbol)} buy orders:"]
    for order in change.orders:
        parts = [order_line(order)]
        if order.stop_loss is not None:
            parts.append(f"SL {price(order.stop_loss, quote)}")
        if order.take_profit is not None:
            parts.append(f"TP {price(order.take_profit, quote)}")
        lines.append("• " + " · ".join(parts))
    return "\n".join(lines)


# -- plain messages -----------------------------------------------------------------------------

NEEDS_ACCOUNT = "Trading needs an account: send /start and accept the terms first."
NOT_ENABLED = "Trading is not enabled for this account."
NOT_CONFIGURED = "Trading is not set up on this bot yet."
ORDER_DROPPED = "✖️ Order cancelled, nothing was placed."
EXPIRED = "⌛ This confirmation has expired and nothing was placed. Send the order again."
ALREADY_CONFIRMED = "This order was already confirmed."
NOT_YOURS = "This confirmation belongs to someone else."
EDIT_PROMPT = (
    "Send the new amount (e.g. <code>0.02</code> or <code>200 USDT</code>) "
    "or the new price (e.g. <code>at 61000</code>). /cancel to stop."
)
EDIT_NOT_UNDERSTOOD = "I did not get that. Send an amount like <code>0.02</code>, <code>200 USDT</code> or a price like <code>at 61000</code>."
BUY_USAGE = "Usage: <code>/buy 0.01 btc</code>, <code>/buy 100 usdt btc</code> or <code>/buy 0.01 btc at 60000</code>."
SELL_USAGE = "Usage: <code>/sell 0.01 btc</code> or <code>/sell 0.01 btc at 70000</code>."


def ask_amount(base: str | None) -> str:
    return f"How much {escape(base)}?" if base else "How much, and of which coin? For example: buy 0.01 BTC."


def ask_symbol() -> str:
    return "Which coin? For example: buy 0.01 BTC."


def ask_side() -> str:
    return "Buy or sell?"
