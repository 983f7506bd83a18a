"""Portfolio replies as HTML: summary table, balances, positions, open orders, PnL, history.

Shared by the /portfolio-style commands and the assistant's intent handlers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.render.trading import (
    amount,
    money,
    money_number,
    number,
    order_line,
    pair_assets,
    percent,
    price,
    signed_money,
    signed_money_number,
    signed_percent,
)
from domain.models import Balance, Order, Position
from domain.numbers import ZERO
from domain.services.portfolio import LiveAccountView, PortfolioSummary, TradePage

NO_ACCOUNT = "Your portfolio needs an account: send /start and accept the terms first."


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A monospace table; cells are escaped here, once."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(row, widths, right, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "<pre>" + escape("\n".join(lines)) + "</pre>"


def portfolio_summary(summary: PortfolioSummary) -> str:
    quote = summary.quote_asset
    lines = [
        f"💼 <b>Portfolio</b> ({'paper' if summary.portfolio.is_paper else escape(summary.portfolio.exchange)})",
        f"Value: <b>{money(summary.total_value, quote)}</b> "
        f"({signed_money(summary.total_pnl, quote)}, {signed_percent(summary.total_pnl_percent)})",
    ]
    if summary.allocations:
        rows = [("Asset", "Amount", f"Value {quote}", "%")]
        rows += [
            (a.asset, number(a.quantity), money_number(a.value), percent(a.percent))
            for a in summary.allocations
        ]
        lines.append(_table(rows, (False, True, True, True)))
    else:
        lines.append("No holdings.")
    figures = [
        ("Realized PnL", f"{signed_money_number(summary.realized_pnl)} {quote}"),
        ("Unrealized PnL", f"{signed_money_number(summary.unrealized_pnl)} {quote}"),
        ("Fees paid", f"{money_number(summary.fees)} {quote}"),
        ("Open positions", str(summary.open_positions)),
        ("Open orders", str(summary.open_orders)),
    ]
    lines.append(_table(figures, (False, True)))
    return "\n".join(lines)


def pnl(summary: PortfolioSummary) -> str:
    quote = summary.quote_asset
    return "\n".join([
        "📊 <b>Profit and loss</b>",
        f"Total: <b>{signed_money(summary.total_pnl, quote)}</b> ({signed_percent(summary.total_pnl_percent)})",
        f"Realized: {signed_money(summary.realized_pnl, quote)} (after fees)",
        f"Unrealized: {signed_money(summary.unrealized_pnl, quote)}",
        f"Fees paid: {money(summary.fees, quote)}",
    ])


def balances(items: Sequence[Balance]) -> str:
    if not items:
        return "💰 <b>Balances</b>\nNothing yet."
    rows = [("Asset", "Free", "Locked", "Total")]
    rows += [(b.asset, number(b.free), number(b.locked), number(b.total)) for b in items]
    return "💰 <b>Balances</b>\n" + _table(rows, (False, True, True, True))


def positions(items: Sequence[Position]) -> str:
    if not items:
        return "📈 <b>Positions</b>\nNo open positions."
    lines = ["📈 <b>Positions</b>"]
    for p in items:
        base, quote = pair_assets(p.symbol)
        line = (f"• <b>{escape(p.symbol)}</b> {amount(p.quantity, base)} @ {price(p.entry_price, quote)}")
        if p.current_price is not None:
            change = (p.current_price - p.entry_price) / p.entry_price * 100 if p.entry_price else ZERO
            line += f", now {price(p.current_price, quote)}: {signed_money(p.unrealized_pnl, quote)} ({signed_percent(change)})"
        if p.stop_loss is not None:
            line += f" · SL {price(p.stop_loss, quote)}"
        if p.take_profit is not None:
            line += f" · TP {price(p.take_profit, quote)}"
        lines.append(line)
    return "\n".join(lines)


def open_orders(items: Sequence[Order]) -> str:
    if not items:
        return "📝 <b>Open orders</b>\nNo open orders."
    lines = ["📝 <b>Open orders</b>"]
    lines.extend(order_line(order, index) for index, order in enumerate(items, start=1))
    return "\n".join(lines)


def live_open_orders(items: Sequence[tuple[str, Order]]) -> str:
    """Open orders on connected exchange accounts, each under its account's name."""
    lines = ["🔴 <b>LIVE open orders</b>"]
    lines.extend(f"{order_line(order, index)} · {escape(account)}" for index, (account, order) in enumerate(items, start=1))
    return "\n".join(lines)


def history(page: TradePage) -> str:
    if not page.items:
        return "🧾 <b>Trade history</b>\nNo trades yet."
    rows = [("Date", "Pair", "Side", "Amount", "Price", "Fee", "PnL")]
    for record in page.items:
        fill = record.fill
        rows.append((
            f"{fill.executed_at:%m-%d %H:%M}",
            record.symbol,
            fill.side.value,
            number(fill.quantity),
            number(fill.price),
            number(fill.fee),
            "" if record.realized_pnl is None else signed_money_number(record.realized_pnl),
        ))
    head = f"🧾 <b>Trade history</b> (page {page.page} of {page.pages}, {page.total} trades)"
    return head + "\n" + _table(rows, (False, False, False, True, True, True, True))


def live_accounts(items: Sequence[LiveAccountView]) -> str:
    """Each connected exchange account beside the paper portfolio, as last synced."""
    parts = []
    for item in items:
        lines = [f"🔴 <b>LIVE</b> · {escape(item.portfolio.name)} (synced from the exchange)"]
        if item.balances:
            rows = [("Asset", "Free", "Locked", "Total")]
            rows += [(b.asset, number(b.free), number(b.locked), number(b.total)) for b in item.balances]
            lines.append(_table(rows, (False, True, True, True)))
        else:
            lines.append("No balances.")
        quote = item.portfolio.base_currency
        lines.append(
            f"Open positions: {len(item.positions)} · Open orders: {item.open_orders} · "
            f"Realized PnL: {signed_money(item.portfolio.realized_pnl, quote)}"
        )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
