"""Know who is writing: create or refresh their ``telegram_users`` row, drop banned users.

The same statement adds the update to the user's daily counters, which the rate limiter then
checks (bot/rate_limiter.py): every update from a user counts, also those of handlers the limits
never refuse (confirm taps, /cancel).

New users start ``pending``; /start shows the terms and accepting them makes the account
``active`` (see handlers/start.py). Which handlers a pending user may reach is decided per
handler by the access middleware. The bot talks to people in private chats only: groups,
channels and other bots are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update, User

from bot.current_user import CurrentUser
from bot.i18n import supported
from bot.rate_limiter import is_slash_command, next_reset
from bot.settings import SecuritySettings
from db.repositories.telegram import DailyStep, TelegramUserRepository
from db.uow import UnitOfWork
from domain.enums import TelegramUserStatus

log = logging.getLogger(__name__)


class RegistrationMiddleware(BaseMiddleware):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        security: SecuritySettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow_factory = uow_factory
        self._security = security
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if sender is None or sender.is_bot or (chat is not None and chat.type != ChatType.PRIVATE):
            return None
        now = self._clock()
        is_command = isinstance(event, Update) and event.message is not None and is_slash_command(event.message)
        async with self._uow_factory() as uow:
            account = await uow.repo(TelegramUserRepository).upsert_profile(
                telegram_id=sender.id,
                chat_id=chat.id if chat is not None else sender.id,
                username=sender.username,
                first_name=sender.first_name,
                last_name=sender.last_name,
                language_code=(sender.language_code or "")[:10] or None,
                language=supported(sender.language_code),
                count=DailyStep(is_command=is_command, now=now, next_reset=next_reset(now)),
            )  # one statement, committed on its own (db/single_statement.py)
        if account.status is TelegramUserStatus.BANNED:
            log.info("Ignoring an update from banned Telegram user %s", sender.id)
            return None
        data["current_user"] = CurrentUser.of(
            account, admin_ids=self._security.admin_ids, allowed_user_ids=self._security.allowed_user_ids, counted=True
        )
        return await handler(event, data)
