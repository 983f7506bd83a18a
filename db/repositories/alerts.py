"""Alerts in PostgreSQL, converted to and from the domain's :class:`Alert`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PriceAlert, TelegramUser
from db.single_statement import run_alone
from domain.alerts import Alert, AlertKind, Indicator, Step
from domain.enums import AlertCondition


@dataclass(frozen=True, slots=True)
class AlertOwner:
    telegram_user_id: uuid.UUID
    user_id: uuid.UUID | None


def _to_domain(row: PriceAlert) -> Alert:
    return Alert(
        id=row.id,
        symbol=row.symbol,
        condition=AlertCondition(row.condition),
        target_price=row.target_price,
        percent_change=row.percent_change,
        window=row.time_window,
        reference_price=row.reference_price,
        created_at=row.created_at,
        triggered_at=row.triggered_at,
        note=row.note,
        kind=AlertKind(row.kind),
        indicator=Indicator(row.indicator) if row.indicator else None,
        timeframe=row.timeframe,
        indicator_period=row.indicator_period,
        repeat=row.repeat,
        cooldown=timedelta(seconds=row.cooldown_seconds),
        hysteresis_percent=row.hysteresis_percent,
        expires_at=row.expires_at,
        armed=row.armed,
        is_active=row.is_active,
        trigger_count=row.trigger_count,
    )


# A user's active alerts ("my alerts", before each new alert): Core built once, run on its own
# outside a transaction (db/single_statement.py).
_ALERTS = PriceAlert.__table__
_ACTIVE_ALERTS = select(_ALERTS).where(
    _ALERTS.c.telegram_user_id == bindparam("telegram_user_id"), _ALERTS.c.is_active.is_(True)
)
_ACTIVE_ALERTS_OF = {
    False: _ACTIVE_ALERTS.order_by(_ALERTS.c.created_at),
    True: _ACTIVE_ALERTS.where(_ALERTS.c.symbol == bindparam("symbol")).order_by(_ALERTS.c.created_at),
}


class PriceAlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        owner: AlertOwner,
        symbol: str,
        condition: AlertCondition,
        *,
        kind: AlertKind = AlertKind.PRICE,
        target_price: Decimal | None = None,
        percent_change: Decimal | None = None,
        window: str | None = None,
        indicator: Indicator | None = None,
        timeframe: str | None = None,
        indicator_period: int | None = None,
        reference_price: Decimal | None = None,
        repeat: bool = False,
        cooldown: timedelta = timedelta(0),
        hysteresis_percent: Decimal | None = None,
        expires_at: datetime | None = None,
        ai_command_id: uuid.UUID | None = None,
        note: str | None = None,
    ) -> Alert:
        row = PriceAlert(
            telegram_user_id=owner.telegram_user_id,
            user_id=owner.user_id,
            symbol=symbol,
            kind=kind.value,
            condition=condition.value,
            target_price=target_price,
            percent_change=percent_change,
            time_window=window,
            indicator=indicator.value if indicator else None,
            timeframe=timeframe,
            indicator_period=indicator_period,
            reference_price=reference_price,
            repeat=repeat,
            cooldown_seconds=int(cooldown.total_seconds()),
            hysteresis_percent=hysteresis_percent,
            expires_at=expires_at,
            ai_command_id=ai_command_id,
            note=note,
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _to_domain(row)

    async def count_active(self, owner: AlertOwner) -> int:
        return await self._session.scalar(
            select(func.count())
            .select_from(PriceAlert)
            .where(PriceAlert.telegram_user_id == owner.telegram_user_id, PriceAlert.is_active.is_(True))
        ) or 0

    async def list_active(self, owner: AlertOwner, symbol: str | None = None) -> list[Alert]:
        parameters = {"telegram_user_id": owner.telegram_user_id, **({"symbol": symbol} if symbol else {})}
        rows = await run_alone(self._session, _ACTIVE_ALERTS_OF[bool(symbol)], parameters)
        return [_to_domain(SimpleNamespace(**row)) for row in rows]  # type: ignore[arg-type]  # the row's columns

    async def delete(self, owner: AlertOwner, alert_ids: list[uuid.UUID]) -> int:
        """Retire the alerts (kept as inactive rows: evaluators learn of it from the change)."""
        result = await self._session.execute(
            update(PriceAlert)
            .where(PriceAlert.telegram_user_id == owner.telegram_user_id, PriceAlert.id.in_(alert_ids))
            .values(is_active=False)
        )
        return result.rowcount or 0

    async def watched_symbols(self) -> list[str]:
        rows = await self._session.scalars(
            select(PriceAlert.symbol).where(PriceAlert.is_active.is_(True)).distinct()
        )
        return list(rows)

    async def lock_active(self, alert_ids: list[uuid.UUID]) -> list[tuple[Alert, AlertOwner]]:
        """These active alerts of users who can be notified, locked so that two evaluators never
        both fire one (a row another evaluator holds is skipped: that one decides it)."""
        rows = (
            await self._session.execute(
                select(PriceAlert)
                .join(TelegramUser, TelegramUser.id == PriceAlert.telegram_user_id)
                .where(PriceAlert.id.in_(alert_ids), PriceAlert.is_active.is_(True))
                .order_by(PriceAlert.created_at)
                .with_for_update(of=PriceAlert, skip_locked=True)
            )
        ).scalars()
        return [(_to_domain(r), AlertOwner(r.telegram_user_id, r.user_id)) for r in rows]

    async def record_step(self, alert: Alert, step: Step, price: Decimal, at: datetime) -> None:
        values: dict[str, Any] = {"armed": step.armed, "is_active": step.active}
        if step.fired:
            values |= {"triggered_at": at, "triggered_price": price, "trigger_count": PriceAlert.trigger_count + 1}
        await self._session.execute(update(PriceAlert).where(PriceAlert.id == alert.id).values(**values))

    async def configure(self, alert_id: uuid.UUID, **changes: Any) -> None:
        """Store the named repetition settings (repeat, cooldown, hysteresis_percent, expires_at)."""
        if "cooldown" in changes:
            changes["cooldown_seconds"] = int(changes.pop("cooldown").total_seconds())
        await self._session.execute(update(PriceAlert).where(PriceAlert.id == alert_id).values(**changes))

    async def changed_since(self, since: datetime | None) -> list[Alert]:
        """Alerts changed after ``since`` (every active one when None), active or not, for indexes."""
        query = select(PriceAlert)
        query = query.where(PriceAlert.is_active.is_(True)) if since is None else query.where(
            PriceAlert.updated_at > since)
        return [_to_domain(r) for r in await self._session.scalars(query)]

    async def expire_due(self, now: datetime) -> int:
        """Retire alerts past their expiry (housekeeping; evaluation also refuses to fire them)."""
        result = await self._session.execute(
            update(PriceAlert)
            .where(PriceAlert.is_active.is_(True), PriceAlert.expires_at <= now)
            .values(is_active=False)
        )
        return result.rowcount or 0
