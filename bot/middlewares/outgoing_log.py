"""Bot session middleware: record what the bot sends, and who blocked it.

Sitting on the Bot session, it sees every outgoing call whether it came from the sender, a
handler's ``message.answer`` or an error reply. Sent and edited messages go to
``telegram_messages`` (direction ``out``); a 403 marks the chat's user ``is_bot_blocked`` so
proactive notifications stop until they write again. A failure to record never fails the send.

A message sent while an update is handled is written with that update's own row, in the
incoming log's batch statement (bot/middlewares/update_log.py), which commits before the update
is acknowledged; other sends (jobs, tasks that outlive their update) are written here, many per
transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import EditMessageText, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message

from bot.message_log import current_trace, outgoing_row
from db.group_commit import GroupCommit
from db.repositories.telegram import TelegramMessageRepository, TelegramUserRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

_SENT_TYPES: dict[type, str] = {SendMessage: "text", SendPhoto: "photo"}

# Set by a caller that records the sent message itself, in the same statement as its own state
# (the notification outbox): logging it here too would add round trips after Telegram accepted.
recorded_by_caller: ContextVar[bool] = ContextVar("recorded_by_caller", default=False)


class OutgoingLogMiddleware(BaseRequestMiddleware):
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory
        # Sent messages, many per transaction (db/group_commit.py); each send waits for its row.
        self._sent = GroupCommit(uow_factory, _write_sent)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        try:
            result = await make_request(bot, method)
        except TelegramForbiddenError:
            chat_id = getattr(method, "chat_id", None)
            if isinstance(chat_id, int):
                await self._record(self._mark_blocked, chat_id)
            raise
        if isinstance(result, Message) and not recorded_by_caller.get():
            if type(method) in _SENT_TYPES:
                await self._record_sent(method, result)
            elif isinstance(method, EditMessageText):
                await self._record(self._store_edit, result)
        return result

    async def close(self) -> None:
        """At shutdown: the rows of sends already made are written before the process ends."""
        await self._sent.close()

    async def _record(self, action: Callable[..., Any], *args: Any) -> None:
        try:
            async with self._uow_factory() as uow:
                await action(uow, *args)
                await uow.commit()
        except Exception:
            log.warning("Could not record an outgoing Telegram call", exc_info=True)

    async def _record_sent(self, method: TelegramMethod[Any], message: Message) -> None:
        markup = message.reply_markup
        extra = {"reply_markup": markup.model_dump(mode="json", exclude_none=True)} if markup else {}
        row = outgoing_row(message.chat.id, message, message_type=_SENT_TYPES[type(method)], extra=extra)
        trace = current_trace()
        if trace is not None and trace.keep_sent(row):
            return
        try:
            await self._sent.write(row)
        except Exception:
            log.warning("Could not record an outgoing Telegram call", exc_info=True)

    @staticmethod
    async def _mark_blocked(uow: UnitOfWork, chat_id: int) -> None:
        log.info("Chat %s blocked the bot: no more messages until they write", chat_id)
        await uow.repo(TelegramUserRepository).mark_blocked(chat_id)

    @staticmethod
    async def _store_edit(uow: UnitOfWork, message: Message) -> None:
        now = datetime.now(UTC)
        messages = uow.repo(TelegramMessageRepository)
        if not await messages.record_edit(message.chat.id, message.message_id, message.text, now):
            row = outgoing_row(message.chat.id, message, message_type="text", extra={"edited": True})
            await _write_sent(uow, [{**row, "edited_at": now}])


async def _write_sent(uow: UnitOfWork, rows: Sequence[dict[str, Any]]) -> None:
    # One statement, committed on its own; each row gets the account of its chat.
    await uow.repo(TelegramMessageRepository).add_all(rows)
