"""A user who owns something of everything, and a fingerprint of what they own."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from tests.e2e.fake_bot_api import FakeBotApi

# The owner's rows in every table another user could try to change, hashed. Other users may
# create rows of their own (their paper portfolio opens on first look), which do not count.
OWNED = {table: "user_id = :owner" for table in ("orders", "trades", "positions", "price_alerts", "trading_signals",
                                                   "portfolios", "exchange_credentials", "notifications")}
OWNED["balances"] = "portfolio_id IN (SELECT id FROM portfolios WHERE user_id = :owner)"

SIGNAL_POST = "BTC/USDT LONG\nEntry: 60000 - 61000\nTP1: 65000\nSL: 58000"


async def give_something_of_everything(bot_api: FakeBotApi, user: int) -> None:
    """A position and trade, a resting order, a live confirmation card, an alert, a signal card."""
    bot_api.send_text(user, "buy 0.01 btc")
    await bot_api.wait_for_text(user, "Confirm", timeout=15)
    await bot_api.wait_until_acknowledged(bot_api.tap(user, "Confirm"), timeout=15)
    bot_api.send_text(user, "buy 0.001 btc at 30000")
    await bot_api.wait_for(lambda: len([t for t in bot_api.texts_to(user) if "Confirm this order" in t]) == 2, 15)
    await bot_api.wait_until_acknowledged(bot_api.tap(user, "Confirm"), timeout=15)  # rests: the price is far above
    for message, wait_for in (
        ("buy 0.02 btc", "BUY 0.02 BTC"),  # a card left waiting: its token is live
        ("alert me when btc goes above 150k", "Alert set"),
        ("show my alerts", "Your alerts"),
        ("/orders", "Cancel 1."),
    ):
        bot_api.send_text(user, message)
        await bot_api.wait_for(lambda w=wait_for: any(w in str(m) for m in bot_api.messages.values()
                                                      if m["chat"]["id"] == user), 15)
    bot_api.send_text(user, SIGNAL_POST, forward_from_channel="calls")
    await bot_api.wait_for_text(user, "Signal read", timeout=15)


def buttons_of(bot_api: FakeBotApi, user: int) -> list[str]:
    return [button["callback_data"] for message in bot_api.messages.values() if message["chat"]["id"] == user
            for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row
            if "callback_data" in button]


async def fingerprint(session_factory, telegram_id: int) -> dict[str, str]:
    async with session_factory() as session:
        owner = await session.scalar(text("SELECT user_id FROM telegram_users WHERE telegram_id = :t"),
                                     {"t": telegram_id})
        rows = {}
        for table, where in OWNED.items():
            sql = f"SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM {table} t WHERE {where}"
            rows[table] = hashlib.sha256((await session.scalar(text(sql), {"owner": owner})).encode()).hexdigest()
        return rows
