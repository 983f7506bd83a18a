"""Rendering: numbers as people write them, the confirmation card, results, portfolio tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from bot.render import portfolio as render_portfolio
from bot.render import trading as render
from bot.trading_callbacks import (
    HistoryCallback,
    AccountPickCallback,
    ConnectCallback,
    LiveOrderCallback,
    OpenOrderAction,
    OpenOrderCallback,
    OrderAction,
    OrderCallback,
    confirmation_keyboard,
)
from domain.enums import OrderSide, OrderStatus, OrderType
from domain.models import Balance, Fill, Order, Portfolio, Position, TradeRecord
from domain.services.paper_broker import OrderEvent
from domain.services.portfolio import Allocation, PortfolioSummary, TradePage
from domain.services.previews import OrderPreview, RiskWarning, WarningCode

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _preview(**changes) -> OrderPreview:
    values = dict(
        token="AbC-_123xyz9", expires_at=NOW + timedelta(minutes=2), symbol="BTC/USDT", side=OrderSide.BUY,
        order_type=OrderType.MARKET, amount=D("0.1"), price=None, stop_price=None, trailing_percent=None,
        stop_loss=None, take_profit=None, market_price=D("50000"), estimated_price=D("50025.00"),
        estimated_cost=D("5002.5"), estimated_fee=D("5.0025"), base_asset="BTC", quote_asset="USDT",
        base_balance_after=D("0.1"), quote_balance_after=D("4992.4975"), position_share_percent=D("50.025"),
        warnings=(RiskWarning(WarningCode.NO_STOP_LOSS, "No stop-loss: the loss on this position is not limited."),
                  RiskWarning(WarningCode.POSITION_TOO_LARGE, "BTC would be 50.0% of your portfolio <limit 25%>.",
                              {"share": D("50.025"), "limit": D("25")})),
        closes_position=False,
    )
    values.update(changes)
    return OrderPreview(**values)


def test_the_card_shows_pair_side_amount_price_cost_fee_balance_risks_and_expiry():
    card = render.order_card(_preview(), NOW)
    for fragment in ("BUY 0.1 BTC", "BTC/USDT", "Type: market", "≈ 50,025 USDT", "market 50,000 USDT",
                     "Estimated cost: 5,002.50 USDT", "Fee: ≈ 5.00 USDT", "Balance after: 4,992.50 USDT · 0.1 BTC",
                     "No stop-loss", "expires in 2 min"):
        assert fragment in card, fragment
    assert "BTC would be 50% of your portfolio (your limit is 25%)." in card  # worded from code and figures
    limit = render.order_card(_preview(order_type=OrderType.LIMIT, price=D("48000"), stop_loss=D("47000")), NOW)
    assert "Limit price: 48,000 USDT" in limit and "Stop-loss: 47,000 USDT" in limit


def test_buttons_carry_only_the_token_within_64_bytes():
    markup = confirmation_keyboard("AbC-_123xyz9")
    datas = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert datas == ["ord:c:AbC-_123xyz9", "ord:e:AbC-_123xyz9", "ord:x:AbC-_123xyz9", "ord:a:AbC-_123xyz9"]
    assert OrderCallback.unpack(datas[0]) == OrderCallback(action=OrderAction.CONFIRM, token="AbC-_123xyz9")
    longest = [OpenOrderCallback(action=OpenOrderAction.CANCEL, ref="f" * 8).pack(), HistoryCallback(page=99999).pack(),
               AccountPickCallback(token="AbC-_123xyz9", n=99).pack(), LiveOrderCallback(action=OpenOrderAction.CHANGE, ref="f" * 32).pack(),
               ConnectCallback(exchange="binance", market="swap", testnet=1).pack()]
    assert all(len(d.encode()) <= 64 for d in datas + longest)


def _order(**changes) -> Order:
    values = dict(id=uuid.UUID(int=0xABCDEF12 << 96), user_id=uuid.uuid4(), portfolio_id=uuid.uuid4(),
                  symbol="BTC/USDT", side=OrderSide.BUY, order_type=OrderType.MARKET, quantity=D("0.1"),
                  client_order_id="tsr-x", created_at=NOW)
    values.update(changes)
    return Order(**values)


def test_a_fill_shows_price_fee_and_position_and_an_open_order_says_so():
    filled = _order(status=OrderStatus.FILLED, filled_quantity=D("0.1"), average_fill_price=D("50025"),
                    fee=D("5.0025"), fee_currency="USDT")
    position = Position(uuid.uuid4(), filled.user_id, filled.portfolio_id, "BTC/USDT", NOW, quantity=D("0.1"),
                        entry_price=D("50025"), stop_loss=D("48000"))
    text = render.order_result(OrderEvent(filled, ("order.filled",), position=position))
    assert "Bought 0.1 BTC</b> at 50,025 USDT" in text
    assert "Fee: 5.00 USDT" in text and "Position: 0.1 BTC @ 50,025 USDT · SL 48,000 USDT" in text
    assert "<code>abcdef12</code>" in text
    resting = _order(order_type=OrderType.LIMIT, price=D("48000"), status=OrderStatus.OPEN)
    assert "Order open</b>: limit buy 0.1 BTC at 48,000 USDT" in render.order_result(OrderEvent(resting, ()))


def test_portfolio_summary_is_a_monospace_table_with_allocation_pnl_and_fees():
    portfolio = Portfolio(uuid.uuid4(), uuid.uuid4(), "Paper", "USDT", "binance", True, D("10000"), D("-5.0025"), D("5.0025"))
    summary = PortfolioSummary(
        portfolio, "USDT", D("10100"),
        (Allocation("USDT", D("4992.4975"), D(1), D("4992.4975"), D("49.43")),
         Allocation("BTC", D("0.1"), D("51076"), D("5107.6"), D("50.57"))),
        D("-5.0025"), D("105.1"), D("100"), D("1"), D("5.0025"), 1, 0,
    )
    text = render_portfolio.portfolio_summary(summary)
    assert text.count("<pre>") == 2 and "Value: <b>10,100.00 USDT</b> (+100.00 USDT, +1%)" in text
    assert "BTC" in text and "50.57%" in text and "5,107.60" in text and "4,992.50" in text
    assert "Realized PnL" in text and "-5.00 USDT" in text and "Fees paid" in text


def test_balances_positions_orders_and_history():
    assert "0.5" in render_portfolio.balances([Balance("BTC", D("0.5"), D("0"))])
    assert "No open positions" in render_portfolio.positions([])
    orders = render_portfolio.open_orders([_order(order_type=OrderType.LIMIT, price=D("48000"))])
    assert "1. <code>abcdef12</code> BTC/USDT limit buy 0.1 BTC at 48,000 USDT" in orders
    fill = Fill(uuid.uuid4(), "t1", OrderSide.SELL, D("0.05"), D("52000"), D("2.6"), "USDT", False, NOW)
    page = TradePage((TradeRecord("BTC/USDT", fill, D("97.4")),), 2, 10, 11)
    text = render_portfolio.history(page)
    assert "page 2 of 2, 11 trades" in text and "+97.4" in text and "<pre>" in text


def test_the_card_says_paper_or_live_first():
    assert render.order_card(_preview(), NOW).startswith("📝 <b>PAPER</b>")
    live = render.order_card(_preview(live_account="Binance spot (testnet)"), NOW)
    assert live.startswith("🔴 <b>LIVE</b> · Binance spot (testnet)")
    live_buttons = confirmation_keyboard("AbC-_123xyz9", live=True).inline_keyboard[0][0].text
    assert live_buttons == "🔴 Confirm LIVE"
