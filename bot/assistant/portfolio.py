"""Portfolio intents (portfolio, balance, positions, orders, pnl, history) and the screens the
/portfolio, /balance, /positions, /orders and /history commands share with them."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

from bot.assistant.context import IntentContext, IntentHandler, answer_only
from bot.charts import ChartRenderer
from bot.render import portfolio as render
from bot.text_handler import TextReply
from bot.trading_callbacks import history_keyboard, live_positions_keyboard, open_orders_keyboard
from bot.i18n import _, t
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import TradingServices
from domain.models import Portfolio, Position
from domain.ports import utc_now
from domain.numbers import ZERO
from domain.services.portfolio import PERIODS
from nlp.models import ParsedCommand

log = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 10


async def portfolio_screen(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, charts: ChartRenderer | None = None
) -> TextReply:
    """The summary table, with the allocation chart when there is more than cash to show."""
    summary = await trading.portfolios.summary(uow, user_id)
    photo = None
    holdings = [(a.asset, a.value) for a in summary.allocations if a.value > ZERO]
    if charts is not None and len(holdings) > 1:
        try:
            photo = await charts.allocation(holdings, _("Allocation"))  # translated here: drawn in another process
        except Exception:  # a chart is a bonus: the table still answers
            log.warning("Allocation chart failed", exc_info=True)
    return TextReply(await _with_live(trading, uow, user_id, render.portfolio_summary(summary)), photo=photo)


async def _with_live(trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, paper: str) -> str:
    """``paper`` with the user's connected exchange accounts beside it, when there are any."""
    live = await trading.portfolios.live_accounts(uow, user_id)
    return paper if not live else f"{paper}\n\n{render.live_accounts(live)}"


async def pnl_screen(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, period: str | None = None
) -> TextReply:
    """All-time PnL, or that of a recent period ("PnL today", "this week") when one is named."""
    if period in PERIODS:
        return TextReply(render.period_pnl(await trading.portfolios.period_pnl(uow, user_id, period, utc_now())))
    return TextReply(render.pnl(await trading.portfolios.summary(uow, user_id)))


async def balance_screen(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, asset: str | None = None
) -> TextReply:
    balances = await trading.portfolios.balances(uow, user_id)
    if asset:
        wanted = [b for b in balances if b.asset == asset.upper()]
        if not wanted:
            return TextReply(t("You hold no {asset}.", asset=render.escape(asset.upper())))
        balances = wanted
    return TextReply(await _with_live(trading, uow, user_id, render.balances(balances)))


async def positions_screen(trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID) -> TextReply:
    text = render.positions(await trading.portfolios.positions(uow, user_id))
    live = await live_positions(uow, user_id)
    if not live:
        return TextReply(text)
    text += "\n\n" + render.live_positions([(p.name, position) for p, position in live])
    return TextReply(text, live_positions_keyboard([position for _, position in live]))


async def live_positions(uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[tuple[Portfolio, Position]]:
    """The user's open positions on connected exchange accounts, with their account."""
    return [(portfolio, position) for portfolio in await uow.live.portfolios(user_id)
            for position in await uow.positions.list_open(portfolio.id)]


async def orders_screen(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str | None = None
) -> TextReply:
    orders = await trading.portfolios.open_orders(uow, user_id, symbol)
    live = [(p.name, o) for p, live_orders in await uow.live.open_orders_by_portfolio(user_id)
            for o in live_orders if symbol is None or o.symbol == symbol]
    text = render.open_orders(orders)
    if live:
        text += "\n\n" + render.live_open_orders(live)
    return TextReply(text, open_orders_keyboard(orders, [o for _, o in live]))


async def history_screen(
    trading: TradingServices, uow: TradingUnitOfWork, user_id: uuid.UUID, page: int = 1, period: str | None = None
) -> TextReply:
    trades = await trading.portfolios.trade_history(uow, user_id, page, HISTORY_PAGE_SIZE, period=period,
                                                    now=utc_now())
    return TextReply(render.history(trades), history_keyboard(trades.page, trades.pages, trades.period))


# -- intent handlers ----------------------------------------------------------------------------


def _no_account(ctx: IntentContext) -> TextReply | None:
    return TextReply(_(render.NO_ACCOUNT), ai_command_id=ctx.ai_command_id) if ctx.user_id is None else None


def _tagged(reply: TextReply, ctx: IntentContext) -> TextReply:
    return replace(reply, ai_command_id=ctx.ai_command_id)


@answer_only
async def portfolio(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    return _tagged(await portfolio_screen(ctx.services.trading, ctx.uow, ctx.user_id, ctx.services.charts), ctx)


@answer_only
async def balance(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    asset = parsed.entities.get("asset")
    return _tagged(await balance_screen(ctx.services.trading, ctx.uow, ctx.user_id, asset), ctx)


@answer_only
async def positions(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    return _tagged(await positions_screen(ctx.services.trading, ctx.uow, ctx.user_id), ctx)


@answer_only
async def orders(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    symbol = parsed.entities.get("symbol")
    return _tagged(await orders_screen(ctx.services.trading, ctx.uow, ctx.user_id, symbol), ctx)


@answer_only
async def pnl(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    period = parsed.entities.get("period")
    return _tagged(await pnl_screen(ctx.services.trading, ctx.uow, ctx.user_id, period), ctx)


@answer_only
async def history(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if (early := _no_account(ctx)) is not None:
        return early
    assert ctx.user_id is not None
    period = parsed.entities.get("period")
    return _tagged(await history_screen(ctx.services.trading, ctx.uow, ctx.user_id, period=period), ctx)


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "portfolio": portfolio,
    "balance": balance,
    "positions": positions,
    "orders": orders,
    "pnl": pnl,
    "history": history,
}
