"""Free text: everything no command or dialog took. Included last.

Text and captions (a forwarded signal post is often a picture with a caption) go to the
``text_handler`` service (see bot/text_handler.py); other messages get a hint.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot import texts
from bot.current_user import CurrentUser
from bot.forwarding import forwarded_from
from bot.message_log import UpdateTrace
from bot.sender import Sender
from bot.text_handler import IncomingText, TextHandler
from bot.i18n import _
from db.uow import UnitOfWork


def build_router() -> Router:
    router = Router(name="free_text")
    router.message.register(handle_free_text, F.text | F.caption)
    router.message.register(unsupported_message)
    return router


async def handle_free_text(
    message: Message,
    current_user: CurrentUser,
    uow: UnitOfWork,
    sender: Sender,
    update_trace: UpdateTrace,
    text_handler: TextHandler | None = None,
) -> None:
    await answer_text(message.text or message.caption or "", message, current_user, uow, sender, update_trace,
                      text_handler)


async def answer_text(
    text: str,
    message: Message,
    current_user: CurrentUser,
    uow: UnitOfWork,
    sender: Sender,
    update_trace: UpdateTrace,
    text_handler: TextHandler | None,
) -> None:
    """Answer ``text`` as if the user had typed it (slash commands that take plain language use this)."""
    if text_handler is None:
        await message.answer(_(texts.FREE_TEXT_NOT_CONFIGURED))
        return
    incoming = IncomingText(
        text=text,
        chat_id=message.chat.id,
        telegram_user_id=current_user.id,
        user_id=current_user.user_id,
        may_trade=current_user.may_trade,
        forwarded_from=forwarded_from(message),
    )
    reply = await text_handler.handle_text(incoming, uow)
    update_trace.ai_command_id = reply.ai_command_id  # links this message and the reply to the command
    if reply.photo is not None:
        await sender.send_photo(message.chat.id, reply.photo, reply.photo_caption)
    await sender.send(message.chat.id, reply.text, reply.reply_markup)


async def unsupported_message(message: Message) -> None:
    await message.answer(_(texts.UNSUPPORTED_MESSAGE))
