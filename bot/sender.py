"""Sending messages the bot composes: replies of any length and proactive notifications.

Texts are HTML (build them with :mod:`bot.texts`; user-provided parts escaped there). What the
sender adds: texts over 4096 characters go out as several messages split at line breaks with
tags kept balanced, the keyboard riding on the last one; proactive messages wait for their turn
under the shared pacing (per chat and overall, see bot/pacing.py). Beneath it, the Bot session
middlewares retry on 429 after ``retry_after``, record every sent message, and mark users who
blocked the bot (403); see bot/client.py. The notification outbox (bot/outbox.py) drives
:meth:`send_part` for queued notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.html import split_html
from bot.middlewares.outgoing_log import recorded_by_caller
from bot.pacing import Pacer
from db.repositories.telegram import TelegramUserRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, bot: Bot, uow_factory: Callable[[], UnitOfWork], pacer: Pacer | None = None) -> None:
        self._bot = bot
        self._uow_factory = uow_factory
        self.pacer = pacer

    async def send(
        self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> list[Message]:
        """Send ``text`` as one or more messages, in order; errors (e.g. a 403) propagate."""
        parts = split_html(text)
        sent = []
        for number, part in enumerate(parts, start=1):
            markup = reply_markup if number == len(parts) else None
            sent.append(await self._bot.send_message(chat_id, part, reply_markup=markup))
        return sent

    async def send_photo(self, chat_id: int, png: bytes, caption: str | None = None) -> Message:
        return await self._bot.send_photo(chat_id, BufferedInputFile(png, filename="chart.png"), caption=caption)

    async def reserve_turn(self, chat_id: int) -> float:
        """Book this chat's next slot under the shared pacing; seconds until it (0: no pacing)."""
        return 0.0 if self.pacer is None else await self.pacer.reserve(chat_id)

    async def wait_turn(self, chat_id: int) -> None:
        """Wait for this chat's next slot under the shared pacing (no pacing: at once)."""
        if self.pacer is not None:
            await self.pacer.wait_turn(chat_id)

    async def send_part(self, chat_id: int, part: str) -> Message:
        """One already-split part of a queued notification; the caller records it (one statement
        with its own state) and has waited for its turn. Errors propagate."""
        token = recorded_by_caller.set(True)
        try:
            return await self._bot.send_message(chat_id, part)
        finally:
            recorded_by_caller.reset(token)

    async def send_to_user(
        self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """A proactive notification (alert, fill...). False when the user has blocked the bot.

        In private chats the chat id is the user's Telegram id. Users known to have blocked the
        bot are skipped until they write again.
        """
        async with self._uow_factory() as uow:
            if await uow.repo(TelegramUserRepository).is_blocked(chat_id):
                log.info("Not notifying chat %s: the user has blocked the bot", chat_id)
                return False
        await self.wait_turn(chat_id)
        try:
            await self.send(chat_id, text, reply_markup)
        except TelegramForbiddenError:
            return False  # the session middleware has marked the user blocked
        return True
