"""Callback data: small, typed and validated on the way back in.

Telegram allows 64 bytes per button. Values are short enum members or keys checked against
:mod:`bot.preferences`; data that does not unpack simply matches no handler and is answered by
the stale-button fallback.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class TermsAction(StrEnum):
    ACCEPT = "accept"


class TermsCallback(CallbackData, prefix="terms"):
    action: TermsAction


class MenuItem(StrEnum):
    MAIN = "main"
    TRADE = "trade"
    SIGNALS = "signals"
    ALERTS = "alerts"
    ANALYSIS = "analysis"
    PORTFOLIO = "portfolio"
    SETTINGS = "settings"
    HELP = "help"


class MenuCallback(CallbackData, prefix="menu"):
    item: MenuItem


class SettingsAction(StrEnum):
    SHOW = "show"
    TOGGLE_ALL = "all"
    TOGGLE = "toggle"  # value: a notification type
    CHOOSE_CURRENCY = "cur?"
    SET_CURRENCY = "cur"  # value: a currency code
    CHOOSE_LANGUAGE = "lang?"
    SET_LANGUAGE = "lang"  # value: a language code
    ASK_TIMEZONE = "tz?"
    ASK_QUIET_HOURS = "quiet?"
    ASK_SUMMARY_HOUR = "sum?"
    CHOOSE_URGENT = "urg?"
    TOGGLE_URGENT = "urg"  # value: an urgency kind (domain/quiet_hours.py)
    CLOSE = "close"


class SettingsCallback(CallbackData, prefix="set"):
    action: SettingsAction
    value: str = ""
