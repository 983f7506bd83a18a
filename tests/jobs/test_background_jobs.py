"""Scheduled jobs end to end: a price becomes a tick, fires an alert, the outbox delivers it once
through the real aiogram session to the local Bot API server."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.alert_evaluator import AlertEvaluator
from bot.client import build_bot
from bot.outbox import NotificationOutbox
from bot.scheduler import AlertWatcher, BackgroundJobs, SignalWatcher
from bot.sender import Sender
from db.market_updates import MarketUpdates
from db.models import Notification, TelegramUser
from db.repositories.alerts import AlertOwner
from domain.errors import MarketDataUnavailable
from domain.services.alerts import AlertService
from domain.services.portfolio import PortfolioService
from domain.services.signals import SignalService
from tests.e2e.conftest import bot_api  # noqa: F401 - the local Bot API server fixture
from tests.e2e.fake_bot_api import TOKEN


class Market:
    def __init__(self, prices: dict[str, Decimal]) -> None:
        self.prices = prices
        self.asked: list[str] = []

    async def current_price(self, symbol: str) -> Decimal:
        self.asked.append(symbol)
        if symbol not in self.prices:
            raise MarketDataUnavailable(f"no market for {symbol}")
        return self.prices[symbol]

    async def price_at(self, symbol, when):
        return None


async def _alert(uow_factory, market, symbol="SOL/USDT", target="120") -> None:
    async with uow_factory() as uow:
        tg = await uow.session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == 99))
        if tg is None:
            tg = TelegramUser(telegram_id=99, chat_id=99)
            uow.session.add(tg)
            await uow.commit()
        await AlertService(market).create(uow, AlertOwner(tg.id, None), symbol, target_price=Decimal(target))


def _jobs(uow_factory, redis, market, bot_api, **kwargs) -> BackgroundJobs:
    updates = MarketUpdates(redis, "alerts", "jobs")
    bot = build_bot(TOKEN, uow_factory, api_url=bot_api.base_url)
    return BackgroundJobs(
        uow_factory=uow_factory, prices=market,
        consumers=[AlertWatcher(updates), SignalWatcher(SignalService(
            market, PortfolioService(market, quote_asset="USDT", starting_balance=Decimal(10000))))],
        outbox=NotificationOutbox(uow_factory, Sender(bot, uow_factory)),
        evaluator=AlertEvaluator(uow_factory, AlertService(market), updates), **kwargs,
    )


async def test_a_price_move_fires_the_alert_and_the_queue_delivers_it_once(uow_factory, redis_client, bot_api):
    market = Market({"SOL/USDT": Decimal("130")})
    await _alert(uow_factory, market)
    jobs = _jobs(uow_factory, redis_client, market, bot_api)

    market.prices["SOL/USDT"] = Decimal("119")
    await jobs.watch_prices()
    await jobs.evaluate_ticks()
    await jobs.deliver_notifications()
    await jobs.deliver_notifications()

    [text] = bot_api.texts_to(99)
    assert "SOL/USDT" in text and "119" in text
    async with uow_factory() as uow:
        assert (await uow.session.scalar(select(Notification))).status == "sent"


async def test_a_symbol_without_price_is_skipped_and_others_still_checked(uow_factory, redis_client, bot_api):
    market = Market({"BTC/USDT": Decimal("60000")})
    await _alert(uow_factory, Market({"ZZZ/USDT": Decimal("1")}), symbol="ZZZ/USDT", target="2")
    await _alert(uow_factory, market, symbol="BTC/USDT", target="59000")
    market.prices["BTC/USDT"] = Decimal("58000")
    jobs = _jobs(uow_factory, redis_client, market, bot_api)
    await jobs.watch_prices()
    await jobs.evaluate_ticks()
    assert sorted(market.asked[-2:]) == ["BTC/USDT", "ZZZ/USDT"]
    async with uow_factory() as uow:
        [note] = (await uow.session.scalars(select(Notification))).all()
        assert note.payload["symbol"] == "BTC/USDT"


async def test_the_scheduler_runs_the_jobs_on_their_interval(uow_factory, redis_client, bot_api):
    market = Market({"SOL/USDT": Decimal("130")})
    await _alert(uow_factory, market)
    market.prices["SOL/USDT"] = Decimal("110")
    jobs = _jobs(uow_factory, redis_client, market, bot_api, price_interval_seconds=0.1,
                 notify_interval_seconds=0.1, tick_interval_seconds=0.1)
    scheduler = AsyncIOScheduler(timezone="UTC")
    jobs.schedule(scheduler)
    scheduler.start()
    try:
        await bot_api.wait_for(lambda: bot_api.texts_to(99), timeout=10)
        await asyncio.sleep(0.5)
    finally:
        scheduler.shutdown(wait=False)
    assert len(bot_api.texts_to(99)) == 1
