from __future__ import annotations

import pytest

from bot import keyboards
from bot.callbacks import MenuCallback, MenuItem, SettingsAction, SettingsCallback, TermsCallback
from db.models import TelegramUser

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit


def _account(**fields) -> TelegramUser:
    defaults = {
        "notifications_enabled": True,
        "notification_types": {"price_alerts": True, "signal_updates": False},
        "timezone": "UTC",
        "preferred_currency": "USDT",
        "language": "en",
    }
    return TelegramUser(**(defaults | fields))


def _callback_data(markup) -> list[str]:
    return [button.callback_data for row in markup.inline_keyboard for button in row]


@pytest.mark.parametrize(
    "markup",
    [
        keyboards.accept_terms(),
        keyboards.main_menu(),
        keyboards.back_to_menu(),
        keyboards.settings(_account()),
        keyboards.currencies("EUR"),
        keyboards.languages("de"),
    ],
)
def test_every_button_fits_telegrams_callback_data_limit(markup):
    data = _callback_data(markup)
    assert data and all(0 < len(d.encode()) <= CALLBACK_DATA_LIMIT for d in data)


def test_settings_buttons_show_the_current_state():
    labels = [b.text for row in keyboards.settings(_account()).inline_keyboard for b in row]
    assert "✅ Price alerts" in labels and "▫️ Signal updates" in labels


def test_callback_data_round_trips():
    packed = SettingsCallback(action=SettingsAction.TOGGLE, value="price_alerts").pack()
    assert packed == "set:toggle:price_alerts"
    assert SettingsCallback.unpack(packed) == SettingsCallback(action=SettingsAction.TOGGLE, value="price_alerts")
    assert MenuCallback.unpack(MenuCallback(item=MenuItem.HELP).pack()).item is MenuItem.HELP


@pytest.mark.parametrize("forged", ["menu:launch", "terms:decline", "set:nuke:all", "menu", ""])
def test_forged_data_does_not_unpack(forged):
    for factory in (MenuCallback, TermsCallback, SettingsCallback):
        with pytest.raises((TypeError, ValueError)):
            factory.unpack(forged)
