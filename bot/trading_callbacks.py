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
from pydantic import Field

from bot.i18n import _, t
from bot.markup import button, keyboard
from domain.models import Order, Position
from domain.services.order_changes import short_ref


class OrderAction(StrEnum):
    CONFIRM = "c"
    EDIT = "e"
    DROP = "x"
    ACCOUNT = "a"  # choose the account the order goes to (paper or a connected exchange)
    CONFIRM_LIVE = "L"  # the second tap a large live order needs


class OrderCallback(CallbackData, prefix="ord"):
    """A tap on a confirmation card: ``ord:c:<token>``."""

    action: OrderAction
    token: str


class OpenOrderAction(StrEnum):
    CANCEL = "x"
    CHANGE = "e"  # live orders: cancel and place again at a new price or size


class OpenOrderCallback(CallbackData, prefix="oo"):
    """A tap on an open order's button: ``oo:x:<short id>``. Only a whole short id unpacks: typed
    references may be prefixes, a button's never is (a truncated one must not act)."""

    action: OpenOrderAction
    ref: str = Field(pattern=r"^[0-9a-f]{8}$")


class HistoryCallback(CallbackData, prefix="hist"):
    """A page of /history; ``period`` ("24h", "7d", "30d"; empty: all time) keeps the chosen period."""

    page: int
    period: str = ""


class AccountPickCallback(CallbackData, prefix="acp"):
    """Move a draft to account ``n`` (0: paper, then the live accounts in /accounts order)."""

    token: str
    n: int


class LiveOrderCallback(CallbackData, prefix="lo"):
    """Cancel (``x``) or change (``e``) an open order on a connected exchange account."""

    action: OpenOrderAction
    ref: str


class LivePositionCallback(CallbackData, prefix="lp"):
    """Close the open position ``ref`` (its short id) on a connected exchange account: shows the
    close card, which needs its own confirmation."""

    ref: str


def live_positions_keyboard(positions: Sequence[Position]) -> InlineKeyboardMarkup | None:
    if not positions:
        return None
    return keyboard((button(t("✋ Close LIVE {index}. {symbol}", index=index, symbol=position.symbol),
                            LivePositionCallback(ref=short_ref(position.id)))
                     for index, position in enumerate(positions, start=1)), 1)


def confirmation_keyboard(token: str, *, live: bool = False) -> InlineKeyboardMarkup:
    confirm = _("🔴 Confirm LIVE") if live else _("✅ Confirm")
    return keyboard([
        button(confirm, OrderCallback(action=OrderAction.CONFIRM, token=token)),
        button(_("✏️ Edit"), OrderCallback(action=OrderAction.EDIT, token=token)),
        button(_("✖️ Cancel"), OrderCallback(action=OrderAction.DROP, token=token)),
        button(_("🔁 Account"), OrderCallback(action=OrderAction.ACCOUNT, token=token)),
    ], 3, 1)


def second_tap_keyboard(token: str) -> InlineKeyboardMarkup:
    return keyboard([
        button(_("🔴 Yes, place this LIVE order"), OrderCallback(action=OrderAction.CONFIRM_LIVE, token=token)),
        button(_("✖️ Cancel"), OrderCallback(action=OrderAction.DROP, token=token)),
    ], 1)


def account_picker(token: str, names: Sequence[str]) -> InlineKeyboardMarkup:
    """Paper first, then each connected account by name."""
    paper = button(_("📝 PAPER (simulated)"), AccountPickCallback(token=token, n=0))
    live = [button(t("🔴 LIVE · {name}", name=name), AccountPickCallback(token=token, n=n))
            for n, name in enumerate(names, start=1)]
    return keyboard([paper, *live], 1)


def live_order_keyboard(order: Order) -> InlineKeyboardMarkup | None:
    if not order.is_open:
        return None
    ref = short_ref(order.id)
    buttons = [button(t("🗑 Cancel {ref}", ref=ref), LiveOrderCallback(action=OpenOrderAction.CANCEL, ref=ref))]
    if order.price is not None:
        buttons.append(button(_("✏️ Change"), LiveOrderCallback(action=OpenOrderAction.CHANGE, ref=ref)))
    return keyboard(buttons)


def open_orders_keyboard(orders: Sequence[Order], live: Sequence[Order] = ()) -> InlineKeyboardMarkup | None:
    """A Cancel button per paper order, then per live order (these cancel on the exchange)."""
    if not orders and not live:
        return None
    paper = [button(t("🗑 Cancel {index}. {ref} {symbol}", index=index, ref=short_ref(order.id), symbol=order.symbol),
                    OpenOrderCallback(action=OpenOrderAction.CANCEL, ref=short_ref(order.id)))
             for index, order in enumerate(orders, start=1)]
    on_exchange = [
        button(t("🗑 Cancel LIVE {index}. {ref} {symbol}", index=index, ref=short_ref(order.id), symbol=order.symbol),
               LiveOrderCallback(action=OpenOrderAction.CANCEL, ref=short_ref(order.id)))
        for index, order in enumerate(live, start=1)
    ]
    return keyboard([*paper, *on_exchange], 1)


def history_keyboard(page: int, pages: int, period: str | None = None) -> InlineKeyboardMarkup | None:
    if pages <= 1:
        return None
    buttons = []
    if page > 1:
        buttons.append(button(_("◀️ Prev"), HistoryCallback(page=page - 1, period=period or "")))
    if page < pages:
        buttons.append(button(_("Next ▶️"), HistoryCallback(page=page + 1, period=period or "")))
    return keyboard(buttons)


def order_ref(order_id: uuid.UUID) -> str:
    return short_ref(order_id)


class ConnectCallback(CallbackData, prefix="cx"):
    """/connect's choices: exchange and market, then ``testnet`` (-1 while not chosen)."""

    exchange: str
    market: str
    testnet: int = -1


class AccountCallback(CallbackData, prefix="acc"):
    """Disconnect account ``n`` of /accounts (server-side order; nothing secret in the button);
    ``n`` = 0 shows the list (the /settings button)."""

    n: int


class PanicCallback(CallbackData, prefix="pnc"):
    close: bool


def exchanges_keyboard(choices: Sequence[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    """``choices``: (exchange id, market type, label)."""
    return keyboard((button(label, ConnectCallback(exchange=exchange, market=market))
                     for exchange, market, label in choices), 2)


def network_keyboard(exchange: str, market: str) -> InlineKeyboardMarkup:
    return keyboard([
        button(_("🧪 Testnet (recommended)"), ConnectCallback(exchange=exchange, market=market, testnet=1)),
        button(_("🔴 My real account"), ConnectCallback(exchange=exchange, market=market, testnet=0)),
    ], 1)


def accounts_keyboard(count: int) -> InlineKeyboardMarkup | None:
    if count == 0:
        return None
    return keyboard((button(t("🗑 Disconnect {n}", n=n), AccountCallback(n=n)) for n in range(1, count + 1)), 3)


def panic_keyboard() -> InlineKeyboardMarkup:
    return keyboard([
        button(_("🛑 Yes, close all live positions"), PanicCallback(close=True)),
        button(_("Keep them"), PanicCallback(close=False)),
    ], 1)
