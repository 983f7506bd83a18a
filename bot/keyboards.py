"""Inline keyboards. Buttons carry only the small callback data of :mod:`bot.callbacks`."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    MenuCallback,
    MenuItem,
    SettingsAction,
    SettingsCallback,
    TermsAction,
    TermsCallback,
)
from bot.i18n import N_, _
from bot.trading_callbacks import AccountCallback
from bot.preferences import CURRENCIES, LANGUAGES, NOTIFICATION_TYPES
from db.models import TelegramUser
from domain.quiet_hours import URGENT_KINDS

_MENU_LABELS = {
    MenuItem.TRADE: N_("📈 Trade"),
    MenuItem.SIGNALS: N_("📡 Signals"),
    MenuItem.ALERTS: N_("🔔 Alerts"),
    MenuItem.ANALYSIS: N_("📊 Analysis"),
    MenuItem.PORTFOLIO: N_("💼 Portfolio"),
    MenuItem.SETTINGS: N_("⚙️ Settings"),
    MenuItem.HELP: N_("❓ Help"),
}


def accept_terms() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I accept"), callback_data=TermsCallback(action=TermsAction.ACCEPT))
    return builder.as_markup()


def main_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item, label in _MENU_LABELS.items():
        builder.button(text=_(label), callback_data=MenuCallback(item=item))
    builder.adjust(2)
    return builder.as_markup()


def back_to_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("◀️ Menu"), callback_data=MenuCallback(item=MenuItem.MAIN))
    return builder.as_markup()


def settings(account: TelegramUser) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    master = _("🔔 Notifications: on") if account.notifications_enabled else _("🔕 Notifications: off")
    builder.button(text=master, callback_data=SettingsCallback(action=SettingsAction.TOGGLE_ALL))
    for key, label in NOTIFICATION_TYPES.items():
        mark = "✅" if account.notification_types.get(key, True) else "▫️"
        builder.button(
            text=f"{mark} {_(label)}", callback_data=SettingsCallback(action=SettingsAction.TOGGLE, value=key)
        )
    builder.button(text=_("🌙 Quiet hours"), callback_data=SettingsCallback(action=SettingsAction.ASK_QUIET_HOURS))
    builder.button(text=_("🚨 Urgent"), callback_data=SettingsCallback(action=SettingsAction.CHOOSE_URGENT))
    builder.button(text=_("☀️ Summary time"), callback_data=SettingsCallback(action=SettingsAction.ASK_SUMMARY_HOUR))
    builder.button(text=_("🕒 Timezone"), callback_data=SettingsCallback(action=SettingsAction.ASK_TIMEZONE))
    builder.button(text=_("💱 Currency"), callback_data=SettingsCallback(action=SettingsAction.CHOOSE_CURRENCY))
    builder.button(text=_("🌐 Language"), callback_data=SettingsCallback(action=SettingsAction.CHOOSE_LANGUAGE))
    builder.button(text=_("🔑 Exchange accounts"), callback_data=AccountCallback(n=0))
    builder.button(text=_("✔️ Done"), callback_data=SettingsCallback(action=SettingsAction.CLOSE))
    builder.adjust(1, 2, 2, 3, 3, 1, 1)
    return builder.as_markup()


def urgent_kinds(urgent: list[str]) -> InlineKeyboardMarkup:
    """Which kinds still reach the user during quiet hours."""
    builder = InlineKeyboardBuilder()
    for kind, label in URGENT_KINDS.items():
        mark = "✅" if kind in urgent else "▫️"
        builder.button(text=f"{mark} {_(label)}",
                       callback_data=SettingsCallback(action=SettingsAction.TOGGLE_URGENT, value=kind))
    _back_to_settings(builder)
    builder.adjust(1)
    return builder.as_markup()


def currencies(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in CURRENCIES:
        label = f"• {code} •" if code == current else code
        builder.button(text=label, callback_data=SettingsCallback(action=SettingsAction.SET_CURRENCY, value=code))
    _back_to_settings(builder)
    builder.adjust(len(CURRENCIES), 1)
    return builder.as_markup()


def languages(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGES.items():
        label = f"• {name} •" if code == current else name
        builder.button(text=label, callback_data=SettingsCallback(action=SettingsAction.SET_LANGUAGE, value=code))
    _back_to_settings(builder)
    builder.adjust(2)
    return builder.as_markup()


def _back_to_settings(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("◀️ Back"), callback_data=SettingsCallback(action=SettingsAction.SHOW))
