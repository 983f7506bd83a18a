"""Sessions of a user (``user_sessions``): a run of activity without a long pause.

Telegram authenticates every update, so the bot hands no token out; each session still gets a
unique random token, stored only as its hash (as a web session's would be), so the design's
``session_token`` identifies it. Repositories never commit.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Uuid, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User, UserSession
from db.repositories.batch import arrays, unnest

# A pause longer than this ends a session; the next message starts a new one.
SESSION_IDLE = timedelta(minutes=30)


# Built once, the batch bound as arrays (db/repositories/batch.py): they run for every batch of updates.
_SESSIONS, _USERS_TABLE = UserSession.__table__, User.__table__
_BATCH = unnest("batch", user_id=Uuid(), at=DateTime(timezone=True))
_EXTEND_SESSIONS = (
    update(_SESSIONS)
    .where(_SESSIONS.c.user_id == _BATCH.c.user_id, _SESSIONS.c.expires_at > _BATCH.c.at, _SESSIONS.c.revoked_at.is_(None))
    .values(last_used_at=_BATCH.c.at, expires_at=_BATCH.c.at + SESSION_IDLE)
    .returning(_SESSIONS.c.user_id)
)
_USERS_ACTIVE = update(_USERS_TABLE).where(_USERS_TABLE.c.id == _BATCH.c.user_id).values(last_activity_at=_BATCH.c.at)


def new_token_hash() -> str:
    """The stored hash of a new session's random token."""
    return hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()


@dataclass(frozen=True)
class SessionUse:
    user_id: uuid.UUID
    at: datetime
    device_info: dict[str, Any]


class UserSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def touch(self, user_id: uuid.UUID, at: datetime, *, device_info: dict[str, Any]) -> None:
        """Extend the user's live session to ``at + SESSION_IDLE``, or start a new one."""
        await self.touch_many([SessionUse(user_id, at, device_info)])

    async def touch_many(self, uses: Sequence[SessionUse]) -> None:
        """:meth:`touch` for many users at once (one use per user), in three statements."""
        if not uses:
            return
        batch = arrays("batch", ("user_id", "at"), ((use.user_id, use.at) for use in uses))
        extended = set(await self._session.scalars(_EXTEND_SESSIONS, batch))
        self._session.add_all([
            UserSession(
                user_id=use.user_id,
                session_token=new_token_hash(),
                device_info=use.device_info,
                created_at=use.at,
                last_used_at=use.at,
                expires_at=use.at + SESSION_IDLE,
            )
            for use in uses
            if use.user_id not in extended
        ])
        await self._session.execute(_USERS_ACTIVE, batch)
        await self._session.flush()

    async def count(self, user_id: uuid.UUID) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
        ) or 0
