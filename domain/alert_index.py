"""The alert index: which alerts a new value can affect, found without looking at the others.

Level alerts (prices, RSI levels) sit in books ordered by level, one per watched value and
direction: a price that rose to P affects exactly the "rising" levels <= P, a prefix found by
bisection; a fall, the "falling" levels >= P. Move alerts sit ordered by their percent per
(symbol, window): a move of X% affects the prefix of thresholds <= X. Event alerts (MACD and
moving-average crosses, Bollinger breaks) are grouped by the series they watch.

Keys are floats for speed; float() is monotonic over Decimals, so the index never misses an
alert whose Decimal level is crossed. It only proposes candidates: the caller checks each one
against the stored alert (with Decimals) before anything fires. The index is rebuilt from the
database and kept current from its changes, so it is a cache, never the record.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.alerts import LEVEL_INDICATORS, Alert, AlertKind, watch_level

SeriesKey = tuple[str, str, str, int]  # symbol, timeframe, indicator, period


@dataclass
class _Side:
    keys: list[float] = field(default_factory=list)
    ids: list[uuid.UUID] = field(default_factory=list)

    def add(self, key: float, alert_id: uuid.UUID) -> None:
        at = bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.ids.insert(at, alert_id)

    def discard(self, key: float, alert_id: uuid.UUID) -> None:
        at = bisect_left(self.keys, key)
        while at < len(self.keys) and self.keys[at] == key:
            if self.ids[at] == alert_id:
                del self.keys[at], self.ids[at]
                return
            at += 1

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class LevelBook:
    """Levels on one value: ``rising`` ones are reached from below, ``falling`` ones from above."""

    rising: _Side = field(default_factory=_Side)
    falling: _Side = field(default_factory=_Side)

    def reached(self, value: float) -> list[uuid.UUID]:
        """Alerts whose level ``value`` has reached, from either side."""
        up = self.rising.ids[: bisect_right(self.rising.keys, value)]
        down = self.falling.ids[bisect_left(self.falling.keys, value):]
        return up + down if down else up

    def __len__(self) -> int:
        return len(self.rising) + len(self.falling)


@dataclass
class _MoveBook:
    thresholds: _Side = field(default_factory=_Side)
    # (created_at, id): alerts younger than their window measure from their own start price.
    born: list[tuple[datetime, uuid.UUID]] = field(default_factory=list)


class AlertIndex:
    def __init__(self) -> None:
        self._books: dict[tuple[str, ...] | SeriesKey, LevelBook] = {}
        self._moves: dict[tuple[str, str], _MoveBook] = {}
        self._events: dict[SeriesKey, dict[str, set[uuid.UUID]]] = {}
        self._where: dict[uuid.UUID, tuple[str, object, float | None, object]] = {}

    # -- keeping it current ---------------------------------------------------------------------

    def put(self, alert: Alert) -> None:
        """Insert, replace or (for an alert that can no longer change) drop ``alert``."""
        self.remove(alert.id)
        if not alert.is_active:
            return
        if alert.kind is AlertKind.MOVE:
            self._put_move(alert)
        elif alert.kind is AlertKind.INDICATOR and alert.indicator not in LEVEL_INDICATORS:
            key = alert.series_key
            if key is not None:
                self._events.setdefault(key, {}).setdefault(alert.condition.value, set()).add(alert.id)
                self._where[alert.id] = ("event", key, None, alert.condition.value)
        else:
            self._put_level(alert)

    def put_all(self, alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            self.put(alert)

    def remove(self, alert_id: uuid.UUID) -> None:
        where = self._where.pop(alert_id, None)
        if where is None:
            return
        place, key, level, extra = where
        if place == "level":
            book = self._books[key]  # type: ignore[index]
            (book.rising if extra else book.falling).discard(level, alert_id)  # type: ignore[arg-type]
            if not book:
                del self._books[key]  # type: ignore[arg-type]
        elif place == "move":
            moves = self._moves[key]  # type: ignore[index]
            moves.thresholds.discard(level, alert_id)  # type: ignore[arg-type]
            moves.born = [b for b in moves.born if b[1] != alert_id]
        else:
            self._events[key][extra].discard(alert_id)  # type: ignore[index]

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def _put_level(self, alert: Alert) -> None:
        watched = watch_level(alert)
        if watched is None:
            return
        level, rising = watched
        key: tuple[str, ...] | SeriesKey = alert.series_key or ("price", alert.symbol)
        book = self._books.setdefault(key, LevelBook())
        (book.rising if rising else book.falling).add(float(level), alert.id)
        self._where[alert.id] = ("level", key, float(level), rising)

    def _put_move(self, alert: Alert) -> None:
        if alert.percent_change is None or alert.window is None:
            return
        key = (alert.symbol, alert.window)
        moves = self._moves.setdefault(key, _MoveBook())
        moves.thresholds.add(float(alert.percent_change), alert.id)
        if alert.created_at is not None:
            insort(moves.born, (alert.created_at, alert.id))
        self._where[alert.id] = ("move", key, float(alert.percent_change), None)

    # -- asking it ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, alert_id: uuid.UUID) -> bool:
        return alert_id in self._where

    def symbols(self) -> set[str]:
        """Symbols whose price any indexed alert watches (ticks are wanted for these)."""
        found = {key[1] for key in self._books if key[0] == "price"}
        found.update(symbol for symbol, _ in self._moves)
        return found

    def price_reached(self, symbol: str, price: Decimal) -> list[uuid.UUID]:
        book = self._books.get(("price", symbol))
        return book.reached(float(price)) if book is not None else []

    def move_windows(self, symbol: str) -> list[str]:
        return [window for (s, window), book in self._moves.items() if s == symbol and len(book.thresholds)]

    def move_candidates(self, symbol: str, window: str, change_percent: Decimal | None,
                        window_start: datetime) -> list[uuid.UUID]:
        """Move alerts a change of ``change_percent`` (from the window's start) reaches, plus the
        ones set after ``window_start``, which measure from their own creation price."""
        moves = self._moves.get((symbol, window))
        if moves is None:
            return []
        found = []
        if change_percent is not None:
            found = moves.thresholds.ids[: bisect_right(moves.thresholds.keys, abs(float(change_percent)))]
        young_from = bisect_right(moves.born, (window_start, uuid.UUID(int=2**128 - 1)))
        young = [alert_id for _, alert_id in moves.born[young_from:]]
        return list(dict.fromkeys(found + young))

    def indicator_series(self) -> set[SeriesKey]:
        """Every (symbol, timeframe, indicator, period) some indicator alert watches."""
        found = {key for key in self._books if len(key) == 4}
        found.update(key for key, groups in self._events.items() if any(groups.values()))
        return found  # type: ignore[return-value]

    def indicator_reached(self, key: SeriesKey, value: Decimal) -> list[uuid.UUID]:
        book = self._books.get(key)
        return book.reached(float(value)) if book is not None else []

    def event_alerts(self, key: SeriesKey, condition: str) -> list[uuid.UUID]:
        return list(self._events.get(key, {}).get(condition, ()))
