"""Housekeeping, hourly: retire expired alerts, reset daily counters, archive old message logs,
prune delivered notifications. Each step commits on its own, so one failing step does not undo
the others. (Order confirmations are Redis drafts with a TTL: they expire by themselves.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from db.repositories.housekeeping import HousekeepingRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Housekeeping:
    uow_factory: Callable[[], UnitOfWork]
    archive_messages_after: timedelta = timedelta(days=30)
    prune_notifications_after: timedelta = timedelta(days=14)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # What the last run did, step by step.
    last: dict[str, int] = field(default_factory=dict)

    async def run(self) -> int:
        """Run every step; returns how many rows they touched (details in ``last``)."""
        now = self.clock()
        steps = {
            "alerts_expired": lambda uow: uow.alerts.expire_due(now),
            "counters_reset": lambda uow: uow.repo(HousekeepingRepository).reset_daily_counters(now),
            "messages_archived": lambda uow: uow.repo(HousekeepingRepository).archive_messages(
                now - self.archive_messages_after),
            "notifications_pruned": lambda uow: uow.notifications.prune_sent(now - self.prune_notifications_after),
        }
        done: dict[str, int] = {}
        for name, step in steps.items():
            try:
                async with self.uow_factory() as uow:
                    done[name] = await step(uow)
                    await uow.commit()
            except Exception:  # noqa: BLE001 - the other steps still run
                log.exception("housekeeping: %s failed", name)
        log.info("housekeeping: %s", done)
        self.last = done
        return sum(done.values())
