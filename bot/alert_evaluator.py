"""Alert evaluation: ticks from the ``market_updates`` streams and candle closes, through the index.

A tick touches only the alerts the index says it reached (levels crossed, moves large enough);
a candle close computes each watched indicator series once per (symbol, timeframe, indicator,
period) and touches only the alerts that series reached. The service re-checks each candidate
against the database under a row lock, fires, and reports what changed; the index follows.

The index is this process's cache of the active alerts: rebuilt from PostgreSQL at the first run
and every ``rebuild_every``, and brought up to date from the rows changed since the last sync
before each run (alerts set or deleted by any process are seen within one run).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from db.market_updates import MarketUpdates, Tick
from db.uow import UnitOfWork
from domain.alert_index import AlertIndex, SeriesKey
from domain.alert_series import SeriesReading
from domain.alerts import LEVEL_INDICATORS, WINDOWS, AlertTrigger, Indicator, percent_move
from domain.services.alerts import AlertService
from domain.timeframes import TIMEFRAMES

log = logging.getLogger(__name__)

# Rows committed by a transaction that began before the last sync carry an older updated_at.
SYNC_OVERLAP = timedelta(seconds=60)


class AlertEvaluator:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        service: AlertService,
        updates: MarketUpdates,
        *,
        index: AlertIndex | None = None,
        max_tick_age: timedelta = timedelta(minutes=5),
        rebuild_every: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow_factory = uow_factory
        self._service = service
        self._updates = updates
        self.index = index or AlertIndex()
        self._max_tick_age = max_tick_age
        self._rebuild_every = rebuild_every
        self._clock = clock
        self._synced_at: datetime | None = None
        self._rebuilt_at: datetime | None = None
        # Per series: when its next candle will have closed (no fetch before that).
        self._next_close: dict[SeriesKey, datetime] = {}

    async def sync(self) -> None:
        now = self._clock()
        rebuild = self._rebuilt_at is None or now - self._rebuilt_at >= self._rebuild_every
        since = None if rebuild or self._synced_at is None else self._synced_at - SYNC_OVERLAP
        async with self._uow_factory() as uow:
            alerts = await uow.alerts.changed_since(since)
        if since is None:
            self.index.clear()
            self._rebuilt_at = now
        self.index.put_all(alerts)
        self._synced_at = now

    # -- ticks ----------------------------------------------------------------------------------

    async def process_ticks(self) -> list[AlertTrigger]:
        """Evaluate every unread tick of the watched symbols; returns what fired."""
        await self.sync()
        ticks = await self._updates.read(self.index.symbols())
        fired: list[AlertTrigger] = []
        for tick in ticks:
            # An old price must not fire today's alerts; a failed tick stays pending for the next run.
            if self._clock() - tick.at <= self._max_tick_age:
                try:
                    fired += await self.on_tick(tick)
                except Exception:
                    self._updates.reread_pending()
                    raise
            await self._updates.ack([tick])
        return fired

    async def on_tick(self, tick: Tick) -> list[AlertTrigger]:
        symbol, price = tick.symbol, tick.price
        candidates: list[uuid.UUID] = self.index.price_reached(symbol, price)
        starts = {}
        now = self._clock()
        for window in self.index.move_windows(symbol):
            start = starts[window] = await self._service.window_start_price(symbol, window)
            change = percent_move(start, price) if start else None
            candidates += self.index.move_candidates(symbol, window, change, now - WINDOWS[window])
        if not candidates:
            return []
        async with self._uow_factory() as uow:
            evaluation = await self._service.on_tick(uow, symbol, price, candidates, starts)
        self.index.put_all(evaluation.changed)
        return evaluation.triggers

    # -- candle closes --------------------------------------------------------------------------

    async def process_candles(self) -> list[AlertTrigger]:
        """Read each watched indicator series whose candle closed since last time; returns what fired."""
        await self.sync()
        now = self._clock()
        due: dict[tuple[str, str], list[SeriesKey]] = defaultdict(list)
        for key in self.index.indicator_series():
            if now >= self._next_close.get(key, now):
                due[(key[0], key[1])].append(key)
        fired: list[AlertTrigger] = []
        for (symbol, timeframe), keys in due.items():
            try:
                readings = await self._service.read_series(
                    symbol, timeframe, [(Indicator(k[2]), k[3]) for k in keys])
            except Exception:  # noqa: BLE001 - one market's outage must not stop the others
                log.exception("indicator alerts: no candles for %s %s", symbol, timeframe)
                continue
            for key in keys:
                reading = readings.get((Indicator(key[2]), key[3]))
                if reading is None:
                    continue
                # The candle after the one read closes two widths after it opened.
                self._next_close[key] = reading.candle_at + 2 * TIMEFRAMES[timeframe]
                fired += await self._on_reading(key, reading)
        return fired

    async def _on_reading(self, key: SeriesKey, reading: SeriesReading) -> list[AlertTrigger]:
        if Indicator(key[2]) in LEVEL_INDICATORS:
            candidates = self.index.indicator_reached(key, reading.value) if reading.value is not None else []
        else:
            candidates = [a for event in reading.events for a in self.index.event_alerts(key, event)]
        if not candidates:
            return []
        async with self._uow_factory() as uow:
            evaluation = await self._service.on_candle_close(uow, reading, candidates)
        self.index.put_all(evaluation.changed)
        return evaluation.triggers
