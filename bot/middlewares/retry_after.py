"""Bot session middleware: when Telegram answers 429, wait ``retry_after`` and try again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        attempts: int = 3,
        max_wait_seconds: int = 60,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._attempts = attempts
        # Waits longer than this are not worth holding an update for: the error surfaces instead.
        self._max_wait_seconds = max_wait_seconds
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt >= self._attempts or error.retry_after > self._max_wait_seconds:
                    raise
                log.warning(
                    "Telegram asked to slow down on %s: retrying in %s s (attempt %s of %s)",
                    method.__api_method__, error.retry_after, attempt + 1, self._attempts,
                )
                await self._sleep(error.retry_after)
                attempt += 1
