"""The audit trail: one ``audit_logs`` row per state change, written in the change's transaction."""

from __future__ import annotations

from sqlalchemy import insert, null
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLog
from db.repositories.codec import to_jsonable
from domain.models import AuditEntry


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, entry: AuditEntry) -> None:
        await self._session.execute(
            insert(AuditLog).values(
                user_id=entry.user_id,
                actor=entry.actor,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                # SQL NULL, not a JSON null, when there is no previous or new state.
                old_values=null() if entry.old_values is None else to_jsonable(entry.old_values),
                new_values=null() if entry.new_values is None else to_jsonable(entry.new_values),
                details=to_jsonable(entry.details),
            )
        )
