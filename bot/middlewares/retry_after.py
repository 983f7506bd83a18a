"""Bot session middleware: requests Telegram failed for passing reasons are tried again.

- 429: wait ``retry_after`` as Telegram asks, then retry.
- 5xx (Telegram's front answering for a struggling back end): retry after a growing pause.
- Network errors: retry after a growing pause when the request cannot have taken effect twice:
  the connection was never made, or the method is idempotent (edits, answers, setMyCommands).
  A send that timed out after leaving may have been delivered; it is not repeated (the error
  surfaces, and the error handler answers the update), so a user never gets a message twice.
getUpdates is left to aiogram's polling loop, which has its own backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientConnectorError

log = logging.getLogger(__name__)

# Methods that create something each time they are called; everything else can be repeated.
NOT_IDEMPOTENT = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "forwardMessage", "copyMessage", "sendAnimation",
    "sendVideo", "sendAudio", "sendVoice", "sendSticker", "sendPoll", "sendLocation", "sendContact", "sendDice",
})


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        attempts: int = 3,
        max_wait_seconds: int = 60,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        backoff_seconds: float = 0.5,
    ) -> None:
        self._attempts = attempts
        # Waits longer than this are not worth holding an update for: the error surfaces instead.
        self._max_wait_seconds = max_wait_seconds
        self._sleep = sleep
        self._backoff_seconds = backoff_seconds

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        name = method.__api_method__
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt >= self._attempts or error.retry_after > self._max_wait_seconds:
                    raise
                wait: float = error.retry_after
                log.warning("Telegram asked to slow down on %s: retrying in %s s (attempt %s of %s)",
                            name, wait, attempt + 1, self._attempts)
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt >= self._attempts or name == "getUpdates" or not _repeatable(name, error):
                    raise
                wait = self._backoff_seconds * 2 ** (attempt - 1)
                log.warning("Telegram request %s failed (%s): retrying in %.1f s (attempt %s of %s)",
                            name, error.message, wait, attempt + 1, self._attempts)
            await self._sleep(wait)
            attempt += 1


def _repeatable(method: str, error: TelegramServerError | TelegramNetworkError) -> bool:
    if isinstance(error, TelegramServerError) or method not in NOT_IDEMPOTENT:
        return True
    return isinstance(error.__cause__, ClientConnectorError)  # never reached Telegram
