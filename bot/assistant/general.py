"""Intents: help, greeting, other (general_query)."""

from __future__ import annotations

from bot import texts as bot_texts
from bot.assistant import texts
from bot.assistant.context import IntentContext, IntentHandler, answer_only
from bot.text_handler import TextReply
from bot.i18n import _
from nlp.models import ParsedCommand


@answer_only
async def help_intent(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    return TextReply(bot_texts.help_text())


@answer_only
async def greeting(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    return TextReply(_(
        "Hi! 👋 Ask me for a price (<i>btc price</i>), an analysis (<i>rsi eth 4h</i>), set an alert, "
        "place a paper trade, or forward me a signal post. /help lists everything."
    ))


@answer_only
async def other(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    return TextReply(_(texts.NOT_UNDERSTOOD))


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "help": help_intent,
    "greeting": greeting,
    "other": other,
}
