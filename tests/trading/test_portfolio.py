"""The default paper portfolio and what the portfolio views report."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D

from domain.enums import OrderSide, OrderType
from domain.models import OrderRequest
from domain.services.risk import RiskService


async def place(trading, user, request):
    async with trading.unit() as uow:
        p = await trading.orders.preview(uow, user, request)
    async with trading.unit() as uow:
        return await trading.orders.confirm(uow, p.token, user)


async def test_default_portfolio_is_created_once_with_the_starting_balance(trading, alice):
    async def ensure():
        async with trading.unit() as uow:
            return await trading.portfolios.ensure_default(uow, alice)

    first, second = await asyncio.gather(ensure(), ensure())
    assert first.id == second.id and first.is_paper and first.initial_balance == D("10000")
    assert await trading.scalar("select count(*) from portfolios") == 1
    async with trading.unit() as uow:
        [usdt] = await trading.portfolios.balances(uow, alice)
    assert (usdt.asset, usdt.free, usdt.locked) == ("USDT", D("10000"), D(0))


async def test_summary_values_holdings_at_market_and_pnl_adds_up(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    await place(trading, alice, OrderRequest("ETH/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("1"), price=D("2500")))
    trading.prices.prices["BTC/USDT"] = D("52000")
    async with trading.unit() as uow:
        summary = await trading.portfolios.summary(uow, alice)
    # USDT: 10,000 - 5,007.5025 (BTC buy) ; 2,502.5 of it locked by the ETH limit
    assert summary.total_value == D("4992.4975") + D("5200")
    assert [(a.asset, a.value) for a in summary.allocations] == [("BTC", D("5200")), ("USDT", D("4992.4975"))]
    assert round(summary.allocations[0].percent, 2) == D("51.02")
    assert (summary.realized_pnl, summary.unrealized_pnl, summary.fees) == (D("-5.0025"), D("197.5"), D("5.0025"))
    assert summary.total_pnl == summary.realized_pnl + summary.unrealized_pnl == D("192.4975")
    assert (summary.open_positions, summary.open_orders) == (1, 1)


async def test_positions_are_marked_to_market(trading, alice):
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1")))
    trading.prices.prices["BTC/USDT"] = D("49000")
    async with trading.unit() as uow:
        [position] = await trading.portfolios.positions(uow, alice)
    assert (position.current_price, position.unrealized_pnl) == (D("49000"), D("-102.5"))


async def test_trade_history_is_paged_newest_first(trading, alice):
    for _ in range(3):
        await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.01")))
        trading.clock.advance(minutes=1)
    async with trading.unit() as uow:
        first = await trading.portfolios.trade_history(uow, alice, page=1, page_size=2)
        second = await trading.portfolios.trade_history(uow, alice, page=2, page_size=2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (3, 2, 2, 1)
    times = [t.fill.executed_at for t in first.items + second.items]
    assert times == sorted(times, reverse=True) and first.items[0].symbol == "BTC/USDT"


async def test_open_orders_by_symbol(trading, alice):
    await place(trading, alice, OrderRequest("ETH/USDT", OrderSide.BUY, OrderType.LIMIT, amount=D("1"), price=D("2500")))
    async with trading.unit() as uow:
        assert [o.symbol for o in await trading.portfolios.open_orders(uow, alice)] == ["ETH/USDT"]
        assert await trading.portfolios.open_orders(uow, alice, "BTC/USDT") == []


async def test_portfolio_risk_flags_concentration_and_missing_stops(trading, alice):
    risk = RiskService(trading.prices, trading.portfolios, max_position_percent=D("25"))
    await place(trading, alice, OrderRequest("BTC/USDT", OrderSide.BUY, amount=D("0.1"), stop_loss=D("48000")))
    await place(trading, alice, OrderRequest("ETH/USDT", OrderSide.BUY, amount=D("0.5")))
    async with trading.unit() as uow:
        report = await risk.portfolio_risk(uow, alice)
    assert [e.asset for e in report.exposures] == ["BTC", "ETH"]
    btc, eth = report.exposures
    assert (btc.value, btc.stop_loss, btc.loss_at_stop) == (D("5000"), D("48000"), D("200"))
    assert (eth.value, eth.loss_at_stop) == (D("1500"), None)
    assert report.without_stop_loss == ("ETH",) and report.capital_at_risk == D("200")
    # 6,500 of 9,990.24675 in coins; BTC alone is over the 25 % limit
    assert round(report.exposure_percent, 2) == D("65.06") and report.level == "high"
    assert round(report.concentration, 4) == round((D(5000) / 6500) ** 2 + (D(1500) / 6500) ** 2, 4)
    assert report.market is None  # no candles: no volatility or VaR to report


async def test_position_size_against_the_portfolio(trading, alice):
    risk = RiskService(trading.prices, trading.portfolios, max_position_percent=D("25"))
    async with trading.unit() as uow:
        sizing = await risk.position_size(uow, alice, "BTC/USDT", D("49000"), risk_percent=D("1"))
    assert (sizing.entry, sizing.quantity) == (D("50000"), D("0.09099"))
