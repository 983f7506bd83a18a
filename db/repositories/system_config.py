"""Runtime settings an admin changed (``system_config``). Repositories never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SystemConfig


@dataclass(frozen=True)
class StoredSetting:
    id: uuid.UUID
    key: str
    value: Any


class SystemConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> dict[str, Any]:
        rows = await self._session.execute(select(SystemConfig.key, SystemConfig.value))
        return {key: value for key, value in rows}

    async def get_for_update(self, key: str) -> StoredSetting | None:
        row = await self._session.scalar(select(SystemConfig).where(SystemConfig.key == key).with_for_update())
        return None if row is None else StoredSetting(row.id, row.key, row.value)

    async def put(self, key: str, value: Any, *, description: str, updated_by: uuid.UUID | None) -> uuid.UUID:
        values = {"value": value, "description": description, "updated_by": updated_by}
        return await self._session.scalar(
            insert(SystemConfig)
            .values(key=key, **values)
            .on_conflict_do_update(index_elements=[SystemConfig.key], set_={**values, "updated_at": func.now()})
            .returning(SystemConfig.id)
        )
