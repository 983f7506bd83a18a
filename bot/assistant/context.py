"""What every intent handler receives, and the shape it has.

An intent handler is ``async def handle(ctx: IntentContext, parsed: ParsedCommand) -> TextReply``:
it calls domain services through ``ctx.services`` with ``ctx.uow`` and renders the result with
the ``bot.render`` helpers. It never talks to Telegram itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.assistant.services import AssistantServices
from bot.text_handler import IncomingText, TextReply
from db.repositories.trading_uow import TradingUnitOfWork
from nlp.models import ParsedCommand


@dataclass(frozen=True)
class IntentContext:
    message: IncomingText
    uow: TradingUnitOfWork
    services: AssistantServices
    ai_command_id: uuid.UUID | None

    @property
    def user_id(self) -> uuid.UUID | None:
        """users.id: set once the user accepted the terms (trading and portfolios need it)."""
        return self.message.user_id


IntentHandler = Callable[[IntentContext, ParsedCommand], Awaitable[TextReply]]


def answer_only(handler: IntentHandler) -> IntentHandler:
    """Mark a handler that only reads and answers: nothing it writes, offers or remembers refers
    to the AI command by id, so the command's row can wait for the update's log batch (one
    statement for many updates) instead of being written on its own before the handler runs.
    Unmarked handlers get the row first (orders, signals, alerts and analyses refer to it)."""
    handler.answer_only = True  # type: ignore[attr-defined]
    return handler


def is_answer_only(handler: IntentHandler) -> bool:
    return getattr(handler, "answer_only", False)
