"""Apply the rate limiter to messages and button taps; handlers flagged RATE_LIMIT_EXEMPT pass."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.current_user import CurrentUser
from bot.middlewares.notice import tell
from bot.rate_limiter import WINDOW_COUNT, RateLimiter, is_slash_command


class RateLimitMiddleware(BaseMiddleware):
    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if get_flag(data, "rate_limit") == "exempt":
            return await handler(event, data)
        user: CurrentUser = data["current_user"]
        is_command = isinstance(event, Message) and is_slash_command(event)
        refusal = await self._limiter.check(user, is_command=is_command, counted=data.get(WINDOW_COUNT))
        if refusal is None:
            return await handler(event, data)
        if refusal.notify:
            await tell(event, refusal.message)
        elif isinstance(event, CallbackQuery):
            await event.answer()  # stop the button's spinner without repeating the notice
        return None
