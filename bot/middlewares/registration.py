"""Know who is writing: create or refresh their ``telegram_users`` row, drop banned users.

The same statement adds the update to the user's daily counters, which the rate limiter then
checks (bot/rate_limiter.py): every update from a user counts, also those of handlers the limits
never refuse (confirm taps, /cancel).

A sender seen moments ago with the same profile is taken from the account cache
(bot/account_cache.py) without a statement: their update is counted on the kept copy and, in
the database, by the message log's batch (the update's trace says so). Updates the message log
does not record (no trace) always run the statement.

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

from bot.account_cache import AccountCache, Profile
from bot.current_user import CurrentUser
from bot.i18n import supported
from bot.message_log import UpdateTrace
from bot.rate_limiter import is_slash_command, next_reset
from bot.settings import SecuritySettings
from db.models import TelegramUser
from db.repositories.telegram import DailyStep, DailyUsage, TelegramUserRepository
from db.uow import UnitOfWork
from domain.enums import TelegramUserStatus

log = logging.getLogger(__name__)


class RegistrationMiddleware(BaseMiddleware):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        security: SecuritySettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        accounts: AccountCache | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._security = security
        self._clock = clock
        self._accounts = accounts

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
        step = DailyStep(is_command=is_command, now=now, next_reset=next_reset(now))
        profile: Profile = (
            chat.id if chat is not None else sender.id, sender.username, sender.first_name, sender.last_name,
            (sender.language_code or "")[:10] or None,
        )
        trace: UpdateTrace | None = data.get("update_trace")
        kept = self._accounts.get(sender.id, profile) if self._accounts is not None and trace is not None else None
        if kept is not None:
            account, usage = kept, self._count_on_copy(sender.id, step, trace)
        else:
            account = await self._register(sender, profile, step)
            usage = DailyUsage(account.daily_message_count, account.daily_command_count, account.rate_limit_reset_at)
        if account.status is TelegramUserStatus.BANNED:
            log.info("Ignoring an update from banned Telegram user %s", sender.id)
            return None
        data["current_user"] = CurrentUser.of(
            account, admin_ids=self._security.admin_ids, allowed_user_ids=self._security.allowed_user_ids, usage=usage
        )
        return await handler(event, data)

    async def _register(self, sender: User, profile: Profile, step: DailyStep) -> TelegramUser:
        chat_id, username, first_name, last_name, language_code = profile
        generation = self._accounts.generation if self._accounts is not None else 0
        async with self._uow_factory() as uow:
            account = await uow.repo(TelegramUserRepository).upsert_profile(
                telegram_id=sender.id, chat_id=chat_id, username=username, first_name=first_name,
                last_name=last_name, language_code=language_code, language=supported(sender.language_code),
                count=step,
            )  # one statement, committed on its own (db/single_statement.py)
        if self._accounts is not None:
            self._accounts.keep(account, profile, read_at_generation=generation)
        return account

    def _count_on_copy(self, telegram_id: int, step: DailyStep, trace: UpdateTrace) -> DailyUsage:
        """Counted here for the rate limiter, and in the database with the update's log row."""
        assert self._accounts is not None  # only called with a cache
        trace.count_daily = True
        return self._accounts.count(telegram_id, is_command=step.is_command, now=step.now, next_reset=step.next_reset)
