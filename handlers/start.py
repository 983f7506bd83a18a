"""/start (terms, deep-link codes), the "I accept" button, and /link."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link

from bot import accounts, keyboards, texts
from bot.callbacks import TermsAction, TermsCallback
from bot.current_user import CurrentUser
from bot.flags import PUBLIC, RATE_LIMIT_EXEMPT
from bot.i18n import _
from db.uow import UnitOfWork
from domain.enums import TelegramUserStatus


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart(), flags=PUBLIC)
    router.callback_query.register(
        accept_terms,
        TermsCallback.filter(F.action == TermsAction.ACCEPT),
        flags=PUBLIC | RATE_LIMIT_EXEMPT,
    )
    router.message.register(show_link, Command("link"))
    return router


async def start(message: Message, command: CommandObject, current_user: CurrentUser, uow: UnitOfWork) -> None:
    if command.args:
        user = await accounts.link_with_code(uow, current_user.id, command.args)
        await message.answer(texts.account_linked(user.username) if user else _(texts.INVALID_LINK_CODE))
    if current_user.status is TelegramUserStatus.ACTIVE:
        await message.answer(texts.welcome_back(current_user.first_name), reply_markup=keyboards.main_menu())
    elif current_user.status is TelegramUserStatus.PENDING:
        await message.answer(texts.welcome_new(current_user.first_name), reply_markup=keyboards.accept_terms())
    else:
        await message.answer(_(texts.BLOCKED))


async def accept_terms(callback: CallbackQuery, current_user: CurrentUser, uow: UnitOfWork) -> None:
    if current_user.status is not TelegramUserStatus.PENDING:
        already = current_user.status is TelegramUserStatus.ACTIVE
        await callback.answer(_(texts.TERMS_ALREADY_ACCEPTED) if already else _(texts.BLOCKED), show_alert=True)
        return
    await accounts.accept_terms(uow, current_user.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            texts.terms_accepted(current_user.first_name), reply_markup=keyboards.main_menu()
        )


async def show_link(message: Message, bot: Bot, current_user: CurrentUser, uow: UnitOfWork) -> None:
    code = await accounts.issue_link_code(uow, current_user.id)
    await message.answer(texts.link_instructions(await create_start_link(bot, code)))
