"""Intents: signal (a forwarded or pasted post) and signal_update (a channel's follow-up)."""

from __future__ import annotations

from dataclasses import replace

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.assistant import texts
from bot.assistant.context import IntentContext, IntentHandler
from bot.assistant_callbacks import SignalAction, SignalCallback
from bot.html import escape
from bot.render import signals as render
from bot.text_handler import TextReply
from db.repositories.signals import SignalOwner
from domain.services.signals import InvalidSignal, SignalNotFound
from domain.signals import TradeSignal
from nlp.models import COMMAND_TYPE_OF_INTENT, ParsedCommand


async def signal(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    try:
        trade_signal = TradeSignal.from_entities(parsed.entities)
    except (ValueError, ArithmeticError) as error:
        raise InvalidSignal() from error
    assert ctx.services.memory is not None  # always set by main.py
    token = await ctx.services.memory.offer(ctx.message.telegram_user_id, [parsed])
    buttons = [[
        InlineKeyboardButton(text="👀 Follow", callback_data=SignalCallback(action=SignalAction.FOLLOW, token=token).pack()),
        InlineKeyboardButton(text="💱 Trade it", callback_data=SignalCallback(action=SignalAction.TRADE, token=token).pack()),
        InlineKeyboardButton(text="✖ Ignore", callback_data=SignalCallback(action=SignalAction.IGNORE, token=token).pack()),
    ]]
    text = render.understood(trade_signal, confidence=parsed.confidence, source=ctx.message.forwarded_from,
                             extras=parsed.entities)
    return TextReply(text, InlineKeyboardMarkup(inline_keyboard=buttons))


async def signal_update(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if ctx.user_id is None:
        return TextReply(texts.NEEDS_ACCOUNT)
    owner = SignalOwner(ctx.message.telegram_user_id, ctx.user_id)
    try:
        result = await ctx.services.signals.apply_update(ctx.uow, owner, parsed.entities["symbol"], parsed.entities)
    except SignalNotFound:
        update = str(parsed.entities.get("update", "update")).replace("_", " ")
        return TextReply(
            f"Read a channel follow-up for {escape(parsed.entities['symbol'])} ({escape(update)}), "
            "but you are not following a signal on it. Forward the original signal post to follow it."
        )
    return TextReply(f"✅ {escape(result.message)}")


async def follow(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """The Follow button on a signal card."""
    if ctx.user_id is None:
        return TextReply(texts.NEEDS_ACCOUNT)
    owner = SignalOwner(ctx.message.telegram_user_id, ctx.user_id)
    item = await ctx.services.signals.follow(
        ctx.uow, owner, parsed.entities, raw_text=parsed.text, source_name=ctx.message.forwarded_from,
        confidence=parsed.confidence, ai_command_id=ctx.ai_command_id,
    )
    return TextReply(render.followed(item))


def as_order(parsed: ParsedCommand) -> ParsedCommand:
    """The Trade-it button: the signal as an order request (limit at the entry nearest the market
    side, or market for CMP), carrying its stop-loss and first target; the amount is asked for."""
    entities = parsed.entities
    order = {"symbol": entities["symbol"], "side": entities["side"], "source": "signal"}
    entries = entities.get("entries") or []
    if entries and not entities.get("entry_at_market"):
        # A long buys at the top of its zone (filled first), a short sells at the bottom.
        order.update(order_type="limit", price=max(entries) if entities["side"] == "buy" else min(entries))
    else:
        order["order_type"] = "market"
    if entities.get("stop_loss") is not None:
        order["stop_loss"] = entities["stop_loss"]
    if entities.get("take_profits"):
        order["take_profits"] = list(entities["take_profits"])
    return replace(parsed, intent="place_order", command_type=COMMAND_TYPE_OF_INTENT["place_order"],
                   entities=order, confidence=1.0)


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "signal": signal,
    "signal_update": signal_update,
}
