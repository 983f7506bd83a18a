"""Callback data and keyboards of the trading and portfolio screens.

Buttons carry only opaque short values: a preview token (12 characters), an order's short id
(8 hex characters) or a page number. The handlers look them up and check they belong to the
tapping user. Every packed value stays far below Telegram's 64 bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.models import Order
from domain.services.order_changes import short_ref


class OrderAction(StrEnum):
    CONFIRM = "c"
    EDIT = "e"
    DROP = "x"


class OrderCallback(CallbackData, prefix="ord"):
    """A tap on a confirmation card: ``ord:c:<token>``."""

    action: OrderAction
    token: str


class OpenOrderAction(StrEnum):
    CANCEL = "x"


class OpenOrderCallback(CallbackData, prefix="oo"):
    """A tap on an open order's button: ``oo:x:<short id>``."""

    action: OpenOrderAction
    ref: str


class HistoryCallback(CallbackData, prefix="hist"):
    page: int


def confirmation_keyboard(token: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="✅ Confirm", callback_data=OrderCallback(action=OrderAction.CONFIRM, token=token))
    builder.button(text="✏️ Edit", callback_data=OrderCallback(action=OrderAction.EDIT, token=token))
    builder.button(text="✖️ Cancel", callback_data=OrderCallback(action=OrderAction.DROP, token=token))
    builder.adjust(3)
    return builder.as_markup()


def open_orders_keyboard(orders: Sequence[Order]) -> InlineKeyboardMarkup | None:
    if not orders:
        return None
    builder = InlineKeyboardBuilder()
    for index, order in enumerate(orders, start=1):
        builder.button(
            text=f"🗑 Cancel {index}. {short_ref(order.id)} {order.symbol}",
            callback_data=OpenOrderCallback(action=OpenOrderAction.CANCEL, ref=short_ref(order.id)),
        )
    builder.adjust(1)
    return builder.as_markup()


def history_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    builder = InlineKeyboardBuilder()
    if page > 1:
        builder.button(text="◀️ Prev", callback_data=HistoryCallback(page=page - 1))
    if page < pages:
        builder.button(text="Next ▶️", callback_data=HistoryCallback(page=page + 1))
    return builder.as_markup()


def order_ref(order_id: uuid.UUID) -> str:
    return short_ref(order_id)
