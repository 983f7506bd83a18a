"""Callback data of the assistant's buttons: short opaque tokens resolved server-side."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from pydantic import Field


class ChoiceCallback(CallbackData, prefix="pick"):
    """One of the readings offered when the bot was unsure (token -> readings in Redis)."""

    token: str
    index: int


class SignalAction(StrEnum):
    EXECUTE = "e"
    FOLLOW = "f"  # track only
    EDIT = "m"  # amount / leverage
    IGNORE = "x"
    APPLY = "a"  # apply a channel follow-up to the executed trade
    LIVE = "l"  # execute on a connected exchange account
    LIVE_CONFIRM = "k"  # the second tap of a live execution above the user's value


class SignalCallback(CallbackData, prefix="sig"):
    action: SignalAction
    account: int = 0  # LIVE: the user's n-th connected futures account (1-based)
    token: str  # last: the opaque part, what a forged button would vary


class AlertDeleteCallback(CallbackData, prefix="adel"):
    # The alert's whole short id: typed references may be prefixes or list positions, a button's
    # never is (a truncated one must not act).
    alert_ref: str = Field(pattern=r"^[0-9a-f]{6}$")


class SignalListAction(StrEnum):
    CLOSE = "c"
    UNFOLLOW = "u"


class SignalListCallback(CallbackData, prefix="sgl"):
    """A /signals button; ``ref`` is the signal's id, checked against the tapping user."""

    action: SignalListAction
    ref: str


class AlertOption(StrEnum):
    REPEAT = "r"  # value: "1" repeat, "0" once
    COOLDOWN = "c"  # value: minutes
    REARM = "h"  # value: the re-arm margin in percent
    EXPIRY = "e"  # value: hours from now, "0" never


class AlertOptionCallback(CallbackData, prefix="aopt"):
    alert_ref: str  # the alert's short id
    option: AlertOption
    value: str
