"""``system_metrics`` for every update: how long it took, the share of recent updates that
failed, and the process's memory. Recording only queues a point (see db/timeseries.py), so an
update never waits for the time-series server."""

from __future__ import annotations

import resource
import socket
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from db.timeseries import TimeSeries

SERVICE = "telegram_bot"
ERROR_WINDOW = 100  # the error rate is over this many latest updates
# Memory moves slowly; reading it (a file read) on every update cost more than the rest of the
# middleware, so one reading serves the updates of the next second.
MEMORY_READ_EVERY_SECONDS = 1.0
_STATM = Path("/proc/self/statm")


def memory_usage_mb() -> float:
    """Resident memory now (Linux), else the peak the OS reports."""
    try:
        resident_pages = int(_STATM.read_text().split()[1])
        return resident_pages * resource.getpagesize() / 2**20
    except (OSError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


class MetricsMiddleware(BaseMiddleware):
    def __init__(self, time_series: TimeSeries, instance: str | None = None) -> None:
        self._time_series = time_series
        self._instance = instance or socket.gethostname()
        self._outcomes: deque[bool] = deque(maxlen=ERROR_WINDOW)  # True: the update failed
        self._memory_mb = 0.0
        self._memory_read_at = float("-inf")

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        failed = True
        try:
            result = await handler(event, data)
            failed = False
            return result
        finally:
            self._outcomes.append(failed)
            finished = time.perf_counter()
            if finished - self._memory_read_at >= MEMORY_READ_EVERY_SECONDS:
                self._memory_mb, self._memory_read_at = memory_usage_mb(), finished
            self._time_series.system_metrics(
                SERVICE, self._instance, response_time_ms=(finished - started) * 1000,
                error_rate=sum(self._outcomes) / len(self._outcomes), memory_usage_mb=self._memory_mb)
