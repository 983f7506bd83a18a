"""The durable outbound queue (transactional outbox) behind alerts, fills and summaries.

A notification is enqueued in the same transaction as its cause (an order fill, an alert
trigger), so it exists exactly when the cause does. A sender job claims due rows with
``FOR UPDATE SKIP LOCKED`` (several workers never take the same row), sends them, and marks
each sent or schedules a retry with exponential backoff until ``max_attempts``. Each claim is
held under the sender's lease; every try is recorded in ``notification_attempts``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Notification, NotificationAttempt, TelegramUser
from domain.enums import NotificationStatus
from domain.quiet_hours import held_until, notification_kind

BASE_RETRY_DELAY = timedelta(seconds=30)
# How long a sender may hold a row in 'sending' without renewing (it renews before each part).
DEFAULT_LEASE = timedelta(minutes=10)
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
    # Parts of a long text Telegram already accepted (a resumed send starts after them).
    parts_sent: int = 0
    language: str = "en"  # the recipient's /settings language, to render the message in


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

    async def claim_due(
        self, worker: str, limit: int = 50, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboundNotification]:
        """Take up to ``limit`` due notifications of users who can receive them, marking them
        sending under ``worker``'s lease. Non-urgent ones inside their user's quiet hours are not
        taken: they are postponed to the end of those hours.

        Users who turned notifications off or blocked the bot are skipped, not failed: their
        messages wait until they can be delivered (or are cancelled by the caller).
        """
        now = now or datetime.now(UTC)
        rows = (
            await self._session.execute(
                select(Notification, TelegramUser.chat_id, TelegramUser.telegram_id, TelegramUser.notification_types,
                       TelegramUser.timezone, TelegramUser.quiet_hours_start, TelegramUser.quiet_hours_end,
                       TelegramUser.urgent_notification_types, TelegramUser.language)
                .join(TelegramUser, TelegramUser.id == Notification.telegram_user_id)
                .where(
                    Notification.status == NotificationStatus.PENDING.value,
                    Notification.next_attempt_at <= now,
                    TelegramUser.is_bot_blocked.is_(False),
                    TelegramUser.notifications_enabled.is_(True),
                )
                .order_by(Notification.priority.desc(), Notification.next_attempt_at, Notification.created_at)
                .limit(limit)
                .with_for_update(of=Notification, skip_locked=True)
            )
        ).all()
        claimed = []
        for notification, chat_id, telegram_id, preferences, timezone, quiet_start, quiet_end, urgent, language in rows:
            kind = notification_kind(notification.notification_type, notification.payload)
            hold = held_until(now, kind, urgent or [], timezone, quiet_start, quiet_end)
            if hold is not None:
                notification.next_attempt_at = hold  # the user's night: wait for the morning
                continue
            notification.status = NotificationStatus.SENDING.value
            notification.attempts += 1
            notification.claimed_by = worker
            notification.lease_expires_at = now + lease
            claimed.append(
                OutboundNotification(
                    id=notification.id,
                    telegram_user_id=notification.telegram_user_id,
                    chat_id=chat_id or telegram_id,
                    notification_type=notification.notification_type,
                    payload=dict(notification.payload),
                    attempts=notification.attempts,
                    wanted=bool((preferences or {}).get(PREFERENCE_OF_TYPE.get(notification.notification_type, ""), True)),
                    parts_sent=notification.parts_sent,
                    language=language,
                )
            )
        await self._session.flush()
        return claimed

    async def start_attempt(self, notification: OutboundNotification, part: int, worker: str,
                            lease: timedelta = DEFAULT_LEASE) -> uuid.UUID:
        """Record that a part is about to be sent (and extend the worker's lease on the row)."""
        attempt_id = (await self._session.execute(
            insert(NotificationAttempt)
            .values(notification_id=notification.id, attempt=notification.attempts, part=part, worker=worker)
            .returning(NotificationAttempt.id)
        )).scalar_one()
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification.id, Notification.claimed_by == worker)
            .values(lease_expires_at=func.now() + lease)
        )
        return attempt_id

    async def record_accepted(self, notification_id: uuid.UUID, attempt_id: uuid.UUID, *, part: int, last: bool,
                              chat_id: int, message_id: int, text: str) -> None:
        """Telegram accepted a part: one statement marks it sent, closes the attempt and logs the
        outgoing message. Run it on an autocommit connection: the window in which a crash could
        lose the record of a delivered message is this one round trip."""
        await self._session.execute(ACCEPTED, {
            "id": notification_id, "attempt_id": attempt_id, "part": part, "last": last,
            "chat_id": chat_id, "message_id": message_id, "text": text,
        })

    async def finish_attempt(self, attempt_id: uuid.UUID, outcome: str, error: str | None = None,
                             retry_after: int | None = None) -> None:
        await self._session.execute(
            update(NotificationAttempt)
            .where(NotificationAttempt.id == attempt_id)
            .values(outcome=outcome, error=None if error is None else error[:2000], retry_after=retry_after,
                    finished_at=func.now())
        )

    async def postpone(self, notification_id: uuid.UUID, until: datetime, reason: str) -> None:
        """Back to the queue until ``until`` without counting an attempt (Telegram's retry_after)."""
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(status=NotificationStatus.PENDING.value, next_attempt_at=until, error=reason[:2000],
                    attempts=func.greatest(Notification.attempts - 1, 0), claimed_by=None, lease_expires_at=None)
        )

    async def postpone_unsent(self, notification_id: uuid.UUID, worker: str) -> None:
        """Give back a claimed row this worker did not try (its chat was stopped for now)."""
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.claimed_by == worker,
                   Notification.status == NotificationStatus.SENDING.value)
            .values(status=NotificationStatus.PENDING.value, attempts=func.greatest(Notification.attempts - 1, 0),
                    claimed_by=None, lease_expires_at=None)
        )

    async def cancel_for_user(self, telegram_user_id: uuid.UUID, worker: str, reason: str) -> int:
        """Drop the user's queue: everything pending, and what this worker holds for them."""
        result = await self._session.execute(
            update(Notification)
            .where(
                Notification.telegram_user_id == telegram_user_id,
                (Notification.status == NotificationStatus.PENDING.value)
                | ((Notification.status == NotificationStatus.SENDING.value) & (Notification.claimed_by == worker)),
            )
            .values(status=NotificationStatus.CANCELLED.value, error=reason, claimed_by=None, lease_expires_at=None)
        )
        return result.rowcount or 0

    async def mark_sent(self, notification_id: uuid.UUID) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(status=NotificationStatus.SENT.value, sent_at=func.now(), error=None, claimed_by=None,
                    lease_expires_at=None)
        )

    async def mark_failed(self, notification_id: uuid.UUID, error: str, *, retry: bool = True) -> None:
        """Schedule another attempt with backoff, or fail for good after max_attempts."""
        notification = await self._session.get(Notification, notification_id)
        if notification is None:
            return
        notification.error = error[:2000]
        notification.claimed_by = None
        notification.lease_expires_at = None
        if retry and notification.attempts < notification.max_attempts:
            notification.status = NotificationStatus.PENDING.value
            notification.next_attempt_at = datetime.now(UTC) + retry_delay(notification.attempts)
        else:
            notification.status = NotificationStatus.FAILED.value
        await self._session.flush()

    async def release_stuck(self) -> int:
        """Queue again the rows whose sender died (its lease lapsed), from the first part Telegram
        has not confirmed; their unfinished attempts are closed as abandoned. A live sender
        renews its lease before every part, so its rows are never taken from it."""
        stuck = select(Notification.id).where(
            Notification.status == NotificationStatus.SENDING.value,
            (Notification.lease_expires_at.is_(None)) | (Notification.lease_expires_at < func.now()),
        ).with_for_update(skip_locked=True)
        ids = list(await self._session.scalars(stuck))
        if not ids:
            return 0
        await self._session.execute(
            update(NotificationAttempt)
            .where(NotificationAttempt.notification_id.in_(ids), NotificationAttempt.outcome.is_(None))
            .values(outcome="abandoned", finished_at=func.now(),
                    error="the sender stopped before Telegram's answer was recorded")
        )
        await self._session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(status=NotificationStatus.PENDING.value, claimed_by=None, lease_expires_at=None)
        )
        return len(ids)

    async def prune_sent(self, older_than: datetime) -> int:
        """Delete delivered (and cancelled) notifications sent before ``older_than``, attempts included."""
        result = await self._session.execute(
            delete(Notification).where(
                Notification.status.in_([NotificationStatus.SENT.value, NotificationStatus.CANCELLED.value]),
                Notification.updated_at < older_than,
            )
        )
        return result.rowcount or 0

    async def attempts_of(self, notification_id: uuid.UUID) -> list[NotificationAttempt]:
        rows = await self._session.scalars(
            select(NotificationAttempt).where(NotificationAttempt.notification_id == notification_id)
            .order_by(NotificationAttempt.started_at)
        )
        return list(rows)


ACCEPTED = text("""
WITH marked AS (
    UPDATE notifications SET
        parts_sent = :part,
        telegram_message_id = :message_id,
        status = CASE WHEN :last THEN 'sent' ELSE status END,
        sent_at = CASE WHEN :last THEN now() ELSE sent_at END,
        claimed_by = CASE WHEN :last THEN NULL ELSE claimed_by END,
        lease_expires_at = CASE WHEN :last THEN NULL ELSE lease_expires_at END,
        error = NULL,
        updated_at = now()
    WHERE id = :id
    RETURNING telegram_user_id
), attempt AS (
    UPDATE notification_attempts SET outcome = 'sent', finished_at = now(), telegram_message_id = :message_id
    WHERE id = :attempt_id
)
INSERT INTO telegram_messages (telegram_user_id, direction, chat_id, message_id, message_type, text)
SELECT telegram_user_id, 'out', :chat_id, :message_id, 'text', :text FROM marked
""")
