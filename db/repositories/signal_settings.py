"""Per-user signal settings (``signal_settings``); a user without a row has the defaults."""

from __future__ import annotations

import uuid
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SignalSettings as SettingsRow
from db.single_statement import run_alone
from domain.futures import MarginMode
from domain.services.signals import UserSignalSettings
from domain.signal_trade import ExecutionSettings
from domain.signals import TrackingRules


_SETTINGS = SettingsRow.__table__
_SETTINGS_OF = select(_SETTINGS).where(_SETTINGS.c.user_id == bindparam("user_id"))


class SignalSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: uuid.UUID) -> UserSignalSettings:
        # Read for every signal post: Core built once, on its own outside a transaction.
        rows = await run_alone(self._session, _SETTINGS_OF, {"user_id": user_id})
        if not rows:
            return UserSignalSettings()
        row = SimpleNamespace(**rows[0])
        return UserSignalSettings(
            execution=ExecutionSettings(
                margin_per_trade=row.margin_per_trade, max_leverage=row.max_leverage,
                margin_mode=MarginMode(row.margin_mode), split_entries=row.split_entries,
                target_split=tuple(Decimal(str(v)) for v in row.target_split),
            ),
            rules=TrackingRules(row.move_stop_to_entry_after_tp1, row.trail_after_target),
            entry_expiry_hours=row.entry_expiry_hours,
            ask_before_follow_ups=row.ask_before_follow_ups,
        )

    async def save(self, user_id: uuid.UUID, settings: UserSignalSettings) -> None:
        execution, rules = settings.execution, settings.rules
        values = {
            "margin_per_trade": execution.margin_per_trade, "max_leverage": execution.max_leverage,
            "margin_mode": execution.margin_mode.value, "split_entries": execution.split_entries,
            "target_split": [str(v) for v in execution.target_split],
            "move_stop_to_entry_after_tp1": rules.move_stop_to_entry_after_tp1,
            "trail_after_target": rules.trail_after_target,
            "entry_expiry_hours": settings.entry_expiry_hours,
            "ask_before_follow_ups": settings.ask_before_follow_ups,
        }
        await self._session.execute(insert(SettingsRow).values(user_id=user_id, **values)
                                    .on_conflict_do_update(index_elements=[SettingsRow.user_id], set_=values))
