"""What goes into ``telegram_messages``: the row for an incoming update, and the per-update trace
that lets outgoing messages point at the same AI command as the message they answer.

The trace lives in a context variable because outgoing messages are recorded by a middleware on
the Bot session, which sees API calls but not the update they belong to. Handlers get the same
object as the ``update_trace`` parameter and set ``ai_command_id`` when they know it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram.types import CallbackQuery, Message, Update

from bot.forwarding import forwarded_from
from db.repositories.ai_commands import CommandRecord, ResponseRecord
from domain.enums import MessageDirection


SECRET_REMOVED = "[secret removed]"


@dataclass
class UpdateTrace:
    update_id: int
    ai_command_id: uuid.UUID | None = None
    # Set by a handler that received a secret (an API key): the log keeps the row, not the text.
    holds_secret: bool = False
    # Set by registration when it took the account from its cache: the log's batch adds the
    # update to the daily counters (else registration's own statement did).
    count_daily: bool = False
    # What the assistant answered (ai_responses), written with the update's log row.
    responses: list[ResponseRecord] = field(default_factory=list)
    # The AI command of an answer-only reading (bot/assistant/text_handler.py), written there too.
    command: CommandRecord | None = None
    # The messages the bot sent while handling the update (telegram_messages rows, direction
    # out): written in the same statement as the update's own row, not in a transaction each.
    sent: list[dict[str, Any]] = field(default_factory=list)
    # Set once the update's row is queued for writing: later sends (a task that outlived the
    # update) are written on their own.
    closed: bool = False

    def keep_sent(self, row: dict[str, Any]) -> bool:
        """Take a sent message's log row into the update's batch; False once that is written."""
        if self.closed:
            return False
        self.sent.append(row)
        return True


_current_trace: ContextVar[UpdateTrace | None] = ContextVar("current_update_trace", default=None)


@contextmanager
def tracing(trace: UpdateTrace) -> Iterator[UpdateTrace]:
    token = _current_trace.set(trace)
    try:
        yield trace
    finally:
        _current_trace.reset(token)


def current_trace() -> UpdateTrace | None:
    return _current_trace.get()


@dataclass(frozen=True)
class IncomingRecord:
    """The ``telegram_messages`` fields of an incoming message or button tap."""

    telegram_id: int
    chat_id: int
    message_id: int | None
    message_type: str
    text: str | None
    callback_data: str | None = None
    is_forwarded: bool = False
    forward_from_chat: str | None = None

    def row(self, update_id: int, *, holds_secret: bool = False) -> dict[str, Any]:
        return {
            "direction": MessageDirection.IN.value,
            "update_id": update_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "message_type": self.message_type,
            "text": SECRET_REMOVED if holds_secret else self.text,
            "callback_data": self.callback_data,
            "is_forwarded": self.is_forwarded,
            "forward_from_chat": self.forward_from_chat,
        }


def incoming_record(update: Update) -> IncomingRecord | None:
    """None for updates that are not a person writing or tapping (channel posts, member changes...)."""
    if update.message is not None and update.message.from_user is not None:
        return _message_record(update.message)
    if update.callback_query is not None:
        return _callback_record(update.callback_query)
    return None


def _message_record(message: Message) -> IncomingRecord:
    forwarded = message.forward_origin is not None
    source = forwarded_from(message)
    return IncomingRecord(
        telegram_id=message.from_user.id,  # type: ignore[union-attr]  # checked by the caller
        chat_id=message.chat.id,
        message_id=message.message_id,
        message_type=_message_type(message, forwarded=forwarded),
        text=message.text or message.caption,
        is_forwarded=forwarded,
        forward_from_chat=source[:255] if source else None,
    )


def _message_type(message: Message, *, forwarded: bool) -> str:
    if forwarded:
        return "forward"
    if message.photo:
        return "photo"
    if message.text is not None:
        return "command" if message.text.startswith("/") else "text"
    return "other"


def _callback_record(query: CallbackQuery) -> IncomingRecord:
    message = query.message
    return IncomingRecord(
        telegram_id=query.from_user.id,
        chat_id=message.chat.id if message is not None else query.from_user.id,
        message_id=message.message_id if message is not None else None,
        message_type="callback",
        text=None,
        callback_data=query.data,
    )


def outgoing_row(
    chat_id: int, message: Message, *, message_type: str, extra: dict[str, Any]
) -> dict[str, Any]:
    trace = current_trace()
    return {
        "direction": MessageDirection.OUT.value,
        "update_id": trace.update_id if trace else None,
        "ai_command_id": trace.ai_command_id if trace else None,
        "chat_id": chat_id,
        "message_id": message.message_id,
        "message_type": message_type,
        "text": message.text or message.caption,
        "extra": extra,
        "created_at": datetime.now(UTC),
    }
