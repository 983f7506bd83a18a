"""Alert service: set, list and delete alerts, and fire them as prices and candles arrive.

The service never scans: the caller (the evaluator, with its index) names the alerts a tick or a
candle close may affect, and the service checks each one against its stored state under a row
lock. Firing writes the trigger and queues the user's notification in one transaction, so an
alert is never marked fired without its message, nor announced twice (the queue's dedup key).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from domain.alert_series import SeriesReading, candles_needed, read_series
from domain.alerts import (
    DEFAULT_INDICATOR_PERIODS,
    DEFAULT_INDICATOR_TIMEFRAME,
    LEVEL_INDICATORS,
    WINDOWS,
    Alert,
    AlertKind,
    AlertsUnitOfWork,
    AlertTrigger,
    Indicator,
    Step,
    direction_for_target,
    expired,
    level_reached,
    move_reached,
    step_event,
    step_level,
)
from domain.enums import AlertCondition
from domain.errors import DomainError
from domain.models import Candle
from domain.timeframes import TIMEFRAMES
from domain.phrases import N_, Price, phrase

MAX_ACTIVE_ALERTS_PER_USER = 50
# How the refusals name a condition.
CONDITION_WORDS = {AlertCondition.ABOVE: N_("above"), AlertCondition.BELOW: N_("below")}
MAX_COOLDOWN = timedelta(days=7)
MAX_HYSTERESIS_PERCENT = Decimal(50)


class AlertLimitReached(DomainError):
    default_message = phrase("You already have {n} active alerts. Delete some first.", n=MAX_ACTIVE_ALERTS_PER_USER)


class InvalidAlert(DomainError):
    default_message = "That alert is not valid. Try e.g. 'alert me when BTC goes above 70k'."


class AlertNotFound(DomainError):
    default_message = "I could not find that alert. Send 'my alerts' to see them."


class PriceSource(Protocol):
    async def current_price(self, symbol: str) -> Decimal: ...
    async def price_at(self, symbol: str, when: datetime) -> Decimal | None: ...


class CandleSource(Protocol):
    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]: ...


@dataclass(frozen=True, slots=True)
class Repetition:
    """How an alert repeats: once (the default), or again after a cooldown and re-arm margin."""

    repeat: bool = False
    cooldown: timedelta = timedelta(0)
    hysteresis_percent: Decimal | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreatedAlert:
    alert: Alert
    current_price: Decimal
    # For indicator alerts: the indicator's value on the last closed candle, when it has one.
    indicator_value: Decimal | None = None


@dataclass
class Evaluation:
    """What one tick or candle close did: the triggers queued and the alerts whose state moved."""

    triggers: list[AlertTrigger] = dataclasses.field(default_factory=list)
    changed: list[Alert] = dataclasses.field(default_factory=list)


def short_id(alert_id: uuid.UUID) -> str:
    """What users see and type to delete an alert."""
    return alert_id.hex[:6]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AlertService:
    def __init__(
        self,
        prices: PriceSource,
        *,
        candles: CandleSource | None = None,
        max_active_per_user: int = MAX_ACTIVE_ALERTS_PER_USER,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._prices = prices
        self._candles = candles
        self._max_active = max_active_per_user
        self._clock = clock

    # -- the user's alerts ----------------------------------------------------------------------

    async def create(
        self,
        uow: AlertsUnitOfWork,
        owner: Any,
        symbol: str,
        *,
        condition: AlertCondition | None = None,
        target_price: Decimal | None = None,
        percent_change: Decimal | None = None,
        window: str | None = None,
        indicator: str | None = None,
        timeframe: str | None = None,
        indicator_period: int | None = None,
        repetition: Repetition = Repetition(),
        ai_command_id: uuid.UUID | None = None,
    ) -> CreatedAlert:
        if await uow.alerts.count_active(owner) >= self._max_active:
            raise AlertLimitReached()
        _check_repetition(repetition, self._clock())
        # Also proves the symbol is tradable: an unknown pair fails here with a clear message.
        current = await self._prices.current_price(symbol)
        common: dict[str, Any] = {
            "reference_price": current, "ai_command_id": ai_command_id, "repeat": repetition.repeat,
            "cooldown": repetition.cooldown, "hysteresis_percent": repetition.hysteresis_percent,
            "expires_at": repetition.expires_at,
        }
        if indicator is not None:
            return await self._create_indicator(uow, owner, symbol, condition, target_price, indicator, timeframe,
                                                indicator_period, current, common)
        if percent_change is not None:
            if percent_change <= 0:
                raise InvalidAlert("The move must be a positive percentage, like 5%.")
            window = window or "1h"
            if window not in WINDOWS:
                raise InvalidAlert(phrase("I can watch moves over {windows}.", windows=tuple(WINDOWS)))
            # A move alert keeps watching (one window apart) unless it was asked to fire once.
            common["repeat"] = True
            alert = await uow.alerts.add(owner, symbol, AlertCondition.PERCENT_CHANGE, kind=AlertKind.MOVE,
                                         percent_change=percent_change, window=window, **common)
        else:
            if target_price is None or target_price <= 0:
                raise InvalidAlert("Tell me the price level, e.g. 'alert me when BTC goes above 70k'.")
            condition = condition or direction_for_target(target_price, current)
            if level_reached(Alert(uuid.uuid4(), symbol, condition, target_price), current):
                raise InvalidAlert(phrase(
                    "{symbol} is already {condition} {level} (now {price}); the alert would fire at once.",
                    symbol=symbol, condition=phrase(CONDITION_WORDS.get(condition, condition.value)),
                    level=Price(target_price, symbol), price=Price(current, symbol),
                ))
            alert = await uow.alerts.add(owner, symbol, condition, kind=AlertKind.PRICE, target_price=target_price,
                                         **common)
        await uow.commit()
        return CreatedAlert(alert, current)

    async def _create_indicator(
        self, uow: AlertsUnitOfWork, owner: Any, symbol: str, condition: AlertCondition | None,
        level: Decimal | None, name: str, timeframe: str | None, period: int | None, current: Decimal,
        common: dict[str, Any],
    ) -> CreatedAlert:
        try:
            indicator = Indicator(name.lower())
        except ValueError:
            raise InvalidAlert(phrase("I can alert on {indicators}; not on {name}.",
                                      indicators=tuple(i.value.upper() for i in Indicator), name=name.upper())) from None
        timeframe = timeframe or DEFAULT_INDICATOR_TIMEFRAME
        if timeframe not in TIMEFRAMES:
            raise InvalidAlert(phrase("Use a candle size of {timeframes}.", timeframes=tuple(TIMEFRAMES)))
        if period is not None and not 2 <= period <= 500:
            raise InvalidAlert("An indicator period must be between 2 and 500.")
        if condition is None:
            raise InvalidAlert(phrase("Say which way: e.g. '{indicator} goes above' or '{indicator} drops below'.",
                                      indicator=indicator.value))
        reading = None
        if indicator in LEVEL_INDICATORS:
            if level is None or not 0 < level < 100:
                raise InvalidAlert(phrase("Tell me the {indicator} level, between 0 and 100 (e.g. above 70).",
                                          indicator=indicator.value.upper()))
            reading = await self.read(symbol, timeframe, indicator, period)
            if reading is not None and reading.value is not None and level_reached(
                    Alert(uuid.uuid4(), symbol, condition, level), reading.value):
                raise InvalidAlert(phrase(
                    "{symbol} {indicator} {timeframe} is already {condition} {level} (now {value}); "
                    "the alert would fire at once.", symbol=symbol, indicator=indicator.value.upper(),
                    timeframe=timeframe, condition=phrase(CONDITION_WORDS.get(condition, condition.value)),
                    level=level.normalize(), value=round(reading.value, 1),
                ))
        else:
            level = None  # crossings and breakouts have no level of their own
        alert = await uow.alerts.add(
            owner, symbol, condition, kind=AlertKind.INDICATOR, target_price=level, indicator=indicator,
            timeframe=timeframe, indicator_period=period, **common,
        )
        await uow.commit()
        return CreatedAlert(alert, current, reading.value if reading is not None else None)

    async def configure(
        self, uow: AlertsUnitOfWork, owner: Any, alert_ref: str, *, repeat: bool | None = None,
        cooldown: timedelta | None = None, hysteresis_percent: Decimal | None = None,
        expires_in: timedelta | None = None, never_expires: bool = False,
    ) -> Alert:
        """Change how one of the owner's active alerts repeats or when it expires."""
        [alert] = _match_reference(await uow.alerts.list_active(owner), alert_ref.lower()) or [None]
        if alert is None:
            raise AlertNotFound()
        changed = dataclasses.replace(
            alert,
            repeat=alert.repeat if repeat is None else repeat,
            cooldown=alert.cooldown if cooldown is None else cooldown,
            hysteresis_percent=alert.hysteresis_percent if hysteresis_percent is None else hysteresis_percent,
            expires_at=None if never_expires else (
                alert.expires_at if expires_in is None else self._clock() + expires_in),
        )
        _check_repetition(Repetition(changed.repeat, changed.cooldown, changed.hysteresis_percent,
                                     changed.expires_at), self._clock())
        # Only what this change names is written: two quick taps on different options both land.
        changes: dict[str, Any] = {"repeat": repeat, "cooldown": cooldown, "hysteresis_percent": hysteresis_percent}
        changes = {name: value for name, value in changes.items() if value is not None}
        if never_expires or expires_in is not None:
            changes["expires_at"] = changed.expires_at
        await uow.alerts.configure(alert.id, **changes)
        await uow.commit()
        return changed

    async def list(self, uow: AlertsUnitOfWork, owner: Any, symbol: str | None = None) -> list[Alert]:
        return await uow.alerts.list_active(owner, symbol)

    async def delete(
        self, uow: AlertsUnitOfWork, owner: Any, *, alert_ref: str | None = None, symbol: str | None = None
    ) -> list[Alert]:
        """Delete by short id (or position in the user's list), or every alert on a symbol."""
        alerts = await uow.alerts.list_active(owner, symbol if alert_ref is None else None)
        if alert_ref is not None:
            alerts = _match_reference(alerts, alert_ref.strip().lstrip("#").lower())
        if not alerts:
            raise AlertNotFound()
        await uow.alerts.delete(owner, [a.id for a in alerts])
        await uow.commit()
        return alerts

    # -- firing ---------------------------------------------------------------------------------

    async def window_start_price(self, symbol: str, window: str) -> Decimal | None:
        return await self._prices.price_at(symbol, self._clock() - WINDOWS[window])

    async def on_tick(
        self, uow: AlertsUnitOfWork, symbol: str, price: Decimal, candidates: Sequence[uuid.UUID],
        window_starts: dict[str, Decimal | None] | None = None,
    ) -> Evaluation:
        """Apply a price to the price and move alerts the index proposed; commits what fired."""
        if not candidates:
            return Evaluation()
        now = self._clock()
        outcome = Evaluation()
        for alert, owner in await uow.alerts.lock_active(list(candidates)):
            if alert.symbol != symbol:
                continue
            if alert.kind is AlertKind.PRICE:
                step = step_level(alert, price, now)
                trigger = AlertTrigger(alert, price)
            elif alert.kind is AlertKind.MOVE:
                step, trigger = self._step_move(alert, price, now, (window_starts or {}).get(alert.window or "1h"))
            else:
                continue
            await self._apply(uow, alert, owner, step, trigger, price, now, outcome)
        await uow.commit()
        return outcome

    def _step_move(self, alert: Alert, price: Decimal, now: datetime,
                   window_start_price: Decimal | None) -> tuple[Step | None, AlertTrigger]:
        window = WINDOWS[alert.window or "1h"]
        if expired(alert, now):
            return Step(fired=False, armed=alert.armed, active=False), AlertTrigger(alert, price)
        # One window apart at least, so one move is announced once.
        if alert.triggered_at is not None and now - alert.triggered_at < max(window, alert.cooldown):
            return None, AlertTrigger(alert, price)
        # A move is measured from the window's start, or from when the alert was set if later.
        young = alert.created_at is not None and alert.created_at > now - window
        start = alert.reference_price if young else window_start_price
        if start is None:
            return None, AlertTrigger(alert, price)
        change = move_reached(alert, start, price)
        if change is None:
            return None, AlertTrigger(alert, price)
        return Step(fired=True, armed=True, active=alert.repeat), AlertTrigger(alert, price, start, change)

    async def read(self, symbol: str, timeframe: str, indicator: Indicator,
                   period: int | None) -> SeriesReading | None:
        """The indicator on the last closed candle (the forming one is left out)."""
        period = period or DEFAULT_INDICATOR_PERIODS[indicator]
        return (await self.read_series(symbol, timeframe, [(indicator, period)])).get((indicator, period))

    async def read_series(self, symbol: str, timeframe: str,
                          series: Sequence[tuple[Indicator, int]]) -> dict[tuple[Indicator, int], SeriesReading]:
        """Several indicators of one (symbol, timeframe) from one fetch of its candles."""
        if self._candles is None:
            raise InvalidAlert("Indicator alerts need candle data, which this bot does not have. Price alerts work: e.g. 'alert me when BTC goes above 70k'.")
        if not series:
            return {}
        limit = max(candles_needed(indicator, period) for indicator, period in series)
        closed = (await self._candles.ohlcv(symbol, timeframe, limit))[:-1]
        readings = {(indicator, period): read_series(indicator, period, closed) for indicator, period in series}
        return {key: reading for key, reading in readings.items() if reading is not None}

    async def on_candle_close(
        self, uow: AlertsUnitOfWork, reading: SeriesReading, candidates: Sequence[uuid.UUID]
    ) -> Evaluation:
        """Apply one series reading to the indicator alerts the index proposed."""
        if not candidates:
            return Evaluation()
        now = self._clock()
        outcome = Evaluation()
        for alert, owner in await uow.alerts.lock_active(list(candidates)):
            if alert.kind is not AlertKind.INDICATOR or alert.indicator is None:
                continue
            if alert.triggered_at is not None and alert.triggered_at >= reading.candle_at + TIMEFRAMES[
                    alert.timeframe or DEFAULT_INDICATOR_TIMEFRAME]:
                continue  # this candle was judged already (a re-run after a restart)
            if alert.indicator in LEVEL_INDICATORS:
                step = None if reading.value is None else step_level(alert, reading.value, now)
            else:
                step = step_event(alert, alert.condition.value in reading.events, now)
            trigger = AlertTrigger(alert, reading.close, indicator_value=reading.value, candle_at=reading.candle_at)
            await self._apply(uow, alert, owner, step, trigger, reading.close, now, outcome)
        await uow.commit()
        return outcome

    async def _apply(self, uow: AlertsUnitOfWork, alert: Alert, owner: Any, step: Step | None,
                     trigger: AlertTrigger, price: Decimal, now: datetime, outcome: Evaluation) -> None:
        if step is None:
            return
        await uow.alerts.record_step(alert, step, price, now)
        changed = dataclasses.replace(alert, armed=step.armed, is_active=step.active)
        if step.fired:
            changed = dataclasses.replace(changed, triggered_at=now, trigger_count=alert.trigger_count + 1)
            await uow.notifications.enqueue(
                owner.telegram_user_id,
                "price_alert",
                _payload(trigger, changed),
                user_id=owner.user_id,
                dedup_key=f"alert:{alert.id}:{changed.trigger_count}",
                priority=1,
            )
            outcome.triggers.append(dataclasses.replace(trigger, alert=changed))
        outcome.changed.append(changed)


def _check_repetition(repetition: Repetition, now: datetime) -> None:
    if not timedelta(0) <= repetition.cooldown <= MAX_COOLDOWN:
        raise InvalidAlert("A cooldown must be between 0 and 7 days.")
    if repetition.hysteresis_percent is not None and not 0 <= repetition.hysteresis_percent <= MAX_HYSTERESIS_PERCENT:
        raise InvalidAlert("The re-arm margin must be between 0% and 50%.")
    if repetition.expires_at is not None and repetition.expires_at <= now:
        raise InvalidAlert("That expiry is already past: choose a later time.")


def _match_reference(alerts: list[Alert], ref: str) -> list[Alert]:
    by_id = [a for a in alerts if a.id.hex.startswith(ref)] if len(ref) >= 4 else []
    if by_id:
        return by_id
    if ref.isdigit() and 1 <= int(ref) <= len(alerts):
        return [alerts[int(ref) - 1]]
    return []


def _payload(trigger: AlertTrigger, alert: Alert) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "alert_id": str(alert.id),
        "symbol": alert.symbol,
        "kind": alert.kind.value,
        "condition": alert.condition.value,
        "target_price": text(alert.target_price),
        "percent_change": text(alert.percent_change),
        "window": alert.window,
        "indicator": alert.indicator.value if alert.indicator else None,
        "timeframe": alert.timeframe,
        "indicator_period": alert.indicator_period,
        "indicator_value": text(None if trigger.indicator_value is None else round(trigger.indicator_value, 2)),
        "price": str(trigger.price),
        "window_start_price": text(trigger.window_start_price),
        "change_percent": text(None if trigger.change_percent is None else round(trigger.change_percent, 2)),
        "repeats": alert.is_active,
    }

