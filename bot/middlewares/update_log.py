"""Store every incoming message and button tap in ``telegram_messages``; keep activity counters
and the user's session (``user_sessions``).

The row is written after the handler ran, outside the handler's transaction, so that it is kept
even when handling fails and can be linked to the account registration just created and to the AI
command the handler produced. Concurrent updates are written together, one statement per batch
(db/group_commit.py, db/repositories/incoming_log.py); the
update is acknowledged only once its row is committed. Its ``created_at`` is the arrival time, so the log still reads in order.
The bot's replies sent while handling the update, the AI command of an answer-only reading and
the assistant's responses go into the same statement. An update interrupted by a shutdown is not
recorded (it will be delivered again and recorded then); the replies it already sent are.
"""

from __future__ import annotations

import asyncio
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
from db.repositories.ai_commands import CommandRecord, ResponseRecord
from db.repositories.incoming_log import SenderCount, write_incoming
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    record: IncomingRecord | None  # None: only the messages an interrupted update sent
    update_id: int
    ai_command_id: uuid.UUID | None
    received_at: datetime
    holds_secret: bool = False
    count_daily: bool = False
    responses: tuple[ResponseRecord, ...] = ()
    sent: tuple[dict[str, Any], ...] = ()  # the bot's messages in reply (direction out)
    command: CommandRecord | None = None  # an answer-only reading's AI command


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
            except BaseException:  # interrupted (a shutdown): the update comes again, what it sent stays sent
                self._keep_sent(trace)
                raise
        await self._store(record, trace, received_at)
        return result

    def _keep_sent(self, trace: UpdateTrace) -> None:
        """The messages an interrupted update already sent: written without its own row (that
        comes with the update's next delivery), by the time the process ends."""
        trace.closed = True
        if trace.sent:
            written = self._log.submit(_Entry(None, trace.update_id, None, datetime.now(UTC), sent=tuple(trace.sent)))
            written.add_done_callback(_report_failure)

    async def _store(self, record: IncomingRecord, trace: UpdateTrace, received_at: datetime) -> None:
        trace.closed = True  # sends from here on are written by the outgoing log itself
        try:
            await self._log.write(
                _Entry(record, trace.update_id, trace.ai_command_id, received_at, holds_secret=trace.holds_secret,
                       count_daily=trace.count_daily, responses=tuple(trace.responses), sent=tuple(trace.sent),
                       command=trace.command)
            )
        except Exception:  # the log must never turn a handled update into a failed one
            log.warning("Could not store incoming update %s", trace.update_id, exc_info=True)


async def _write_batch(uow: UnitOfWork, entries: Sequence[_Entry]) -> None:
    """The messages of many updates, their senders' counters and sessions, the assistant's
    responses: one statement (db/repositories/incoming_log.py)."""
    counts: dict[int, SenderCount] = {}
    for seq, entry in enumerate(entries):
        record = entry.record
        if record is None:
            continue
        known = counts.get(record.telegram_id)
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
        [row for entry in entries for row in _rows(entry)],
        [entry.command for entry in entries if entry.command is not None],
    )


def _rows(entry: _Entry) -> list[tuple[int | None, dict[str, Any]]]:
    """The update's row (by its sender) and the bot's replies (by their chat, as every sent row)."""
    replies: list[tuple[int | None, dict[str, Any]]] = [(None, row) for row in entry.sent]
    if entry.record is None:
        return replies
    incoming = {**entry.record.row(entry.update_id, holds_secret=entry.holds_secret),
                "ai_command_id": entry.ai_command_id, "created_at": entry.received_at}
    return [(entry.record.telegram_id, incoming), *replies]


def _report_failure(written: asyncio.Future[None]) -> None:
    if not written.cancelled() and written.exception() is not None:
        log.warning("Could not store the messages an interrupted update sent", exc_info=written.exception())
