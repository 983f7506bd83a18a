"""Who may reach a handler: active users, unless the handler is flagged ``PUBLIC``.

Pending users (terms not accepted yet) are shown the terms with the accept button; blocked
users are told so. Admin-only routers add their own filter (bot/filters.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import TelegramObject

from bot import keyboards, texts
from bot.current_user import CurrentUser
from bot.middlewares.notice import tell
from bot.i18n import _
from domain.enums import TelegramUserStatus


class AccessMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: CurrentUser = data["current_user"]
        if get_flag(data, "access") == "public" or user.status is TelegramUserStatus.ACTIVE:
            return await handler(event, data)
        if user.status is TelegramUserStatus.PENDING:
            await tell(
                event, texts.terms_required(), reply_markup=keyboards.accept_terms(), alert=_(texts.TERMS_REQUIRED_ALERT)
            )
        else:
            await tell(event, _(texts.BLOCKED))
        return None
