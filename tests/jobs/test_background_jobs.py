"""Scheduled jobs end to end on the real database: a price fires an alert, the queue delivers it."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.scheduler import AlertWatcher, BackgroundJobs, PermanentDeliveryError, SignalWatcher
from db.models import Notification, TelegramUser
from db.repositories.alerts import AlertOwner
from domain.errors import MarketDataUnavailable
from domain.services.alerts import AlertService
from domain.services.portfolio import PortfolioService
from domain.services.signals import SignalService


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


class Outbox:
    def __init__(self, fail_with: Exception | None = None) -> None:
        self.sent = []
        self.fail_with = fail_with

    async def __call__(self, notification) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(notification)


async def _alert(uow_factory, market, symbol="SOL/USDT", target="120") -> None:
    async with uow_factory() as uow:
        tg = TelegramUser(telegram_id=99, chat_id=99)
        uow.session.add(tg)
        await uow.commit()
        await AlertService(market).create(uow, AlertOwner(tg.id, None), symbol, target_price=Decimal(target))


def _jobs(uow_factory, market, outbox, **kwargs) -> BackgroundJobs:
    consumers = [AlertWatcher(AlertService(market)), SignalWatcher(SignalService(market, PortfolioService(market, quote_asset="USDT", starting_balance=Decimal(10000))))]
    return BackgroundJobs(uow_factory=uow_factory, prices=market, consumers=consumers, deliver=outbox, **kwargs)


async def test_a_price_move_fires_the_alert_and_the_queue_delivers_it_once(uow_factory):
    market = Market({"SOL/USDT": Decimal("130")})
    await _alert(uow_factory, market)
    outbox = Outbox()
    jobs = _jobs(uow_factory, market, outbox)

    market.prices["SOL/USDT"] = Decimal("119")
    await jobs.watch_prices()
    await jobs.deliver_notifications()
    await jobs.deliver_notifications()

    [sent] = outbox.sent
    assert sent.chat_id == 99 and sent.payload["symbol"] == "SOL/USDT" and sent.payload["price"] == "119"
    async with uow_factory() as uow:
        assert (await uow.session.scalar(select(Notification))).status == "sent"


async def test_delivery_failures_are_retried_or_given_up(uow_factory):
    market = Market({"SOL/USDT": Decimal("130")})
    await _alert(uow_factory, market)
    market.prices["SOL/USDT"] = Decimal("100")
    jobs = _jobs(uow_factory, market, Outbox(fail_with=ConnectionError("network down")))
    await jobs.watch_prices()
    await jobs.deliver_notifications()
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(Notification))
        assert (row.status, row.attempts) == ("pending", 1) and "network down" in row.error

    jobs.deliver = Outbox(fail_with=PermanentDeliveryError("user blocked the bot"))
    async with uow_factory() as uow:  # make the retry due now
        row = await uow.session.scalar(select(Notification))
        row.next_attempt_at = row.created_at
        await uow.commit()
    await jobs.deliver_notifications()
    async with uow_factory() as uow:
        assert (await uow.session.scalar(select(Notification))).status == "failed"


async def test_a_symbol_without_price_is_skipped_and_others_still_checked(uow_factory):
    market = Market({"BTC/USDT": Decimal("60000")})
    await _alert(uow_factory, Market({"ZZZ/USDT": Decimal("1")}), symbol="ZZZ/USDT", target="2")
    async with uow_factory() as uow:
        tg = await uow.session.scalar(select(TelegramUser))
        await AlertService(market).create(uow, AlertOwner(tg.id, None), "BTC/USDT", target_price=Decimal("59000"))
    market.prices["BTC/USDT"] = Decimal("58000")
    jobs = _jobs(uow_factory, market, Outbox())
    await jobs.watch_prices()
    assert sorted(market.asked[-2:]) == ["BTC/USDT", "ZZZ/USDT"]
    async with uow_factory() as uow:
        [note] = (await uow.session.scalars(select(Notification))).all()
        assert note.payload["symbol"] == "BTC/USDT"


async def test_the_scheduler_runs_the_jobs_on_their_interval(uow_factory):
    market = Market({"SOL/USDT": Decimal("130")})
    await _alert(uow_factory, market)
    market.prices["SOL/USDT"] = Decimal("110")
    outbox = Outbox()
    jobs = _jobs(uow_factory, market, outbox, price_interval_seconds=0.1, notify_interval_seconds=0.1)
    scheduler = AsyncIOScheduler(timezone="UTC")
    jobs.schedule(scheduler)
    scheduler.start()
    try:
        for _ in range(100):
            if outbox.sent:
                break
            await asyncio.sleep(0.05)
    finally:
        scheduler.shutdown(wait=False)
    assert len(outbox.sent) == 1
