"""Price alerts in PostgreSQL, converted to and from the domain's :class:`Alert`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PriceAlert, TelegramUser
from domain.alerts import Alert
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
    )


class PriceAlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        owner: AlertOwner,
        symbol: str,
        condition: AlertCondition,
        *,
        target_price: Decimal | None = None,
        percent_change: Decimal | None = None,
        window: str | None = None,
        reference_price: Decimal | None = None,
        ai_command_id: uuid.UUID | None = None,
        note: str | None = None,
    ) -> Alert:
        row = PriceAlert(
            telegram_user_id=owner.telegram_user_id,
            user_id=owner.user_id,
            symbol=symbol,
            condition=condition.value,
            target_price=target_price,
            percent_change=percent_change,
            time_window=window,
            reference_price=reference_price,
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
        query = select(PriceAlert).where(
            PriceAlert.telegram_user_id == owner.telegram_user_id, PriceAlert.is_active.is_(True)
        )
        if symbol:
            query = query.where(PriceAlert.symbol == symbol)
        rows = await self._session.scalars(query.order_by(PriceAlert.created_at))
        return [_to_domain(r) for r in rows]

    async def delete(self, owner: AlertOwner, alert_ids: list[uuid.UUID]) -> int:
        result = await self._session.execute(
            delete(PriceAlert).where(
                PriceAlert.telegram_user_id == owner.telegram_user_id, PriceAlert.id.in_(alert_ids)
            )
        )
        return result.rowcount or 0

    async def watched_symbols(self) -> list[str]:
        rows = await self._session.scalars(
            select(PriceAlert.symbol).where(PriceAlert.is_active.is_(True)).distinct()
        )
        return list(rows)

    async def active_for_symbol(self, symbol: str) -> list[tuple[Alert, AlertOwner]]:
        """Active alerts of users who can be notified, locked so two checkers don't both fire one."""
        rows = (
            await self._session.execute(
                select(PriceAlert)
                .join(TelegramUser, TelegramUser.id == PriceAlert.telegram_user_id)
                .where(PriceAlert.symbol == symbol, PriceAlert.is_active.is_(True))
                .order_by(PriceAlert.created_at)
                .with_for_update(of=PriceAlert, skip_locked=True)
            )
        ).scalars()
        return [(_to_domain(r), AlertOwner(r.telegram_user_id, r.user_id)) for r in rows]

    async def mark_triggered(self, alert_id: uuid.UUID, price: Decimal, at: datetime, *, keep_active: bool) -> None:
        await self._session.execute(
            update(PriceAlert)
            .where(PriceAlert.id == alert_id)
            .values(triggered_at=at, triggered_price=price, is_active=keep_active)
        )
