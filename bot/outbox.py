"""Delivering the notification outbox through the sender, paced, once.

A run claims due rows (``sending``, under this worker's lease; quiet hours postpone the
non-urgent ones), then sends each chat's messages in order, chats side by side, each message
waiting for its slot under the shared pacing. For every part of a message:

1. an attempt row is committed (and the lease renewed) *before* the request;
2. once its pacing slot comes, the request goes to Telegram;
3. once Telegram accepted it, ONE statement on an autocommit connection (taken before the
   request) marks the part sent, closes the attempt and logs the outgoing message.

Crash analysis. Before 1: the row is still ``sending`` with no open attempt; nothing reached
Telegram. Between 1 and Telegram accepting: not delivered. Between Telegram accepting and the
statement of 3 committing (one round trip): delivered but not recorded. After 3: recorded. A
row left ``sending`` is queued again only when its worker's lease lapsed (a live worker renews it
before each part, so its rows are never taken from it), from the first part not recorded, and
its open attempt is closed as ``abandoned``. So a crash causes a duplicate only inside that
single round trip, and never loses a message.

Outcomes: 429 → the chat is paused for ``retry_after`` (shared through Redis) and the row waits
that long without counting an attempt; 5xx and network errors → retried with exponential backoff
up to ``max_attempts``; 403 → the user blocked the bot: the row and the rest of the user's queue
are cancelled; 400 → failed for good (the text cannot be sent).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter, TelegramServerError

from bot.html import split_html
from bot.i18n import Catalogs, speaking
from bot.render.notifications import render
from bot.sender import Sender
from db.repositories.notifications import DEFAULT_LEASE, OutboundNotification
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

# A request may leave this long after its pacing slot; later, it books a new slot (at most
# MAX_BOOKINGS times, then it goes).
LATE_SECONDS = 0.03
MAX_BOOKINGS = 10


def worker_name() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"[:64]


@dataclass
class OutboxStats:
    sent: int = 0
    failed: int = 0
    postponed: int = 0
    cancelled: int = 0


@dataclass
class NotificationOutbox:
    uow_factory: Callable[[], UnitOfWork]
    sender: Sender
    worker: str = field(default_factory=worker_name)
    batch_size: int = 200
    lease: timedelta = DEFAULT_LEASE
    stats: OutboxStats = field(default_factory=OutboxStats)
    catalogs: Catalogs = field(default_factory=Catalogs)  # translations, one locale per recipient

    async def run_once(self) -> int:
        """Claim and deliver one batch; returns how many notifications were claimed."""
        async with self.uow_factory() as uow:
            batch = await uow.notifications.claim_due(self.worker, limit=self.batch_size, lease=self.lease)
            await uow.commit()
        by_chat: dict[int, list[OutboundNotification]] = {}
        for notification in batch:
            by_chat.setdefault(notification.chat_id, []).append(notification)
        await asyncio.gather(*(self._deliver_chat(notes) for notes in by_chat.values()))
        return len(batch)

    async def release_stuck(self) -> int:
        async with self.uow_factory() as uow:
            released = await uow.notifications.release_stuck()
            await uow.commit()
        if released:
            log.warning("notifications: %d left 'sending' by a stopped sender were queued again", released)
        return released

    async def _deliver_chat(self, notifications: list[OutboundNotification]) -> None:
        """One chat's messages in order; a chat that blocked the bot or asked to wait gets no more."""
        for notification in notifications:
            try:
                keep_going = await self._deliver(notification)
            except Exception:  # noqa: BLE001 - the row stays leased; release_stuck recovers it
                log.exception("notification %s: delivery crashed", notification.id)
                keep_going = False
            if not keep_going:
                await self._release_rest(notifications[notifications.index(notification) + 1:])
                return

    async def _deliver(self, notification: OutboundNotification) -> bool:
        if not notification.wanted:
            await self._finish(notification, None, "cancelled", "switched off by the user in /settings")
            return True
        with speaking(self.catalogs, notification.language):  # pushes speak the user's language
            parts = split_html(render(notification.notification_type, notification.payload))
        for number in range(notification.parts_sent + 1, len(parts) + 1):
            failed = await self._send_part(notification, parts, number)
            if failed is not None:
                return failed  # the message waits for a retry (or is given up); the chat may go on
        self.stats.sent += 1
        return True

    async def _send_part(self, notification: OutboundNotification, parts: list[str], number: int) -> bool | None:
        """Steps 1-3 for one part. None when Telegram accepted it; otherwise whether the chat may
        get its next message in this run."""
        async with self.uow_factory() as uow:
            attempt_id = await uow.notifications.start_attempt(notification, number, self.worker, self.lease)
            await uow.commit()
        loop = asyncio.get_running_loop()
        for booking in range(1, MAX_BOOKINGS + 1):
            due = loop.time() + await self.sender.reserve_turn(notification.chat_id)
            await asyncio.sleep(max(0.0, due - loop.time()))
            async with self.uow_factory() as record:
                # The connection for step 3 is taken before the request, so only one statement
                # follows it. Taking it may have to wait for the pool: a request that would now
                # leave well after its slot books a new one instead (late requests bunch up).
                await record.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                if loop.time() - due > LATE_SECONDS and booking < MAX_BOOKINGS:
                    continue
                try:
                    message = await self.sender.send_part(notification.chat_id, parts[number - 1])
                except Exception as error:  # noqa: BLE001 - every outcome is recorded below
                    return await self._failed(notification, attempt_id, error)
                await record.notifications.record_accepted(
                    notification.id, attempt_id, part=number, last=number == len(parts),
                    chat_id=notification.chat_id, message_id=message.message_id, text=parts[number - 1],
                )
                break
        return None

    async def _failed(self, notification: OutboundNotification, attempt_id: uuid.UUID, error: Exception) -> bool:
        """Record the failed try; False when the chat must get nothing more in this run."""
        async with self.uow_factory() as uow:
            repo = uow.notifications
            if isinstance(error, TelegramRetryAfter):
                await repo.finish_attempt(attempt_id, "retry_after", str(error), retry_after=error.retry_after)
                await repo.postpone(notification.id, datetime.now(UTC) + timedelta(seconds=error.retry_after),
                                    f"Telegram asked to wait {error.retry_after} s")
                await uow.commit()
                if self.sender.pacer is not None:
                    await self.sender.pacer.pause_chat(notification.chat_id, error.retry_after)
                self.stats.postponed += 1
                return False
            if isinstance(error, TelegramForbiddenError):
                await repo.finish_attempt(attempt_id, "forbidden", str(error))
                dropped = await repo.cancel_for_user(notification.telegram_user_id, self.worker,
                                                     "the user blocked the bot")
                await uow.commit()
                log.info("chat %s blocked the bot: %d queued notifications dropped", notification.chat_id, dropped)
                self.stats.cancelled += dropped
                return False
            permanent = isinstance(error, TelegramBadRequest)
            outcome = "bad_request" if permanent else "server_error" if _is_server_error(error) else "network"
            await repo.finish_attempt(attempt_id, outcome, f"{type(error).__name__}: {error}")
            await repo.mark_failed(notification.id, f"{type(error).__name__}: {error}", retry=not permanent)
            await uow.commit()
            self.stats.failed += 1
            log.warning("notification %s not delivered (%s): %s", notification.id, outcome, error)
            return not _is_server_error(error)  # a struggling Telegram gets no more from this chat now

    async def _finish(self, notification: OutboundNotification, attempt_id: uuid.UUID | None, status: str,
                      reason: str) -> None:
        async with self.uow_factory() as uow:
            if attempt_id is not None:
                await uow.notifications.finish_attempt(attempt_id, status, reason)
            await uow.notifications.mark_failed(notification.id, reason, retry=False)
            await uow.commit()
        self.stats.cancelled += 1

    async def _release_rest(self, notifications: list[OutboundNotification]) -> None:
        """Give back, untried, what this run claimed for a chat it stopped sending to."""
        if not notifications:
            return
        async with self.uow_factory() as uow:
            for notification in notifications:
                await uow.notifications.postpone_unsent(notification.id, self.worker)
            await uow.commit()


def _is_server_error(error: Exception) -> bool:
    return isinstance(error, TelegramServerError)
