"""Sessions of a user (``user_sessions``): a run of activity without a long pause.

Telegram authenticates every update, so the bot hands no token out; each session still gets a
unique random token, stored only as its hash (as a web session's would be), so the design's
``session_token`` identifies it. Repositories never commit.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User, UserSession

# A pause longer than this ends a session; the next message starts a new one.
SESSION_IDLE = timedelta(minutes=30)


class UserSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def touch(self, user_id: uuid.UUID, at: datetime, *, device_info: dict[str, Any]) -> None:
        """Extend the user's live session to ``at + SESSION_IDLE``, or start a new one."""
        extended = await self._session.scalar(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.expires_at > at, UserSession.revoked_at.is_(None))
            .values(last_used_at=at, expires_at=at + SESSION_IDLE)
            .returning(UserSession.id)
        )
        if extended is None:
            token = secrets.token_urlsafe(32)
            self._session.add(UserSession(
                user_id=user_id,
                session_token=hashlib.sha256(token.encode()).hexdigest(),
                device_info=device_info,
                created_at=at,
                last_used_at=at,
                expires_at=at + SESSION_IDLE,
            ))
        await self._session.execute(update(User).where(User.id == user_id).values(last_activity_at=at))
        await self._session.flush()

    async def count(self, user_id: uuid.UUID) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
        ) or 0
