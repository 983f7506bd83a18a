"""Filters shared by routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.current_user import CurrentUser


class IsAdmin(Filter):
    """The sender's Telegram id is in ADMIN_IDS. Set once on an admin router, not per handler."""

    async def __call__(self, event: TelegramObject, current_user: CurrentUser | None = None) -> bool:
        return current_user is not None and current_user.is_admin
