"""Inline keyboards. Buttons carry only the small callback data of :mod:`bot.callbacks`."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    MenuCallback,
    MenuItem,
    SettingsAction,
    SettingsCallback,
    TermsAction,
    TermsCallback,
)
from bot.i18n import N_, _
from bot.markup import button, keyboard
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
    return keyboard([button(_("✅ I accept"), TermsCallback(action=TermsAction.ACCEPT))])


def main_menu() -> InlineKeyboardMarkup:
    return keyboard((button(_(label), MenuCallback(item=item)) for item, label in _MENU_LABELS.items()), 2)


def back_to_menu() -> InlineKeyboardMarkup:
    return keyboard([button(_("◀️ Menu"), MenuCallback(item=MenuItem.MAIN))])


def settings(account: TelegramUser) -> InlineKeyboardMarkup:
    master = _("🔔 Notifications: on") if account.notifications_enabled else _("🔕 Notifications: off")
    kinds = [
        button(f"{'✅' if account.notification_types.get(key, True) else '▫️'} {_(label)}",
               SettingsCallback(action=SettingsAction.TOGGLE, value=key))
        for key, label in NOTIFICATION_TYPES.items()
    ]
    return keyboard([
        button(master, SettingsCallback(action=SettingsAction.TOGGLE_ALL)),
        *kinds,
        button(_("🌙 Quiet hours"), SettingsCallback(action=SettingsAction.ASK_QUIET_HOURS)),
        button(_("🚨 Urgent"), SettingsCallback(action=SettingsAction.CHOOSE_URGENT)),
        button(_("☀️ Summary time"), SettingsCallback(action=SettingsAction.ASK_SUMMARY_HOUR)),
        button(_("🕒 Timezone"), SettingsCallback(action=SettingsAction.ASK_TIMEZONE)),
        button(_("💱 Currency"), SettingsCallback(action=SettingsAction.CHOOSE_CURRENCY)),
        button(_("🌐 Language"), SettingsCallback(action=SettingsAction.CHOOSE_LANGUAGE)),
        button(_("🔑 Exchange accounts"), AccountCallback(n=0)),
        button(_("✔️ Done"), SettingsCallback(action=SettingsAction.CLOSE)),
    ], 1, 2, 2, 3, 3, 1, 1)


def urgent_kinds(urgent: list[str]) -> InlineKeyboardMarkup:
    """Which kinds still reach the user during quiet hours."""
    kinds = [button(f"{'✅' if kind in urgent else '▫️'} {_(label)}",
                    SettingsCallback(action=SettingsAction.TOGGLE_URGENT, value=kind))
             for kind, label in URGENT_KINDS.items()]
    return keyboard([*kinds, _back_to_settings()], 1)


def currencies(current: str) -> InlineKeyboardMarkup:
    choices = [button(f"• {code} •" if code == current else code,
                      SettingsCallback(action=SettingsAction.SET_CURRENCY, value=code))
               for code in CURRENCIES]
    return keyboard([*choices, _back_to_settings()], len(CURRENCIES), 1)


def languages(current: str) -> InlineKeyboardMarkup:
    choices = [button(f"• {name} •" if code == current else name,
                      SettingsCallback(action=SettingsAction.SET_LANGUAGE, value=code))
               for code, name in LANGUAGES.items()]
    return keyboard([*choices, _back_to_settings()], 2)


def _back_to_settings() -> InlineKeyboardButton:
    return button(_("◀️ Back"), SettingsCallback(action=SettingsAction.SHOW))
