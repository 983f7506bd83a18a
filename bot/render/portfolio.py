"""Portfolio replies as HTML: summary table, balances, positions, open orders, PnL, history.

Shared by the /portfolio-style commands and the assistant's intent handlers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.i18n import N_, _, t
from bot.render.numbers import amount, holding, money, number, percent, price, short_datetime, signed_money
from bot.render.market import period_label
from bot.render.trading import SIDE_LABELS, order_line, pair_assets
from domain.models import Balance, Order, Position
from domain.numbers import ZERO
from domain.services.portfolio import LiveAccountView, PeriodPnl, PortfolioSummary, TradePage

NO_ACCOUNT = N_("Your portfolio needs an account: send /start and accept the terms first.")


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
    kind = _("paper") if summary.portfolio.is_paper else escape(summary.portfolio.exchange)
    lines = [
        t("💼 <b>Portfolio</b> ({kind})", kind=kind),
        t("Value: <b>{value}</b> ({pnl}, {percent})", value=money(summary.total_value, quote),
          pnl=signed_money(summary.total_pnl, quote), percent=percent(summary.total_pnl_percent, signed=True)),
    ]
    if summary.allocations:
        rows = [(_("Asset"), _("Amount"), t("Value {asset}", asset=quote), "%")]
        rows += [
            (a.asset, holding(a.quantity, a.asset), money(a.value), percent(a.percent))
            for a in summary.allocations
        ]
        lines.append(_table(rows, (False, True, True, True)))
    else:
        lines.append(_("No holdings."))
    figures = [
        (_("Realized PnL"), f"{signed_money(summary.realized_pnl)} {quote}"),
        (_("Unrealized PnL"), f"{signed_money(summary.unrealized_pnl)} {quote}"),
        (_("Fees paid"), f"{money(summary.fees)} {quote}"),
        (_("Open positions"), str(summary.open_positions)),
        (_("Open orders"), str(summary.open_orders)),
    ]
    lines.append(_table(figures, (False, True)))
    return "\n".join(lines)


def pnl(summary: PortfolioSummary) -> str:
    quote = summary.quote_asset
    return "\n".join([
        _("📊 <b>Profit and loss</b>"),
        t("Total: <b>{pnl}</b> ({percent})", pnl=signed_money(summary.total_pnl, quote),
          percent=percent(summary.total_pnl_percent, signed=True)),
        t("Realized: {pnl} (after fees)", pnl=signed_money(summary.realized_pnl, quote)),
        t("Unrealized: {pnl}", pnl=signed_money(summary.unrealized_pnl, quote)),
        t("Fees paid: {money}", money=money(summary.fees, quote)),
    ])


def period_pnl(figures: PeriodPnl) -> str:
    """PnL of the last 24 hours, 7 or 30 days: the fills of that period, and what is open now."""
    quote = figures.quote_asset
    return "\n".join([
        t("📊 <b>Profit and loss, last {period}</b>", period=escape(period_label(figures.period))),
        t("Realized: {pnl} from {trades} fills", pnl=signed_money(figures.realized_pnl, quote), trades=figures.trades),
        t("Fees paid: {money}", money=money(figures.fees, quote)),
        t("Unrealized now: {pnl}", pnl=signed_money(figures.unrealized_pnl, quote)),
        "<i>" + t("Since {time} UTC.", time=f"{figures.since:%Y-%m-%d %H:%M}") + "</i>",
    ])


def balances(items: Sequence[Balance]) -> str:
    if not items:
        return _("💰 <b>Balances</b>") + "\n" + _("Nothing yet.")
    rows = [(_("Asset"), _("Free"), _("Locked"), _("Total"))]
    rows += [(b.asset, *(holding(v, b.asset) for v in (b.free, b.locked, b.total))) for b in items]
    return _("💰 <b>Balances</b>") + "\n" + _table(rows, (False, True, True, True))


def positions(items: Sequence[Position]) -> str:
    if not items:
        return _("📈 <b>Positions</b>") + "\n" + _("No open positions.")
    lines = [_("📈 <b>Positions</b>")]
    for p in items:
        base, quote = pair_assets(p.symbol)
        line = (f"• <b>{escape(p.symbol)}</b> {amount(p.quantity, base)} @ {price(p.entry_price, quote, market=p.symbol)}")
        if p.current_price is not None:
            change = (p.current_price - p.entry_price) / p.entry_price * 100 if p.entry_price else ZERO
            line += ", " + t("now {price}: {pnl} ({percent})", price=price(p.current_price, quote, market=p.symbol),
                             pnl=signed_money(p.unrealized_pnl, quote), percent=percent(change, signed=True))
        if p.stop_loss is not None:
            line += f" · SL {price(p.stop_loss, quote, market=p.symbol)}"
        if p.take_profit is not None:
            line += f" · TP {price(p.take_profit, quote, market=p.symbol)}"
        lines.append(line)
    return "\n".join(lines)


def live_positions(items: Sequence[tuple[str, Position]]) -> str:
    """Open positions on connected exchange accounts (a short on perpetuals says so)."""
    lines = [_("🔴 <b>LIVE positions</b>")]
    for index, (account, p) in enumerate(items, start=1):
        base, quote = pair_assets(p.symbol)
        side = _("short") if p.side.value == "sell" else _("long")
        lines.append(f"{index}. <b>{escape(p.symbol)}</b> {side} {amount(p.quantity, base)} @ "
                     f"{price(p.entry_price, quote)} · {escape(account)}")
    return "\n".join(lines)


def open_orders(items: Sequence[Order]) -> str:
    if not items:
        return _("📝 <b>Open orders</b>") + "\n" + _("No open orders.")
    lines = [_("📝 <b>Open orders</b>")]
    lines.extend(order_line(order, index) for index, order in enumerate(items, start=1))
    return "\n".join(lines)


def live_open_orders(items: Sequence[tuple[str, Order]]) -> str:
    """Open orders on connected exchange accounts, each under its account's name."""
    lines = [_("🔴 <b>LIVE open orders</b>")]
    lines.extend(f"{order_line(order, index)} · {escape(account)}" for index, (account, order) in enumerate(items, start=1))
    return "\n".join(lines)


def history(page: TradePage) -> str:
    title = _("🧾 <b>Trade history</b>")
    if page.period is not None:
        title += " · " + escape(period_label(page.period))
    if not page.items:
        return title + "\n" + (_("No trades in this period.") if page.period else _("No trades yet."))
    rows = [(_("Date"), _("Pair"), _("Side"), _("Amount"), _("Price"), _("Fee"), _("PnL"))]
    for record in page.items:
        fill = record.fill
        rows.append((
            short_datetime(fill.executed_at),
            record.symbol,
            _(SIDE_LABELS[fill.side]),
            number(fill.quantity),
            price(fill.price, market=record.symbol),
            money(fill.fee),
            "" if record.realized_pnl is None else signed_money(record.realized_pnl),
        ))
    head = title + " " + t("(page {page} of {pages}, {total} trades)", page=page.page,
                                                    pages=page.pages, total=page.total)
    return head + "\n" + _table(rows, (False, False, False, True, True, True, True))


def live_accounts(items: Sequence[LiveAccountView]) -> str:
    """Each connected exchange account beside the paper portfolio, as last synced."""
    parts = []
    for item in items:
        lines = [f"🔴 <b>LIVE</b> · {escape(item.portfolio.name)} " + _("(synced from the exchange)")]
        if item.balances:
            rows = [(_("Asset"), _("Free"), _("Locked"), _("Total"))]
            rows += [(b.asset, *(holding(v, b.asset) for v in (b.free, b.locked, b.total))) for b in item.balances]
            lines.append(_table(rows, (False, True, True, True)))
        else:
            lines.append(_("No balances."))
        quote = item.portfolio.base_currency
        lines.append(t("Open positions: {positions} · Open orders: {orders} · Realized PnL: {pnl}",
                       positions=len(item.positions), orders=item.open_orders,
                       pnl=signed_money(item.portfolio.realized_pnl, quote)))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
