"""Store every incoming message and button tap in ``telegram_messages``; keep activity counters
and the user's session (``user_sessions``).

The row is written after the handler ran, in its own transaction, so that it is kept even when
handling fails and can be linked to the account registration just created and to the AI command
the handler produced. Its ``created_at`` is the arrival time, so the log still reads in order.
An update interrupted by a shutdown is not recorded: it will be delivered again and recorded then.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.message_log import IncomingRecord, UpdateTrace, incoming_record, tracing
from db.repositories.sessions import UserSessionRepository
from db.repositories.telegram import TelegramMessageRepository, TelegramUserRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


class UpdateLogMiddleware(BaseMiddleware):
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        record = incoming_record(event)
        if record is None:
            return await handler(event, data)
        received_at = datetime.now(UTC)
        trace = UpdateTrace(update_id=event.update_id)
        data["update_trace"] = trace
        with tracing(trace):
            try:
                result = await handler(event, data)
            except Exception:
                await self._store(record, trace, received_at)
                raise
        await self._store(record, trace, received_at)
        return result

    async def _store(self, record: IncomingRecord, trace: UpdateTrace, received_at: datetime) -> None:
        try:
            async with self._uow_factory() as uow:
                activity = await uow.repo(TelegramUserRepository).record_activity(
                    record.telegram_id, received_at, is_command=record.message_type == "command"
                )
                if activity is not None and activity.user_id is not None:
                    await uow.repo(UserSessionRepository).touch(
                        activity.user_id, received_at, device_info={"client": "telegram", "chat_id": record.chat_id}
                    )
                uow.repo(TelegramMessageRepository).add(
                    **record.row(trace.update_id, holds_secret=trace.holds_secret),
                    telegram_user_id=None if activity is None else activity.telegram_user_id,
                    ai_command_id=trace.ai_command_id,
                    created_at=received_at,
                )
                await uow.commit()
        except Exception:  # the log must never turn a handled update into a failed one
            log.warning("Could not store incoming update %s", trace.update_id, exc_info=True)
