"""Callback data of the assistant's buttons: short opaque tokens resolved server-side."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ChoiceCallback(CallbackData, prefix="pick"):
    """One of the readings offered when the bot was unsure (token -> readings in Redis)."""

    token: str
    index: int


class SignalAction(StrEnum):
    FOLLOW = "f"
    TRADE = "t"
    IGNORE = "x"


class SignalCallback(CallbackData, prefix="sig"):
    action: SignalAction
    token: str


class AlertDeleteCallback(CallbackData, prefix="adel"):
    alert_ref: str  # the alert's short id
