"""/settings: notifications per type, quiet hours and what is urgent, the daily summary hour,
timezone, preferred currency, language. Changes persist at once."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot import keyboards, texts
from bot.callbacks import SettingsAction, SettingsCallback
from bot.current_user import CurrentUser
from bot.preferences import CURRENCIES, LANGUAGES, NOTIFICATION_TYPES
from bot.screens import show
from bot.i18n import _
from db.models import TelegramUser
from db.repositories.telegram import TelegramUserRepository
from db.repositories.users import UserRepository
from db.uow import UnitOfWork
from domain.quiet_hours import URGENT_KINDS


class SettingsDialog(StatesGroup):
    timezone = State()
    quiet_hours = State()
    summary_hour = State()


def build_router() -> Router:
    router = Router(name="settings")
    router.message.register(open_settings, Command("settings"))
    router.message.register(receive_timezone, SettingsDialog.timezone, F.text)
    router.message.register(receive_quiet_hours, SettingsDialog.quiet_hours, F.text)
    router.message.register(receive_summary_hour, SettingsDialog.summary_hour, F.text)
    buttons = {
        SettingsAction.SHOW: show_settings,
        SettingsAction.TOGGLE_ALL: toggle_all_notifications,
        SettingsAction.TOGGLE: toggle_notification,
        SettingsAction.CHOOSE_CURRENCY: choose_currency,
        SettingsAction.SET_CURRENCY: set_currency,
        SettingsAction.CHOOSE_LANGUAGE: choose_language,
        SettingsAction.SET_LANGUAGE: set_language,
        SettingsAction.ASK_TIMEZONE: ask_timezone,
        SettingsAction.ASK_QUIET_HOURS: ask_quiet_hours,
        SettingsAction.ASK_SUMMARY_HOUR: ask_summary_hour,
        SettingsAction.CHOOSE_URGENT: choose_urgent,
        SettingsAction.TOGGLE_URGENT: toggle_urgent,
        SettingsAction.CLOSE: close_settings,
    }
    for action, handler in buttons.items():
        router.callback_query.register(handler, SettingsCallback.filter(F.action == action))
    return router


async def settings_screen(uow: UnitOfWork, current_user: CurrentUser) -> tuple[str, InlineKeyboardMarkup]:
    account = await _account(uow, current_user)
    return texts.settings_text(account), keyboards.settings(account)


async def open_settings(message: Message, uow: UnitOfWork, current_user: CurrentUser) -> None:
    text, markup = await settings_screen(uow, current_user)
    await message.answer(text, reply_markup=markup)


async def show_settings(callback: CallbackQuery, uow: UnitOfWork, current_user: CurrentUser) -> None:
    await show(callback, *await settings_screen(uow, current_user))
    await callback.answer()


async def toggle_all_notifications(callback: CallbackQuery, uow: UnitOfWork, current_user: CurrentUser) -> None:
    account = await _account(uow, current_user)
    enabled = account.notifications_enabled = not account.notifications_enabled
    await _saved(callback, uow, account, texts.notification_toggled(texts.NOTIFICATIONS, enabled))


async def toggle_notification(
    callback: CallbackQuery, callback_data: SettingsCallback, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    key = callback_data.value
    if key not in NOTIFICATION_TYPES:
        await callback.answer(_(texts.UNKNOWN_OPTION), show_alert=True)
        return
    account = await _account(uow, current_user)
    enabled = not account.notification_types.get(key, True)
    account.notification_types = {**account.notification_types, key: enabled}  # a new dict marks it changed
    await _saved(callback, uow, account, texts.notification_toggled(NOTIFICATION_TYPES[key], enabled))


async def choose_currency(callback: CallbackQuery, uow: UnitOfWork, current_user: CurrentUser) -> None:
    account = await _account(uow, current_user)
    await show(callback, _(texts.CHOOSE_CURRENCY), keyboards.currencies(account.preferred_currency))
    await callback.answer()


async def set_currency(
    callback: CallbackQuery, callback_data: SettingsCallback, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    if callback_data.value not in CURRENCIES:
        await callback.answer(_(texts.UNKNOWN_OPTION), show_alert=True)
        return
    account = await _account(uow, current_user)
    await _mirror_to_user(uow, account, preferred_currency=callback_data.value)
    await _saved(callback, uow, account, callback_data.value)


async def choose_language(callback: CallbackQuery, uow: UnitOfWork, current_user: CurrentUser) -> None:
    account = await _account(uow, current_user)
    await show(callback, _(texts.CHOOSE_LANGUAGE), keyboards.languages(account.language))
    await callback.answer()


async def set_language(
    callback: CallbackQuery, callback_data: SettingsCallback, uow: UnitOfWork, current_user: CurrentUser, i18n: I18n
) -> None:
    if callback_data.value not in LANGUAGES:
        await callback.answer(_(texts.UNKNOWN_OPTION), show_alert=True)
        return
    account = await _account(uow, current_user)
    await _mirror_to_user(uow, account, language=callback_data.value)
    with i18n.use_locale(callback_data.value):  # the answer is already in the new language
        await _saved(callback, uow, account, LANGUAGES[callback_data.value])


async def ask_timezone(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsDialog.timezone)
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer(_(texts.ASK_TIMEZONE))


async def receive_timezone(
    message: Message, state: FSMContext, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    timezone = _known_timezones().get(message.text.strip().lower())  # type: ignore[union-attr]  # F.text
    if timezone is None:
        await message.answer(texts.unknown_timezone(message.text or ""))
        return
    account = await _account(uow, current_user)
    await _mirror_to_user(uow, account, timezone=timezone)
    await uow.commit()
    await state.clear()
    await message.answer(texts.timezone_saved(timezone))
    await message.answer(texts.settings_text(account), reply_markup=keyboards.settings(account))


async def ask_quiet_hours(callback: CallbackQuery, state: FSMContext) -> None:
    await _ask(callback, state, SettingsDialog.quiet_hours, _(texts.ASK_QUIET_HOURS))


async def ask_summary_hour(callback: CallbackQuery, state: FSMContext) -> None:
    await _ask(callback, state, SettingsDialog.summary_hour, _(texts.ASK_SUMMARY_HOUR))


async def _ask(callback: CallbackQuery, state: FSMContext, dialog: State, question: str) -> None:
    await state.set_state(dialog)
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer(question)


async def receive_quiet_hours(
    message: Message, state: FSMContext, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    text = (message.text or "").strip()
    if text.lower() in ("off", "none", "no"):
        hours: tuple[int | None, int | None] | None = (None, None)
    else:
        hours = _hour_pair(text)
    if hours is None:
        await message.answer(texts.not_quiet_hours(text))
        return
    account = await _account(uow, current_user)
    account.quiet_hours_start, account.quiet_hours_end = hours
    await _saved_answer(message, state, uow, account, texts.quiet_hours_saved(account))


async def receive_summary_hour(
    message: Message, state: FSMContext, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    text = (message.text or "").strip().removesuffix(":00")
    if not text.isdigit() or not 0 <= int(text) <= 23:
        await message.answer(texts.not_an_hour(text))
        return
    account = await _account(uow, current_user)
    account.summary_hour = int(text)
    await _saved_answer(message, state, uow, account, texts.summary_hour_saved(int(text)))


async def _saved_answer(message: Message, state: FSMContext, uow: UnitOfWork, account: TelegramUser,
                        confirmation: str) -> None:
    await uow.commit()
    await state.clear()
    await message.answer(confirmation)
    await message.answer(texts.settings_text(account), reply_markup=keyboards.settings(account))


async def choose_urgent(callback: CallbackQuery, uow: UnitOfWork, current_user: CurrentUser) -> None:
    account = await _account(uow, current_user)
    await show(callback, _(texts.CHOOSE_URGENT), keyboards.urgent_kinds(texts.urgent_of(account)))
    await callback.answer()


async def toggle_urgent(
    callback: CallbackQuery, callback_data: SettingsCallback, uow: UnitOfWork, current_user: CurrentUser
) -> None:
    kind = callback_data.value
    if kind not in URGENT_KINDS:
        await callback.answer(texts.UNKNOWN_OPTION, show_alert=True)
        return
    account = await _account(uow, current_user)
    urgent = texts.urgent_of(account)
    account.urgent_notification_types = [k for k in urgent if k != kind] if kind in urgent else [*urgent, kind]
    await uow.commit()
    await show(callback, _(texts.CHOOSE_URGENT), keyboards.urgent_kinds(account.urgent_notification_types))
    await callback.answer(texts.notification_toggled(URGENT_KINDS[kind], kind in account.urgent_notification_types))


def _hour_pair(text: str) -> tuple[int, int] | None:
    """"23-7", "23:00-07:00", "22 to 6": start and end hours, different, each 0-23."""
    cleaned = text.lower().replace(":00", "").replace(" to ", "-").replace("–", "-").replace(" ", "")
    start, _, end = cleaned.partition("-")
    if not (start.isdigit() and end.isdigit()):
        return None
    pair = int(start), int(end)
    return pair if all(0 <= h <= 23 for h in pair) and pair[0] != pair[1] else None


async def close_settings(callback: CallbackQuery) -> None:
    await show(callback, _(texts.SETTINGS_CLOSED))
    await callback.answer()


async def _account(uow: UnitOfWork, current_user: CurrentUser) -> TelegramUser:
    account = await uow.repo(TelegramUserRepository).get(current_user.id)
    if account is None:
        raise LookupError(f"telegram user {current_user.id} vanished during the update")
    return account


async def _mirror_to_user(uow: UnitOfWork, account: TelegramUser, **preferences: str) -> None:
    """Set preferences on the Telegram account and on the linked ``users`` row the domain reads."""
    for name, value in preferences.items():
        setattr(account, name, value)
    if account.user_id is not None:
        await uow.repo(UserRepository).update_preferences(account.user_id, **preferences)


async def _saved(callback: CallbackQuery, uow: UnitOfWork, account: TelegramUser, toast: str) -> None:
    await uow.commit()
    await show(callback, texts.settings_text(account), keyboards.settings(account))
    await callback.answer(toast)


@cache
def _known_timezones() -> dict[str, str]:
    """IANA names by lower case, so "europe/berlin" works too."""
    return {name.lower(): name for name in available_timezones()}
