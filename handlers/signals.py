"""/signals, /channels, /signalsettings and the buttons of the /signals list.

The same screens answer "what signals are active?", "my signals" and "how good is <channel>?"
(see bot/assistant/signals.py); the assistant's services come with the ``text_handler``.
"""

from __future__ import annotations

import uuid

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.i18n import _
from bot.assistant import signals as screens
from bot.assistant import texts
from bot.assistant.context import IntentContext
from bot.assistant.text_handler import AssistantTextHandler
from bot.assistant_callbacks import SignalListAction, SignalListCallback
from bot.current_user import CurrentUser
from bot.flags import RATE_LIMIT_EXEMPT
from bot.render import signals as render
from bot.sender import Sender
from bot.text_handler import IncomingText, TextReply
from bot.render.phrases import say
from db.repositories.signals import SignalOwner
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import DomainError


def build_router() -> Router:
    router = Router(name="signals")
    router.message.register(signal_list, Command("signals"))
    router.message.register(channels, Command("channels"))
    router.message.register(signal_settings, Command("signalsettings"))
    router.callback_query.register(list_button, SignalListCallback.filter(), flags=RATE_LIMIT_EXEMPT)
    return router


def _context(text: str, current_user: CurrentUser, uow: TradingUnitOfWork, text_handler: AssistantTextHandler) -> IntentContext:
    message = IncomingText(text, current_user.chat_id, current_user.id, current_user.user_id, current_user.may_trade, None)
    return IntentContext(message=message, uow=uow, services=text_handler.services, ai_command_id=None)


async def _send(sender: Sender, chat_id: int, reply: TextReply | None) -> None:
    if reply is None:
        return
    if reply.photo is not None:
        await sender.send_photo(chat_id, reply.photo)
    await sender.send(chat_id, reply.text, reply.reply_markup)


async def signal_list(message: Message, current_user: CurrentUser, uow: TradingUnitOfWork, sender: Sender,
                      text_handler: AssistantTextHandler) -> None:
    await _send(sender, message.chat.id, await screens.signal_list(_context("", current_user, uow, text_handler)))


async def channels(message: Message, command: CommandObject, current_user: CurrentUser, uow: TradingUnitOfWork,
                   sender: Sender, text_handler: AssistantTextHandler) -> None:
    ctx = _context("", current_user, uow, text_handler)
    source = (command.args or "").strip() or None
    reply = await screens.channel_stats(ctx, source)
    await _send(sender, message.chat.id, reply or TextReply(
        _("No forwarded signals from that channel yet. /channels lists the channels I know.")))


async def signal_settings(message: Message, command: CommandObject, current_user: CurrentUser,
                          uow: TradingUnitOfWork, sender: Sender, text_handler: AssistantTextHandler) -> None:
    reply = await screens.signal_settings(_context("", current_user, uow, text_handler), command.args or "")
    await _send(sender, message.chat.id, reply)


async def list_button(callback: CallbackQuery, callback_data: SignalListCallback, current_user: CurrentUser,
                      uow: TradingUnitOfWork, sender: Sender, text_handler: AssistantTextHandler) -> None:
    if current_user.user_id is None:
        await callback.answer(_(texts.NEEDS_ACCOUNT), show_alert=True)
        return
    try:
        signal_id = uuid.UUID(hex=callback_data.ref)
    except ValueError:
        await callback.answer(_("That button is not valid any more. /signals shows your signals."), show_alert=True)
        return
    owner = SignalOwner(current_user.id, current_user.user_id)
    try:
        # Only the owner's signals are found: someone else's id reads as no longer active.
        result = await text_handler.services.signals.close(uow, owner, signal_id)
    except DomainError as error:
        await uow.rollback()
        await callback.answer(say(error.phrase, html=False), show_alert=True)
        return
    await callback.answer(_("Closed") if callback_data.action is SignalListAction.CLOSE else _("Stopped following"))
    await _send(sender, current_user.chat_id, TextReply(render.update_result(result)))
    refreshed = await screens.signal_list(_context("", current_user, uow, text_handler))
    if callback.message is not None and refreshed is not None:
        await callback.message.edit_text(refreshed.text, reply_markup=refreshed.reply_markup)
