"""The one place errors become replies.

- a domain error's user-safe ``phrase`` is shown translated;
- PostgreSQL or Redis being unreachable becomes "temporarily unavailable, try again";
- a user who blocked the bot cannot be answered, which is fine;
- anything else is logged with its traceback and the user gets a short apology, never details.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import ErrorEvent

from bot import texts
from bot.html import escape
from bot.middlewares.deduplication import UpdateInProgress
from bot.outages import is_outage
from bot.i18n import _
from bot.render.phrases import say
from domain.errors import DomainError

log = logging.getLogger(__name__)


def build_router() -> Router:
    router = Router(name="errors")
    # An update another worker is handling is not an error to tell anyone about: left unhandled,
    # it fails the webhook request and Telegram delivers it again.
    router.errors.register(reply_to_error, lambda event: not isinstance(event.exception, UpdateInProgress))
    return router


async def reply_to_error(event: ErrorEvent, bot: Bot) -> bool:
    error = event.exception
    update_id = event.update.update_id
    if isinstance(error, TelegramForbiddenError):
        log.info("Update %s: the user has blocked the bot, reply dropped", update_id)
        return True
    if isinstance(error, DomainError):
        log.info("Update %s refused: %s", update_id, error.user_message)
        reply = say(error.phrase)
    elif is_outage(error):
        log.warning("Update %s failed, a backing service is unavailable: %r", update_id, error)
        reply = _(texts.TEMPORARILY_UNAVAILABLE)
    else:
        log.error("Update %s failed", update_id, exc_info=error)
        reply = _(texts.SOMETHING_WENT_WRONG)
    await _answer(bot, event, reply)
    return True


async def _answer(bot: Bot, event: ErrorEvent, reply: str) -> None:
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
            await bot.send_message(update.callback_query.from_user.id, reply)
        elif update.message is not None:
            await bot.send_message(update.message.chat.id, reply)
    except TelegramAPIError:
        log.warning("Could not tell the user about the failure of update %s", update.update_id, exc_info=True)
