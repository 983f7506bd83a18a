"""The durable outbound queue (transactional outbox) behind alerts, fills and summaries.

A notification is enqueued in the same transaction as its cause (an order fill, an alert
trigger), so it exists exactly when the cause does. A sender job claims due rows with
``FOR UPDATE SKIP LOCKED`` (several workers never take the same row), sends them, and marks
each sent or schedules a retry with exponential backoff until ``max_attempts``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Notification, TelegramUser
from domain.enums import NotificationStatus

BASE_RETRY_DELAY = timedelta(seconds=30)
# The /settings switch (telegram_users.notification_types key) that governs each notification type.
PREFERENCE_OF_TYPE = {
    "price_alert": "price_alerts",
    "signal_update": "signal_updates",
    "order_fill": "order_fills",
    "daily_summary": "daily_summary",
}
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OutboundNotification:
    id: uuid.UUID
    telegram_user_id: uuid.UUID
    chat_id: int
    notification_type: str
    payload: dict[str, Any]
    attempts: int
    # False when the user switched this type off in /settings: the message is dropped, not sent.
    wanted: bool = True


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour."""
    return min(BASE_RETRY_DELAY * (2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self,
        telegram_user_id: uuid.UUID,
        notification_type: str,
        payload: dict[str, Any],
        *,
        user_id: uuid.UUID | None = None,
        dedup_key: str | None = None,
        priority: int = 0,
    ) -> bool:
        """Queue a message; returns False when one with the same dedup key already exists."""
        statement = (
            insert(Notification)
            .values(
                telegram_user_id=telegram_user_id,
                user_id=user_id,
                notification_type=notification_type,
                payload=payload,
                dedup_key=dedup_key,
                priority=priority,
            )
            .on_conflict_do_nothing(index_elements=[Notification.dedup_key])
            .returning(Notification.id)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def claim_due(self, limit: int = 50, now: datetime | None = None) -> list[OutboundNotification]:
        """Take up to ``limit`` due notifications of users who can receive them, marking them sending.

        Users who turned notifications off or blocked the bot are skipped, not failed: their
        messages wait until they can be delivered (or are cancelled by the caller).
        """
        now = now or datetime.now(UTC)
        rows = (
            await self._session.execute(
                select(Notification, TelegramUser.chat_id, TelegramUser.telegram_id, TelegramUser.notification_types)
                .join(TelegramUser, TelegramUser.id == Notification.telegram_user_id)
                .where(
                    Notification.status == NotificationStatus.PENDING.value,
                    Notification.next_attempt_at <= now,
                    TelegramUser.is_bot_blocked.is_(False),
                    TelegramUser.notifications_enabled.is_(True),
                )
                .order_by(Notification.priority.desc(), Notification.next_attempt_at)
                .limit(limit)
                .with_for_update(of=Notification, skip_locked=True)
            )
        ).all()
        claimed = []
        for notification, chat_id, telegram_id, preferences in rows:
            notification.status = NotificationStatus.SENDING.value
            notification.attempts += 1
            claimed.append(
                OutboundNotification(
                    id=notification.id,
                    telegram_user_id=notification.telegram_user_id,
                    chat_id=chat_id or telegram_id,
                    notification_type=notification.notification_type,
                    payload=dict(notification.payload),
                    attempts=notification.attempts,
                    wanted=bool((preferences or {}).get(PREFERENCE_OF_TYPE.get(notification.notification_type, ""), True)),
                )
            )
        await self._session.flush()
        return claimed

    async def mark_sent(self, notification_id: uuid.UUID) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(status=NotificationStatus.SENT.value, sent_at=func.now(), error=None)
        )

    async def mark_failed(self, notification_id: uuid.UUID, error: str, *, retry: bool = True) -> None:
        """Schedule another attempt with backoff, or fail for good after max_attempts."""
        notification = await self._session.get(Notification, notification_id)
        if notification is None:
            return
        notification.error = error[:2000]
        if retry and notification.attempts < notification.max_attempts:
            notification.status = NotificationStatus.PENDING.value
            notification.next_attempt_at = datetime.now(UTC) + retry_delay(notification.attempts)
        else:
            notification.status = NotificationStatus.FAILED.value
        await self._session.flush()

    async def release_stuck(self, older_than: timedelta = timedelta(minutes=5)) -> int:
        """Return rows left in 'sending' by a crashed worker to the queue."""
        result = await self._session.execute(
            update(Notification)
            .where(
                Notification.status == NotificationStatus.SENDING.value,
                Notification.updated_at < func.now() - older_than,
            )
            .values(status=NotificationStatus.PENDING.value)
        )
        return result.rowcount or 0
