"""Store every incoming message and button tap in ``telegram_messages``; keep activity counters
and the user's session (``user_sessions``).

The row is written after the handler ran, outside the handler's transaction, so that it is kept
even when handling fails and can be linked to the account registration just created and to the AI
command the handler produced. Concurrent updates are written together, one statement per batch
(db/group_commit.py, db/repositories/incoming_log.py); the
update is acknowledged only once its row is committed. Its ``created_at`` is the arrival time, so the log still reads in order.
An update interrupted by a shutdown is not recorded: it will be delivered again and recorded then.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.message_log import IncomingRecord, UpdateTrace, incoming_record, tracing
from bot.rate_limiter import next_reset
from db.group_commit import GroupCommit
from db.models import AIResponse
from db.repositories.incoming_log import SenderCount, write_incoming
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    record: IncomingRecord
    update_id: int
    ai_command_id: uuid.UUID | None
    received_at: datetime
    holds_secret: bool = False
    count_daily: bool = False
    responses: tuple[AIResponse, ...] = ()


class UpdateLogMiddleware(BaseMiddleware):
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._log = GroupCommit(uow_factory, _write_batch)

    async def close(self) -> None:
        """At shutdown: what is queued is written before the process ends."""
        await self._log.close()

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
            await self._log.write(
                _Entry(record, trace.update_id, trace.ai_command_id, received_at, holds_secret=trace.holds_secret,
                       count_daily=trace.count_daily, responses=tuple(trace.responses))
            )
        except Exception:  # the log must never turn a handled update into a failed one
            log.warning("Could not store incoming update %s", trace.update_id, exc_info=True)


async def _write_batch(uow: UnitOfWork, entries: Sequence[_Entry]) -> None:
    """The messages of many updates, their senders' counters and sessions, the assistant's
    responses: one statement (db/repositories/incoming_log.py)."""
    counts: dict[int, SenderCount] = {}
    for seq, entry in enumerate(entries):
        record, known = entry.record, counts.get(entry.record.telegram_id)
        command = int(record.message_type == "command")
        at = max(known.at, entry.received_at) if known else entry.received_at
        counts[record.telegram_id] = SenderCount(
            record.telegram_id,
            messages=(known.messages if known else 0) + 1,
            commands=(known.commands if known else 0) + command,
            at=at,
            # Updates registration took from its cache: counted for today here (as it would have).
            daily_messages=(known.daily_messages if known else 0) + int(entry.count_daily),
            daily_commands=(known.daily_commands if known else 0) + (command if entry.count_daily else 0),
            next_reset=next_reset(at),
            seq=seq,
            chat_id=record.chat_id,
        )
    await write_incoming(
        uow.session,
        list(counts.values()),
        [response for entry in entries for response in entry.responses],
        [(entry.record.telegram_id, {**entry.record.row(entry.update_id, holds_secret=entry.holds_secret),
                                     "ai_command_id": entry.ai_command_id, "created_at": entry.received_at})
         for entry in entries],
    )
