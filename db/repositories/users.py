"""Application accounts (``users``). Repositories never commit: the unit of work does."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


def telegram_username(telegram_id: int) -> str:
    """The username of an account created from Telegram: stable, unique, never user-chosen."""
    return f"tg_{telegram_id}"


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self._session.get(User, user_id)

    async def get_or_create_for_telegram(
        self, telegram_id: int, *, full_name: str | None, first_name: str | None = None, last_name: str | None = None
    ) -> User:
        username = telegram_username(telegram_id)
        user = await self._session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=full_name, first_name=first_name, last_name=last_name)
            self._session.add(user)
            await self._session.flush()
        return user

    async def update_preferences(self, user_id: uuid.UUID, **preferences: Any) -> None:
        """Mirror preferences (timezone, preferred_currency, language) chosen in Telegram."""
        await self._session.execute(update(User).where(User.id == user_id).values(**preferences))
