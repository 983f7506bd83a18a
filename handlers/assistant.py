"""Buttons of the assistant's replies: a reading picked when the bot was unsure, a signal card's
Execute / Track only / Amount-leverage / Ignore (and Apply on a follow-up), and an alert's delete button.

Each tap is resolved server-side (tokens in Redis, alert ids checked against the tapping user),
so forged or stale callback data gets a clear answer and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.assistant import texts
from bot.assistant.alerts import alert_list_reply, alert_options, owner_of
from bot.assistant.trading import trading_refusal
from bot.assistant.context import IntentContext
from bot.assistant import signals as signal_intents
from bot.assistant.text_handler import AssistantTextHandler
from bot.assistant_callbacks import (
    AlertDeleteCallback,
    AlertOption,
    AlertOptionCallback,
    ChoiceCallback,
    SignalAction,
    SignalCallback,
)
from bot.current_user import CurrentUser
from bot.flags import RATE_LIMIT_EXEMPT
from bot.render import alerts as render_alerts
from bot.render import live_signals as render_live
from bot.message_log import UpdateTrace
from bot.sender import Sender
from bot.text_handler import IncomingText, TextReply
from bot.i18n import _, t
from bot.render.phrases import say
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import AlreadyConfirmed, DomainError
from domain.services.live_signals import LiveEntryRefused, LiveNeedsSecondTap
from handlers.free_text import answer_text


def build_router() -> Router:
    router = Router(name="assistant")
    router.message.register(alerts_command, Command("alerts"))
    router.callback_query.register(pick_reading, ChoiceCallback.filter())
    router.callback_query.register(signal_button, SignalCallback.filter(), flags=RATE_LIMIT_EXEMPT)
    router.callback_query.register(delete_alert_button, AlertDeleteCallback.filter(), flags=RATE_LIMIT_EXEMPT)
    router.callback_query.register(alert_option_button, AlertOptionCallback.filter(), flags=RATE_LIMIT_EXEMPT)
    return router


def _context(callback: CallbackQuery, current_user: CurrentUser, uow: TradingUnitOfWork,
             text_handler: AssistantTextHandler, forwarded_from: str | None = None) -> IntentContext:
    message = IncomingText(
        text=callback.message.text if callback.message and callback.message.text else "",
        chat_id=current_user.chat_id,
        telegram_user_id=current_user.id,
        user_id=current_user.user_id,
        may_trade=current_user.may_trade,
        forwarded_from=forwarded_from,
    )
    return IntentContext(message=message, uow=uow, services=text_handler.services, ai_command_id=None)


async def _send(sender: Sender, chat_id: int, reply: TextReply) -> None:
    if reply.photo is not None:
        await sender.send_photo(chat_id, reply.photo)
    await sender.send(chat_id, reply.text, reply.reply_markup)


async def pick_reading(callback: CallbackQuery, callback_data: ChoiceCallback, current_user: CurrentUser,
                       uow: TradingUnitOfWork, sender: Sender, text_handler: AssistantTextHandler) -> None:
    memory = text_handler.services.memory
    assert memory is not None
    parsed = await memory.choose(callback_data.token, current_user.id, callback_data.index)
    if parsed is None:
        await callback.answer(_(texts.CHOICE_GONE), show_alert=True)
        return
    await callback.answer()
    reply, _outcome = await text_handler.respond(_context(callback, current_user, uow, text_handler), parsed)
    await _send(sender, current_user.chat_id, reply)


async def signal_button(callback: CallbackQuery, callback_data: SignalCallback, current_user: CurrentUser,
                        uow: TradingUnitOfWork, sender: Sender, text_handler: AssistantTextHandler) -> None:
    ctx = _context(callback, current_user, uow, text_handler)
    if callback_data.action is SignalAction.EDIT:  # the card stays usable: change the settings, then Execute
        await callback.answer()
        reply = await signal_intents.signal_settings(ctx, "")
        await _send(sender, current_user.chat_id, reply)
        return
    if callback_data.action in (SignalAction.LIVE, SignalAction.LIVE_CONFIRM):
        await live_signal_button(callback, callback_data, current_user, ctx, uow, sender, text_handler)
        return
    memory = text_handler.services.memory
    assert memory is not None
    parsed = await memory.choose(callback_data.token, current_user.id, 0)  # one decision per card, owner-checked
    if parsed is None:
        await callback.answer(_(texts.CHOICE_GONE), show_alert=True)
        return
    await callback.answer()
    if callback.message is not None:
        await callback.message.edit_reply_markup(reply_markup=None)
    if callback_data.action is SignalAction.IGNORE:
        await sender.send(current_user.chat_id, _("Ignored. Nothing was saved or traded."))
        return
    try:
        if callback_data.action is SignalAction.EXECUTE:
            reply = await signal_intents.execute(ctx, parsed, callback_data.token)
        elif callback_data.action is SignalAction.APPLY:
            owner = signal_intents.SignalOwner(current_user.id, current_user.user_id) if current_user.user_id else None
            reply = TextReply(_(texts.NEEDS_ACCOUNT)) if owner is None else await signal_intents.apply_update(
                ctx, owner, parsed, source=parsed.entities.get(signal_intents.SOURCE_KEY), confirmed=True)
        else:
            reply = await signal_intents.follow(ctx, parsed)
    except DomainError as error:
        await uow.rollback()
        reply = TextReply(texts.problem(error.phrase))
    await _send(sender, current_user.chat_id, reply)


async def live_signal_button(callback: CallbackQuery, callback_data: SignalCallback, current_user: CurrentUser,
                             ctx: IntentContext, uow: TradingUnitOfWork, sender: Sender,
                             text_handler: AssistantTextHandler) -> None:
    """Execute LIVE: the card stays usable until the orders are placed (a second tap above the
    user's value, or a refusal to read and change); a repeated tap finds the orders' ids taken."""
    if (refusal := trading_refusal(current_user.user_id, current_user.may_trade)) is not None:
        await callback.answer(refusal, show_alert=True)
        return
    memory = text_handler.services.memory
    assert memory is not None
    parsed = await memory.peek(callback_data.token, current_user.id)
    if parsed is None:  # used up by its placement, or expired
        await callback.answer(_("This card is no longer active: this tap placed nothing."), show_alert=True)
        return
    try:
        result = await signal_intents.execute_live(ctx, parsed, callback_data.token, callback_data.account,
                                                   second_tap=callback_data.action is SignalAction.LIVE_CONFIRM)
    except AlreadyConfirmed:
        await uow.rollback()
        await callback.answer(_("Already placed: a repeated tap places nothing."), show_alert=True)
        return
    except DomainError as error:  # limits, the exchange's refusal of the entry, no such account...
        await uow.rollback()
        if isinstance(error, LiveEntryRefused):  # the entry was tried (and is stored as refused)
            await memory.choose(callback_data.token, current_user.id, 0)
        await callback.answer(say(error.phrase, html=False)[:200], show_alert=True)
        await sender.send(current_user.chat_id, texts.problem(error.phrase))
        return
    if isinstance(result, LiveNeedsSecondTap):
        await callback.answer()
        await sender.send(current_user.chat_id, render_live.second_tap(result),
                          signal_intents.live_confirmation_markup(result))
        return
    await memory.choose(callback_data.token, current_user.id, 0)  # the card is used up
    await callback.answer(_("Placed on the exchange."))
    if callback.message is not None:
        await callback.message.edit_reply_markup(reply_markup=None)
    await sender.send(current_user.chat_id, render_live.executed(result))


async def delete_alert_button(callback: CallbackQuery, callback_data: AlertDeleteCallback,
                              current_user: CurrentUser, uow: TradingUnitOfWork,
                              text_handler: AssistantTextHandler) -> None:
    alerts = text_handler.services.alerts
    owner = owner_of(_context(callback, current_user, uow, text_handler))
    try:
        deleted = await alerts.delete(uow, owner, alert_ref=callback_data.alert_ref)
    except DomainError as error:
        await callback.answer(say(error.phrase, html=False), show_alert=True)
        return
    await callback.answer(render_alerts.deleted(deleted).replace("🗑 ", ""))
    remaining = alert_list_reply(await alerts.list(uow, owner))
    if callback.message is not None:
        await callback.message.edit_text(remaining.text, reply_markup=remaining.reply_markup)


async def alert_option_button(callback: CallbackQuery, callback_data: AlertOptionCallback,
                              current_user: CurrentUser, uow: TradingUnitOfWork,
                              text_handler: AssistantTextHandler) -> None:
    """Once / repeat, cooldown, re-arm margin, expiry: applied to the tapping user's own alert."""
    alerts = text_handler.services.alerts
    owner = owner_of(_context(callback, current_user, uow, text_handler))
    option, value = callback_data.option, callback_data.value
    try:
        changes = _option_change(option, value)
        alert = await alerts.configure(uow, owner, callback_data.alert_ref, **changes)
    except (DomainError, ValueError, ArithmeticError) as error:
        await callback.answer(say(getattr(error, "phrase", texts.CHOICE_GONE), html=False), show_alert=True)
        return
    await callback.answer(render_alerts.configured(alert))
    if callback.message is not None:
        await callback.message.edit_text(
            t("🔔 Alert: <b>{alert}</b>", alert=render_alerts.describe(alert)), reply_markup=alert_options(alert))


def _option_change(option: AlertOption, value: str) -> dict[str, object]:
    if option is AlertOption.REPEAT:
        return {"repeat": value == "1"}
    if option is AlertOption.COOLDOWN:
        return {"cooldown": timedelta(minutes=int(value))}
    if option is AlertOption.REARM:
        return {"hysteresis_percent": Decimal(value)}
    hours = int(value)
    return {"never_expires": True} if hours == 0 else {"expires_in": timedelta(hours=hours)}


async def alerts_command(message: Message, command: CommandObject, current_user: CurrentUser, uow: TradingUnitOfWork,
                         sender: Sender, update_trace: UpdateTrace,
                         text_handler: AssistantTextHandler | None = None) -> None:
    """/alerts lists; /alerts eth rsi 1h below 30 sets one; /alerts delete 2 deletes one.
    The words after the command are read by the same parser as any message."""
    await answer_text(alerts_request(command.args), message, current_user, uow, sender, update_trace, text_handler)


def alerts_request(args: str | None) -> str:
    words = (args or "").strip()
    first = words.split(" ", 1)[0].lower()
    if not words or first in ("list", "show", "my"):
        return "my alerts"
    if first in ("delete", "del", "remove", "rm"):
        return f"delete alert {words.split(' ', 1)[1] if ' ' in words else ''}".strip()
    return f"alert me when {words}"
