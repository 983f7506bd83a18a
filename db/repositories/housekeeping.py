"""Housekeeping statements: archive the message log, reset daily counters, prune the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramUser

# Moves the rows in one statement: a row is either in the log or in the archive, never both.
ARCHIVE_MESSAGES = text("""
WITH moved AS (
    DELETE FROM telegram_messages
    WHERE id IN (SELECT id FROM telegram_messages WHERE created_at < :before ORDER BY created_at LIMIT :batch)
    RETURNING id, telegram_user_id, ai_command_id, direction, chat_id, message_id, update_id, message_type,
              text, callback_data, is_forwarded, forward_from_chat, extra, created_at, edited_at
)
INSERT INTO telegram_messages_archive (id, telegram_user_id, ai_command_id, direction, chat_id, message_id,
    update_id, message_type, text, callback_data, is_forwarded, forward_from_chat, extra, created_at, edited_at)
SELECT * FROM moved
ON CONFLICT (id) DO NOTHING
""")


class HousekeepingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def archive_messages(self, before: datetime, batch: int = 5000) -> int:
        result = await self._session.execute(ARCHIVE_MESSAGES, {"before": before, "batch": batch})
        return result.rowcount or 0

    async def reset_daily_counters(self, now: datetime) -> int:
        """Zero the counters of users whose day is over (the rate limiter also resets them lazily
        on their next message; this keeps the stored figures true for everyone)."""
        result = await self._session.execute(
            update(TelegramUser)
            .where(TelegramUser.rate_limit_reset_at <= now)
            .values(daily_message_count=0, daily_command_count=0, rate_limit_reset_at=None)
        )
        return result.rowcount or 0
