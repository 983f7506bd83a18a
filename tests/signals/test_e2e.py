"""Signals end to end through the local Bot API server: the real dispatcher, aiogram session,
assistant, PostgreSQL and Redis; the market is moved by the test and the price watch and the
notification sender run as the scheduler runs them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from bot.outbox import NotificationOutbox
from bot.scheduler import BackgroundJobs, SignalWatcher
from db.models import Order, Position, TradingSignal
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import TradingServices
from domain.services.signals import SignalService
from tests.assistant.conftest import running_app
from tests.e2e.conftest import accept_terms
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused from the e2e harness)
from tests.e2e.fake_bot_api import FakeBotApi
from tests.signals.conftest import MovableMarket

USER = 5151
LONG_POST = "BTC/USDT LONG\nEntry 61000-61500\nTP1 62500\nTP2 63500\nTP3 65000\nSL 60200\nLeverage 10x"
SHORT_POST = "ETH/USDT SHORT\nEntry 3000-3020\nTP1 2900\nTP2 2800\nTP3 2700\nSL 3100\nLeverage 5x"
# The same long as a Russian channel writes it: it must be read and traded the same way.
RUSSIAN_LONG_POST = "#BTC/USDT ЛОНГ\nВход: 61000-61500\nТейк 1: 62500\nТейк 2: 63500\nТейк 3: 65000\nСтоп: 60200\nПлечо: 10х"


@dataclass
class SignalApp:
    api: FakeBotApi
    market: MovableMarket
    jobs: BackgroundJobs
    session_factory: object

    async def tick(self, symbol: str, price: str) -> None:
        """The market moves; the price watch and the notification sender each run once."""
        self.market.move(symbol, price)
        await self.jobs.watch_prices()
        await self.jobs.deliver_notifications()

    def pushes(self, fragment: str) -> list[str]:
        return [t for t in self.api.texts_to(USER) if fragment in t]

    async def scalar(self, sql: str):
        async with self.session_factory() as session:  # type: ignore[operator]
            return (await session.execute(text(sql))).scalar()


@pytest.fixture
async def app(bot_api: FakeBotApi, settings, session_factory, redis_client) -> AsyncIterator[SignalApp]:  # noqa: F811
    market = MovableMarket(BTC_USDT="64000", ETH_USDT="2950")
    built: list[SignalService] = []

    def signals(trading: TradingServices) -> SignalService:
        built.append(SignalService(market, trading.portfolios, clock=market.clock))
        return built[0]

    async with running_app(bot_api, settings, session_factory, redis_client, signals) as running:
        sender = running.running.services.sender
        uow_factory = lambda: TradingUnitOfWork(session_factory)  # noqa: E731
        jobs = BackgroundJobs(uow_factory=uow_factory, prices=market, consumers=[SignalWatcher(built[0])],
                              outbox=NotificationOutbox(uow_factory, sender))
        await accept_terms(bot_api, USER)
        yield SignalApp(bot_api, market, jobs, session_factory)


async def _say(app: SignalApp, message: str, expect: str, **kwargs) -> str:
    app.api.send_text(USER, message, **kwargs)
    return await app.api.wait_for_text(USER, expect)


async def _execute(app: SignalApp, post: str, symbol: str) -> str:
    card = await _say(app, post, "Signal read", forward_from_channel="alphacalls")
    app.api.tap(USER, "Execute")
    await app.api.wait_for_text(USER, f"Executed {symbol}")
    return card


@pytest.mark.parametrize(("post", "symbol", "prices", "figures"), [
    (LONG_POST, "BTC/USDT", ("61450", "62500", "63600", "61500"),
     # 100 USDT x 10 = 1,000 at 61,500 = 0.01626 BTC; TP1 closes 50 % (0.00813): +1.63 %, +16.26 % at 10x.
     ("entry reached at 61,500", "target 1/3 reached at 62,500", "+1.63% (+16.26% at 10x)", "closed 0.00813 BTC",
      "Stop moved to 61,500", "target 2/3 reached at 63,500", "closed 0.00487 BTC", "stop 61,500 hit at 61,500")),
    (RUSSIAN_LONG_POST, "BTC/USDT", ("61450", "62500", "63600", "61500"),
     ("entry reached at 61,500", "target 1/3 reached at 62,500", "+1.63% (+16.26% at 10x)", "closed 0.00813 BTC",
      "Stop moved to 61,500", "target 2/3 reached at 63,500", "closed 0.00487 BTC", "stop 61,500 hit at 61,500")),
    (SHORT_POST, "ETH/USDT", ("3010", "2900", "2790", "3000"),
     # 100 USDT x 5 = 500 at 3,000 = 0.1666 ETH; TP1 closes 50 % (0.0833): +3.33 %, +16.67 % at 5x.
     ("entry reached at 3,000", "target 1/3 reached at 2,900", "+3.33% (+16.67% at 5x)", "closed 0.0833 ETH",
      "Stop moved to 3,000", "target 2/3 reached at 2,800", "closed 0.0499 ETH", "stop 3,000 hit at 3,000")),
])
async def test_executed_signal_reaches_entry_tp1_tp2_then_the_stop_each_pushed_once(app, post, symbol, prices, figures):
    await _say(app, "/signalsettings amount 100 split 50/30/20 breakeven on", "Target split: 50/30/20")
    await _execute(app, post, symbol)
    assert await app.scalar("select count(*) from orders where source = 'signal'") == 5  # entry, 3 TPs, stop
    for price in prices:
        await app.tick(symbol, price)
        await app.tick(symbol, price)  # the same price again announces nothing new
    pushes = "\n".join(app.api.texts_to(USER))
    for figure in figures:
        assert figure in pushes, figure
    for once in ("entry reached", "target 1/3", "target 2/3", "hit at"):
        assert len(app.pushes(once)) == 1, once
    assert not app.pushes("target 3/3")
    assert await app.scalar("select state || ':' || outcome from trading_signals") == "closed:breakeven"
    assert await app.scalar("select count(*) from orders where source = 'signal' and signal_id is null") == 0
    assert await app.scalar("select status from positions") == "closed"
    listing = await _say(app, "what signals are active?", "Your signals")
    assert "stopped at entry" in listing and "alphacalls" in listing


async def test_a_repeated_execute_tap_places_nothing(app):
    await _say(app, LONG_POST, "Signal read", forward_from_channel="alphacalls")
    card = next(m for m in app.api.messages.values() if "Signal read" in m.get("text", ""))
    card_copy = {**card, "reply_markup": dict(card["reply_markup"])}
    data = next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row if "Execute" in b["text"])
    first = app.api.tap_data(USER, data, card_copy)
    await app.api.wait_until_acknowledged(first)
    await app.api.wait_for_text(USER, "Executed BTC/USDT")
    second = app.api.tap_data(USER, data, card_copy)
    await app.api.wait_until_acknowledged(second)
    assert await app.scalar("select count(*) from orders") == 5
    assert await app.scalar("select count(*) from trading_signals") == 1


async def test_an_entry_never_reached_expires_and_nothing_else_is_pushed(app):
    await _say(app, "/signalsettings expiry 24", "within 24 h")
    await _say(app, LONG_POST, "Signal read", forward_from_channel="alphacalls")
    app.api.tap(USER, "Track only")
    await app.api.wait_for_text(USER, "Tracking BTC/USDT")
    await app.tick("BTC/USDT", "99600")  # far above every target: nothing counts before the entry
    app.market.now += timedelta(hours=24)
    await app.tick("BTC/USDT", "99000")
    await app.tick("BTC/USDT", "61000")  # the zone, too late
    await app.tick("BTC/USDT", "66000")
    assert len(app.pushes("expired")) == 1
    assert not app.pushes("reached at") and not app.pushes("hit at")
    assert await app.scalar("select state from trading_signals") == "expired"


async def test_a_channel_close_follow_up_closes_the_position(app):
    await _execute(app, LONG_POST, "BTC/USDT")
    await app.tick("BTC/USDT", "61400")
    app.market.move("BTC/USDT", "62000")
    reply = await _say(app, "#BTC/USDT closed", "closed by the channel", forward_from_channel="alphacalls")
    # 0.01626 BTC from 61,500 to 62,000 = +8.13, less the 0.05 % taker fee (0.50406).
    assert "closed 0.01626 BTC at market (+7.63 USDT)" in reply
    async with app.session_factory() as session:  # type: ignore[operator]
        position = await session.scalar(select(Position))
        signal = await session.scalar(select(TradingSignal))
        open_orders = await session.scalar(select(func.count()).select_from(Order).where(Order.status == "open"))
    assert position.status.value == "closed" and position.remaining_size == 0
    assert (signal.state, signal.outcome, open_orders) == ("closed", "closed", 0)
    await app.tick("BTC/USDT", "65000")
    assert not app.pushes("target 1/3")


async def test_a_follow_up_about_two_calls_closes_both_positions(app):
    await _execute(app, LONG_POST, "BTC/USDT")
    app.api.send_text(USER, SHORT_POST, forward_from_channel="alphacalls")
    await app.api.wait_for(lambda: sum("Signal read" in text for text in app.api.texts_to(USER)) == 2 or None)
    app.api.tap(USER, "Execute")
    await app.api.wait_for_text(USER, "Executed ETH/USDT")
    await app.tick("BTC/USDT", "61400")
    await app.tick("ETH/USDT", "3010")
    reply = await _say(app, "Closed #BTC and #ETH in profit ✅", "closed by the channel", forward_from_channel="alphacalls")
    assert "BTC" in reply and "ETH" in reply
    async with app.session_factory() as session:  # type: ignore[operator]
        positions = (await session.scalars(select(Position))).all()
        open_orders = await session.scalar(select(func.count()).select_from(Order).where(Order.status == "open"))
    assert sorted(p.status.value for p in positions) == ["closed", "closed"] and open_orders == 0


async def test_a_stop_beyond_liquidation_is_warned_and_the_position_is_liquidated_where_the_maths_says(app):
    await _say(app, "/signalsettings amount 300 leverage 20", "Maximum leverage: 20x")
    app.market.move("BTC/USDT", "59500")
    post = "BTC/USDT SHORT\nEntry 60000\nTP1 58000\nSL 70000\nLeverage 20x"
    card = await _execute(app, post, "BTC/USDT")
    # Short 0.1 BTC at 60,000 with 300 margin (tier 1: 0.4 %, cum 0):
    # LP = (300 + 0 + 0.1 x 60,000) / (0.1 x 0.004 + 0.1) = 6,300 / 0.1004 = 62,749.00
    assert "liquidation ≈ 62,749" in card and "beyond the liquidation price" in card
    await app.tick("BTC/USDT", "60000")
    await app.tick("BTC/USDT", "62700")
    assert not app.pushes("liquidated at")
    await app.tick("BTC/USDT", "62800")
    [push] = app.pushes("liquidated at")
    assert "liquidated at 62,749" in push and "-300.00 USDT" in push
    assert await app.scalar("select realized_pnl from positions") == Decimal("-301.20000000")  # margin + entry fee
    assert await app.scalar("select outcome from trading_signals") == "liquidated"


async def test_a_russian_post_pasted_without_forwarding_is_read_as_a_signal(app):
    card = await _say(app, RUSSIAN_LONG_POST, "Signal read")
    for figure in ("BTC/USDT", "61,000", "62,500", "65,000", "60,200", "10x"):
        assert figure in card, (figure, card)
