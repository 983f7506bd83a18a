"""Scheduled jobs (APScheduler 3.x): watch prices, evaluate alerts, deliver notifications, tidy up.

- ``watch_prices`` asks the market for the price of every symbol someone watches (alerts,
  followed signals, open paper orders) and hands each price to the services that react to it;
  alert prices go out as ticks on the ``market_updates:{symbol}`` streams.
- ``evaluate_ticks`` / ``evaluate_candles`` run the alert evaluator (bot/alert_evaluator.py).
- ``deliver_notifications`` drains the durable notification queue (bot/outbox.py).
- periodic jobs (trading performance, scoring technical calls, housekeeping) on their periods.

Each job run uses its own units of work and never raises into the scheduler: a failed run is
logged and the next run tries again. Jobs never overlap themselves (max_instances=1).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alert_evaluator import AlertEvaluator
from bot.outbox import NotificationOutbox
from db.market_updates import MarketUpdates
from db.uow import UnitOfWork
from domain.errors import DomainError

log = logging.getLogger(__name__)


class PriceReader(Protocol):
    async def current_price(self, symbol: str) -> Decimal: ...


class PriceConsumer(Protocol):
    """Something that reacts to a price: it names what it watches and handles each price."""

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]: ...
    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None: ...


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    minutes: float
    run: Callable[[], Awaitable[int]]  # returns how many things it handled

    async def guarded(self) -> None:
        try:
            await self.run()
        except Exception:  # noqa: BLE001 - one failed run must not kill the scheduler; the next retries
            log.exception("%s: run failed", self.name)


@dataclass
class BackgroundJobs:
    uow_factory: Callable[[], UnitOfWork]
    prices: PriceReader
    consumers: Sequence[PriceConsumer]
    outbox: NotificationOutbox
    evaluator: AlertEvaluator | None = None
    on_price_read: Callable[[str, Decimal], Awaitable[None]] | None = None
    price_interval_seconds: float = 15
    notify_interval_seconds: float = 3
    tick_interval_seconds: float = 1
    candle_interval_seconds: float = 30
    # Hourly; each user gets theirs at their summary hour, local time (see bot/daily_summary.py).
    daily_summary: Callable[[], Awaitable[int]] | None = None
    # Further jobs on a fixed period: trading performance metrics, scoring expired technical calls,
    # housekeeping (bot/housekeeping.py).
    periodic: Sequence[PeriodicJob] = ()
    stats: dict[str, int] = field(default_factory=lambda: {"prices": 0})

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
        scheduler.add_job(self.watch_prices, "interval", seconds=self.price_interval_seconds,
                          id="watch_prices", **common)
        scheduler.add_job(self.deliver_notifications, "interval", seconds=self.notify_interval_seconds,
                          id="deliver_notifications", **common)
        scheduler.add_job(self.release_stuck_notifications, "interval", minutes=1,
                          id="release_stuck_notifications", **common)
        if self.evaluator is not None:
            scheduler.add_job(self.evaluate_ticks, "interval", seconds=self.tick_interval_seconds,
                              id="evaluate_ticks", **common)
            scheduler.add_job(self.evaluate_candles, "interval", seconds=self.candle_interval_seconds,
                              id="evaluate_candles", **common)
        if self.daily_summary is not None:
            scheduler.add_job(self.daily_summary, "cron", minute=0, id="daily_summary", **common)
        for job in self.periodic:
            scheduler.add_job(job.guarded, "interval", minutes=job.minutes, id=job.name, **common)

    def job(self, name: str) -> PeriodicJob:
        return next(job for job in self.periodic if job.name == name)

    async def watch_prices(self) -> None:
        try:
            symbols = await self._watched_symbols()
        except Exception:  # noqa: BLE001 - a database outage must not kill the scheduler
            log.exception("price watch: could not read the watched symbols")
            return
        for symbol in sorted(symbols):
            try:
                price = await self.prices.current_price(symbol)
            except DomainError as error:
                log.warning("price watch: no price for %s: %s", symbol, error.user_message)
                continue
            self.stats["prices"] += 1
            if self.on_price_read is not None:
                await self.on_price_read(symbol, price)
            for consumer in self.consumers:
                try:
                    async with self.uow_factory() as uow:
                        await consumer.on_price(uow, symbol, price)
                except Exception:  # noqa: BLE001 - one failing consumer must not starve the others
                    log.exception("price watch: %s failed on %s", type(consumer).__name__, symbol)

    async def _watched_symbols(self) -> set[str]:
        symbols: set[str] = set()
        async with self.uow_factory() as uow:
            for consumer in self.consumers:
                symbols.update(await consumer.watched_symbols(uow))
        return symbols

    async def evaluate_ticks(self) -> None:
        try:
            await self.evaluator.process_ticks()  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - unacknowledged ticks are read again next run
            log.exception("alerts: evaluating ticks failed")

    async def evaluate_candles(self) -> None:
        try:
            await self.evaluator.process_candles()  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001
            log.exception("alerts: evaluating candle closes failed")

    async def deliver_notifications(self) -> None:
        try:
            await self.outbox.run_once()
        except Exception:  # noqa: BLE001
            log.exception("notifications: delivery run failed")

    async def release_stuck_notifications(self) -> None:
        try:
            await self.outbox.release_stuck()
        except Exception:  # noqa: BLE001
            log.exception("notifications: releasing stuck rows failed")


class AlertWatcher:
    """Puts the prices of symbols with alerts on their ``market_updates`` stream as ticks."""

    def __init__(self, updates: MarketUpdates) -> None:
        self._updates = updates

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]:
        return await uow.alerts.watched_symbols()

    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None:
        await self._updates.publish(symbol, price)


class SignalWatcher:
    """Adapts the signal service to the price watch."""

    def __init__(self, signal_service: Any) -> None:
        self._service = signal_service

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]:
        return await self._service.watched_symbols(uow)

    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None:
        await self._service.on_price(uow, symbol, price)
