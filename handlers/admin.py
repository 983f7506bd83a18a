"""/admin (stats, ban, unban) and /config (runtime settings) for the Telegram ids in ADMIN_IDS.
Invisible to everyone else."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot import accounts, runtime_config, texts
from bot.current_user import CurrentUser
from bot.filters import IsAdmin
from bot.html import escape
from bot.settings import Settings
from bot.i18n import _
from db.repositories.telegram import TelegramMessageRepository, TelegramUserRepository
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


def build_router() -> Router:
    router = Router(name="admin")
    router.message.filter(IsAdmin())
    router.message.register(admin_command, Command("admin"))
    router.message.register(config_command, Command("config"))
    return router


async def config_command(
    message: Message, command: CommandObject, uow: UnitOfWork, current_user: CurrentUser, settings: Settings
) -> None:
    match (command.args or "").split():
        case []:
            listed = [(s.key, s.current(settings), s.description) for s in runtime_config.SETTINGS.values()]
            await message.answer(texts.config_list(listed))
        case [key, value]:
            try:
                old, new = await runtime_config.change(
                    uow, settings, key, value, admin_user_id=current_user.user_id,
                    admin_telegram_id=current_user.telegram_id,
                )
            except runtime_config.UnknownSetting:
                await message.answer(texts.config_unknown(key, list(runtime_config.SETTINGS)))
            except ValueError as invalid:
                await message.answer(escape(str(invalid)))
            else:
                await message.answer(texts.config_changed(key, old, new))
        case _:
            await message.answer(_(texts.CONFIG_USAGE))


async def admin_command(
    message: Message, command: CommandObject, uow: UnitOfWork, current_user: CurrentUser, settings: Settings
) -> None:
    match (command.args or "stats").split():
        case ["stats"]:
            await message.answer(await _stats(uow))
        case ["ban" | "unban" as action, target] if target.isdigit():
            await message.answer(await _set_banned(uow, int(target), action == "ban", current_user, settings))
        case _:
            await message.answer(_(texts.ADMIN_USAGE))


async def _stats(uow: UnitOfWork) -> str:
    users = uow.repo(TelegramUserRepository)
    since = datetime.now(UTC) - timedelta(hours=24)
    return texts.admin_stats(
        await users.count_by_status(),
        await users.count_blocked(),
        await uow.repo(TelegramMessageRepository).count_since(since),
    )


async def _set_banned(
    uow: UnitOfWork, telegram_id: int, banned: bool, admin: CurrentUser, settings: Settings
) -> str:
    if banned and telegram_id in settings.security.admin_ids:
        return _(texts.ADMIN_CANNOT_BAN_ADMIN)
    account = await accounts.set_banned(uow, telegram_id, banned)
    if account is None:
        return texts.admin_unknown_user(telegram_id)
    log.info("Admin %s set Telegram user %s to %s", admin.telegram_id, telegram_id, account.status.value)
    return texts.admin_status_changed(telegram_id, account.status)
