"""Free text -> NLP -> intent handler, with every step recorded in ai_commands.

1. The message gets an ``ai_commands`` record (processing, its id chosen up front).
2. The NLP layer reads it. A message answering the bot's open question ("How much BTC?")
   completes the command that asked it.
3. The record is completed with the reading (or failed with an error code) and written: at once
   when what follows may refer to it (orders, signals, alerts, choices), else with the update's
   row of the message log, in one statement for many updates (handlers marked ``answer_only``).
4. Unsure readings are not acted on: the user picks one of the likely readings from buttons.
   Commands lacking a required value start a short dialog asking for it.
5. The intent's handler runs the domain service and renders the reply, stored in ``ai_responses``
   with the update's row of the message log (bot/middlewares/update_log.py).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import replace

from aiogram.types import InlineKeyboardMarkup

from bot import texts as bot_texts
from bot.assistant import signals as signal_intents
from bot.assistant import texts
from bot.assistant.context import IntentContext, IntentHandler, is_answer_only
from bot.assistant.dialog import fill_answer, missing_entity, question_for
from bot.assistant.memory import AssistantMemory
from bot.assistant.services import AssistantServices
from bot.assistant_callbacks import ChoiceCallback
from bot.text_handler import IncomingText, TextReply
from bot.i18n import _
from bot.markup import button
from bot.render.phrases import say
from bot.message_log import current_trace
from db.repositories.ai_commands import AICommandRepository, finish, new_response
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import DomainError
from nlp.models import COMMAND_TYPE_OF_INTENT, ParsedCommand
from nlp.service import NLPService

log = logging.getLogger(__name__)

# Intents that act on the user's money: never run on an unsure reading, whatever the threshold.
ACTING_INTENTS = {"place_order", "cancel_order", "close_position", "modify_order"}
ACTING_MIN_CONFIDENCE = 0.75


class AssistantTextHandler:
    def __init__(
        self,
        services: AssistantServices,
        routes: Mapping[str, IntentHandler],
    ) -> None:
        if services.memory is None:
            raise ValueError("the assistant needs its Redis memory (AssistantServices.memory)")
        self._services = services
        self._routes = routes
        self._memory: AssistantMemory = services.memory

    @property
    def nlp(self) -> NLPService:
        """The parser this assistant reads with; the slash commands share it."""
        return self._services.nlp

    @property
    def services(self) -> AssistantServices:
        return self._services

    async def cancel_dialog(self, chat_id: int) -> bool:
        return await self._memory.forget(chat_id)

    async def handle_text(self, message: IncomingText, uow: TradingUnitOfWork) -> TextReply:  # type: ignore[override]
        if message.user_id is None:  # every command belongs to an account: the /start terms make one
            return TextReply(bot_texts.terms_required())
        forwarded = message.forwarded_from is not None
        shortcut = None if forwarded else signal_intents.shortcut(message.text)
        if shortcut is not None:
            reply = await shortcut(IntentContext(message=message, uow=uow, services=self._services, ai_command_id=None))
            if reply is not None:
                return reply
        commands = uow.repo(AICommandRepository)
        command = await commands.start(message.text, telegram_user_id=message.telegram_user_id,
                                       user_id=message.user_id)
        await uow.commit()
        command_id = command.id
        started = time.perf_counter()
        try:
            parsed = await self._services.nlp.parse(message.text, forwarded=forwarded)
        except Exception as error:  # noqa: BLE001 - the parser promises not to raise; record it if it does
            log.exception("NLP failed on a message")
            await commands.fail(command, error_code="nlp_error", error_message=f"{type(error).__name__}: {error}",
                                processing_time_ms=_ms_since(started))
            await uow.commit()
            return TextReply(_(texts.NOT_UNDERSTOOD), ai_command_id=command_id)
        parsed = await self._continue_dialog(message, parsed, forwarded)
        elapsed = _ms_since(started)
        finish(command, command_type=str(parsed.command_type), intent=parsed.intent,
               entities=parsed.to_dict()["entities"], confidence=parsed.confidence, processing_time_ms=elapsed,
               model_version=parsed.model_version)
        trace = current_trace()
        if trace is not None and self._answers_only(parsed):
            trace.command = command  # written with the update's log row, many updates in one statement
        else:
            await commands.write(command)  # before the handler: what it writes refers to the command
        self._services.time_series.ai_model_performance(
            parsed.model_version, parsed.entities.get("symbol"), confidence=parsed.confidence, processing_time_ms=elapsed)

        ctx = IntentContext(message=message, uow=uow, services=self._services, ai_command_id=command_id)
        reply, response_type = await self.respond(ctx, parsed)
        response = new_response(command_id, reply.text, response_type=response_type,
                                data={"intent": parsed.intent}, model_version=parsed.model_version)
        if trace is not None:  # written with the update's log row, many updates in one statement
            trace.responses.append(response)
        else:
            await commands.add_responses([response])
        await uow.commit()  # what respond() left open
        return replace(reply, ai_command_id=command_id)

    async def respond(self, ctx: IntentContext, parsed: ParsedCommand) -> tuple[TextReply, str]:
        """The reply to a reading, and its kind (text, clarification, question, error)."""
        if self._is_unsure(parsed):
            return await self._offer_readings(ctx, parsed), "clarification"
        missing = missing_entity(parsed)
        if missing is not None:
            await self._memory.ask(ctx.message.chat_id, parsed, missing)
            return TextReply(question_for(parsed, missing)), "question"
        handler = self._routes.get(parsed.intent)
        if handler is None:
            return TextReply(_(texts.NOT_UNDERSTOOD)), "error"
        try:
            return await handler(ctx, parsed), "text"
        except DomainError as error:
            await ctx.uow.rollback()
            return TextReply(texts.problem(error.phrase)), "error"

    async def _continue_dialog(self, message: IncomingText, parsed: ParsedCommand, forwarded: bool) -> ParsedCommand:
        """If the bot asked a question, read this message as its answer when it is one."""
        if forwarded:
            return parsed
        pending = await self._memory.take_pending(message.chat_id)
        if pending is None:
            return parsed
        answered = fill_answer(pending.parsed, pending.missing, message.text, parsed)
        # A confident new command wins over the old question; the question is dropped.
        if answered is None:
            return parsed
        return answered

    def _answers_only(self, parsed: ParsedCommand) -> bool:
        """The reading goes straight to a handler marked answer-only (no question, no choice)."""
        handler = self._routes.get(parsed.intent)
        return (handler is not None and is_answer_only(handler) and not self._is_unsure(parsed)
                and missing_entity(parsed) is None)

    def _is_unsure(self, parsed: ParsedCommand) -> bool:
        if parsed.intent in ACTING_INTENTS:
            return parsed.confidence < max(ACTING_MIN_CONFIDENCE, self._services.confidence_threshold)
        return parsed.confidence < self._services.confidence_threshold and parsed.intent != "other"

    async def _offer_readings(self, ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
        readings = [parsed] + [
            replace(parsed, intent=intent, command_type=COMMAND_TYPE_OF_INTENT[intent])
            for intent in parsed.alternatives
        ]
        if len(readings) == 1 and parsed.entities.get("symbol"):
            # A bare coin: the likely wishes are its price or an outlook on it.
            other = "recommend" if parsed.intent != "recommend" else "price"
            readings.append(replace(parsed, intent=other, command_type=COMMAND_TYPE_OF_INTENT[other]))
        readings = [replace(r, confidence=1.0) for r in readings[:2]]
        token = await self._memory.offer(ctx.message.telegram_user_id, readings)
        buttons = [
            [button(texts.reading_label(r), ChoiceCallback(token=token, index=i))]
            for i, r in enumerate(readings)
        ]
        return TextReply(_(texts.UNSURE), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
