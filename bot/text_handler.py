"""The seam between the chat and the language layer.

Free text (typed, pasted or forwarded) is handed to a ``TextHandler`` given to the dispatcher
at start-up as the ``text_handler`` service. The NLP integration implements it: parse with
``NLPService.parse(message.text, forwarded=message.forwarded_from is not None)``, run the
command through the domain services using ``uow``, render the result with bot/texts and return
it. With no handler configured the bot says plain-language requests are not enabled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from aiogram.types import InlineKeyboardMarkup

from db.uow import UnitOfWork


@dataclass(frozen=True)
class IncomingText:
    text: str  # the message text, or the caption of a forwarded post
    chat_id: int
    telegram_user_id: uuid.UUID  # telegram_users.id
    user_id: uuid.UUID | None  # users.id
    may_trade: bool  # trading is deny-by-default (allow-list); analysis and alerts are not
    forwarded_from: str | None  # "@channel", a chat title or a name when forwarded


@dataclass(frozen=True)
class TextReply:
    text: str  # HTML; any length, the sender splits it
    reply_markup: InlineKeyboardMarkup | None = None
    # The ai_commands row this request produced: links the logged message and reply to it.
    ai_command_id: uuid.UUID | None = None
    # A chart (PNG) sent before the text, e.g. for "show me a btc chart", with its caption (HTML).
    photo: bytes | None = None
    photo_caption: str | None = None


class TextHandler(Protocol):
    async def handle_text(self, message: IncomingText, uow: UnitOfWork) -> TextReply: ...

    async def cancel_dialog(self, chat_id: int) -> bool:
        """Forget a question the handler is waiting to have answered; True if there was one."""
        ...
