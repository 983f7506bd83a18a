"""Telegram accounts and the message log. Repositories never commit: the unit of work does."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, case, column, func, select, update, values
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramMessage, TelegramUser
from domain.enums import MessageDirection, TelegramUserStatus


@dataclass(frozen=True)
class DailyUsage:
    messages: int
    commands: int
    resets_at: datetime


@dataclass(frozen=True)
class ActivityCount:
    """What one user sent in a batch of updates."""

    telegram_id: int
    messages: int
    commands: int
    at: datetime


@dataclass(frozen=True)
class Activity:
    telegram_user_id: uuid.UUID
    user_id: uuid.UUID | None


class TelegramUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_user_id: uuid.UUID) -> TelegramUser | None:
        return await self._session.get(TelegramUser, telegram_user_id)

    async def get_by_telegram_id(self, telegram_id: int) -> TelegramUser | None:
        return await self._session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == telegram_id))

    async def get_by_registration_code(self, code: str) -> TelegramUser | None:
        return await self._session.scalar(select(TelegramUser).where(TelegramUser.registration_code == code))

    async def upsert_profile(
        self,
        *,
        telegram_id: int,
        chat_id: int,
        username: str | None,
        first_name: str | None,
        last_name: str | None,
        language_code: str | None,
        language: str | None = None,
    ) -> TelegramUser:
        """The account of whoever just wrote: created ``pending`` on first contact, profile refreshed.

        One statement, so two first messages arriving together cannot create two rows. Writing
        to the bot also proves it is no longer blocked. ``language`` is the language a new account
        starts with (from Telegram's ``language_code``); afterwards only /settings changes it.
        """
        profile = {
            "chat_id": chat_id,
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "language_code": language_code,
        }
        statement = (
            insert(TelegramUser)
            .values(telegram_id=telegram_id, **profile, **({"language": language} if language else {}))
            .on_conflict_do_update(
                index_elements=[TelegramUser.telegram_id],
                set_={**profile, "is_bot_blocked": False, "updated_at": func.now()},
            )
            .returning(TelegramUser)
        )
        result = await self._session.scalars(statement, execution_options={"populate_existing": True})
        return result.one()

    async def mark_blocked(self, chat_id: int) -> None:
        await self._session.execute(
            update(TelegramUser).where(TelegramUser.chat_id == chat_id).values(is_bot_blocked=True)
        )

    async def is_blocked(self, chat_id: int) -> bool:
        blocked = await self._session.scalar(
            select(TelegramUser.is_bot_blocked).where(TelegramUser.chat_id == chat_id)
        )
        return bool(blocked)

    async def ids_for_chats(self, chat_ids: Iterable[int]) -> dict[int, uuid.UUID]:
        rows = await self._session.execute(
            select(TelegramUser.chat_id, TelegramUser.id).where(TelegramUser.chat_id.in_(set(chat_ids)))
        )
        return {chat_id: telegram_user_id for chat_id, telegram_user_id in rows}

    async def record_activity(self, counts: Sequence[ActivityCount]) -> dict[int, Activity]:
        """Add each user's messages (and commands) to their counters, in one statement; the
        accounts found, by Telegram id (unknown ones are left out)."""
        if not counts:
            return {}
        batch = values(
            column("telegram_id", BigInteger), column("messages", Integer), column("commands", Integer),
            column("at", DateTime(timezone=True)), name="batch",
        ).data([(c.telegram_id, c.messages, c.commands, c.at) for c in counts])
        rows = await self._session.execute(
            update(TelegramUser)
            .where(TelegramUser.telegram_id == batch.c.telegram_id)
            .values(
                total_messages=TelegramUser.total_messages + batch.c.messages,
                total_commands=TelegramUser.total_commands + batch.c.commands,
                last_activity_at=batch.c.at,
            )
            .returning(TelegramUser.telegram_id, TelegramUser.id, TelegramUser.user_id)
        )
        return {telegram_id: Activity(id_, user_id) for telegram_id, id_, user_id in rows}

    async def count_daily_usage(
        self, telegram_user_id: uuid.UUID, *, is_command: bool, now: datetime, next_reset: datetime
    ) -> DailyUsage:
        """Add one message (or command) to today's counters, starting a new day once reset time passed."""
        new_day = (TelegramUser.rate_limit_reset_at.is_(None)) | (TelegramUser.rate_limit_reset_at <= now)
        command_step = 1 if is_command else 0
        row = (
            await self._session.execute(
                update(TelegramUser)
                .where(TelegramUser.id == telegram_user_id)
                .values(
                    daily_message_count=case((new_day, 1), else_=TelegramUser.daily_message_count + 1),
                    daily_command_count=case(
                        (new_day, command_step), else_=TelegramUser.daily_command_count + command_step
                    ),
                    rate_limit_reset_at=case((new_day, next_reset), else_=TelegramUser.rate_limit_reset_at),
                )
                .returning(
                    TelegramUser.daily_message_count,
                    TelegramUser.daily_command_count,
                    TelegramUser.rate_limit_reset_at,
                )
            )
        ).one()
        return DailyUsage(messages=row[0], commands=row[1], resets_at=row[2])

    async def count_by_status(self) -> dict[TelegramUserStatus, int]:
        rows = await self._session.execute(
            select(TelegramUser.status, func.count()).group_by(TelegramUser.status)
        )
        return {status: count for status, count in rows}

    async def count_blocked(self) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(TelegramUser).where(TelegramUser.is_bot_blocked.is_(True))
        ) or 0


class TelegramMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, **fields: Any) -> TelegramMessage:
        message = TelegramMessage(**fields)
        self._session.add(message)
        return message

    async def add_all(self, rows: Iterable[dict[str, Any]]) -> None:
        """Many rows in one multi-row INSERT."""
        self._session.add_all([TelegramMessage(**row) for row in rows])
        await self._session.flush()

    async def record_edit(self, chat_id: int, message_id: int, text: str | None, at: datetime) -> bool:
        """Apply an edit to the stored outgoing message; False when that message is not in the log."""
        edited = await self._session.scalar(
            update(TelegramMessage)
            .where(
                TelegramMessage.chat_id == chat_id,
                TelegramMessage.message_id == message_id,
                TelegramMessage.direction == MessageDirection.OUT.value,
            )
            .values(text=text, edited_at=at)
            .returning(TelegramMessage.id)
        )
        return edited is not None

    async def count_since(self, since: datetime) -> dict[MessageDirection, int]:
        rows = await self._session.execute(
            select(TelegramMessage.direction, func.count())
            .where(TelegramMessage.created_at >= since)
            .group_by(TelegramMessage.direction)
        )
        return {MessageDirection(direction): count for direction, count in rows}
