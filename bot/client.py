"""Building the Bot: HTML by default, an optional self-hosted Bot API server, session middlewares."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery, DeleteMessage, DeleteWebhook, EditMessageReplyMarkup, EditMessageText, GetMe,
    GetUpdates, SendChatAction, SendMessage, SendPhoto, SetMyCommands, SetWebhook, TelegramMethod,
)
from aiogram.methods.base import Response

from bot.json_session import JsonBodySession
from bot.middlewares.outgoing_log import OutgoingLogMiddleware
from bot.middlewares.retry_after import RetryAfterMiddleware
from db.uow import UnitOfWork


def build_bot(
    token: str,
    uow_factory: Callable[[], UnitOfWork],
    *,
    api_url: str | None = None,
    session: BaseSession | None = None,
    request_timeout: float | None = None,
) -> Bot:
    """``api_url``: base URL of a telegram-bot-api server (TELEGRAM_API_URL); ``session``: a
    non-HTTP session such as the local chat's terminal; ``request_timeout``: seconds before a
    request counts as failed (aiogram's default, 60, unless given)."""
    if session is None:
        options = {} if request_timeout is None else {"timeout": request_timeout}
        api = TelegramAPIServer.from_base(api_url) if api_url else None
        session = JsonBodySession(api=api, **options) if api else JsonBodySession(**options)
    # Registration order is nesting order: the log sees the outcome after retries.
    session.middleware(OutgoingLogMiddleware(uow_factory))
    session.middleware(RetryAfterMiddleware())
    session.response_types = _response_types()  # type: ignore[attr-defined]
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


_HOT_METHODS: tuple[type[TelegramMethod], ...] = (  # type: ignore[type-arg]
    GetUpdates, SendMessage, SendPhoto, EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery,
    SendChatAction, DeleteMessage, GetMe, SetMyCommands, SetWebhook, DeleteWebhook,
)


async def close_bot(bot: Bot) -> None:
    """Writes the outgoing log's queued rows, then closes the HTTP session."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, OutgoingLogMiddleware):
            await middleware.close()
    await bot.session.close()


def _response_types() -> list[type]:
    """aiogram reads every answer as ``Response[<result type>]``, a pydantic generic that pydantic
    caches only weakly: unreferenced, each call built the class again (schema and all). The
    session keeps the ones the bot uses alive."""
    return [Response[method.__returning__] for method in _HOT_METHODS]  # type: ignore[misc]
