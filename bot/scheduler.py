"""Scheduled jobs (APScheduler 3.x): watch prices, deliver queued notifications.

- ``watch_prices`` asks the market for the price of every symbol someone watches (alerts,
  followed signals, open paper orders) and hands each price to the services that react to it.
- ``deliver_notifications`` drains the durable notification queue through the bot's sender.

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

from bot.render.notifications import render
from db.repositories.notifications import OutboundNotification
from db.uow import UnitOfWork
from domain.errors import DomainError

log = logging.getLogger(__name__)


class PriceReader(Protocol):
    async def current_price(self, symbol: str) -> Decimal: ...


class PriceConsumer(Protocol):
    """Something that reacts to a price: it names what it watches and handles each price."""

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]: ...
    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None: ...


# Sends one notification; raises to signal a failure worth retrying.
Deliver = Callable[[OutboundNotification], Awaitable[None]]


class PermanentDeliveryError(Exception):
    """The notification can never be delivered (e.g. the user blocked the bot)."""


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
    deliver: Deliver
    on_price_read: Callable[[str, Decimal], Awaitable[None]] | None = None
    price_interval_seconds: float = 15
    notify_interval_seconds: float = 3
    # Hourly; each user gets theirs at 08:00 local time (see bot/daily_summary.py).
    daily_summary: Callable[[], Awaitable[int]] | None = None
    # Further jobs on a fixed period: trading performance metrics, scoring expired technical calls.
    periodic: Sequence[PeriodicJob] = ()
    batch_size: int = 50
    stats: dict[str, int] = field(default_factory=lambda: {"prices": 0, "sent": 0, "failed": 0})

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
        scheduler.add_job(self.watch_prices, "interval", seconds=self.price_interval_seconds,
                          id="watch_prices", **common)
        scheduler.add_job(self.deliver_notifications, "interval", seconds=self.notify_interval_seconds,
                          id="deliver_notifications", **common)
        scheduler.add_job(self.release_stuck_notifications, "interval", minutes=5,
                          id="release_stuck_notifications", **common)
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

    async def deliver_notifications(self) -> None:
        try:
            async with self.uow_factory() as uow:
                batch = await uow.notifications.claim_due(limit=self.batch_size)
                await uow.commit()
        except Exception:  # noqa: BLE001
            log.exception("notifications: could not claim the next batch")
            return
        for notification in batch:
            await self._deliver_one(notification)

    async def _deliver_one(self, notification: OutboundNotification) -> None:
        outcome: tuple[str, bool] | None = None  # (error, retry)
        try:
            await self.deliver(notification)
        except PermanentDeliveryError as error:
            outcome = (str(error), False)
        except Exception as error:  # noqa: BLE001 - network, Telegram 5xx...: retried with backoff
            outcome = (f"{type(error).__name__}: {error}", True)
        async with self.uow_factory() as uow:
            if outcome is None:
                await uow.notifications.mark_sent(notification.id)
                self.stats["sent"] += 1
            else:
                await uow.notifications.mark_failed(notification.id, outcome[0], retry=outcome[1])
                self.stats["failed"] += 1
                log.warning("notification %s not delivered: %s", notification.id, outcome[0])
            await uow.commit()

    async def release_stuck_notifications(self) -> None:
        async with self.uow_factory() as uow:
            released = await uow.notifications.release_stuck()
            await uow.commit()
        if released:
            log.warning("notifications: %d left 'sending' by a stopped worker were queued again", released)


def telegram_delivery(sender: Any) -> Deliver:
    """Deliver through the bot's sender, rendering each payload by its type."""

    async def deliver(notification: OutboundNotification) -> None:
        if not notification.wanted:
            raise PermanentDeliveryError("switched off by the user in /settings")
        if not await sender.send_to_user(notification.chat_id, render(notification.notification_type, notification.payload)):
            raise PermanentDeliveryError("the user has blocked the bot")

    return deliver


class AlertWatcher:
    """Adapts the alert service to the price watch."""

    def __init__(self, alert_service: Any) -> None:
        self._service = alert_service

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]:
        return await uow.alerts.watched_symbols()

    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None:
        await self._service.check(uow, symbol, price)


class SignalWatcher:
    """Adapts the signal service to the price watch."""

    def __init__(self, signal_service: Any) -> None:
        self._service = signal_service

    async def watched_symbols(self, uow: UnitOfWork) -> Sequence[str]:
        return await self._service.watched_symbols(uow)

    async def on_price(self, uow: UnitOfWork, symbol: str, price: Decimal) -> None:
        await self._service.on_price(uow, symbol, price)
