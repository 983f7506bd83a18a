"""Trading through Telegram: the real dispatcher and aiogram session against a local Bot API server."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import text

from tests.e2e.conftest import accept_terms


async def _scalar(session_factory, sql: str):
    async with session_factory() as session:
        return (await session.execute(text(sql))).scalar()


def _edits(bot_api, chat_id: int) -> list[str]:
    return [c.params["text"] for c in bot_api.calls_of("editMessageText", chat_id) if "text" in c.params]


def _alerts(bot_api) -> list[str]:
    return [c.params.get("text") or "" for c in bot_api.calls_of("answerCallbackQuery")]


async def _card(bot_api, user: int, command: str) -> str:
    bot_api.send_text(user, command)
    return await bot_api.wait_for_text(user, "Confirm this order")


async def test_buy_card_confirm_fills_and_a_second_tap_places_nothing(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 201)
    card = await _card(bot_api, 201, "/buy 0.01 btc")
    assert "BUY 0.01 BTC" in card and "Estimated cost" in card and "No stop-loss" in card
    confirm_data = next(b["callback_data"] for m in bot_api.messages.values() if m["chat"]["id"] == 201
                        for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row
                        if "Confirm" in b["text"])
    card_message = next(m for m in bot_api.messages.values() if "Confirm this order" in m.get("text", ""))
    card_copy = {**card_message, "reply_markup": dict(card_message["reply_markup"])}

    first = bot_api.tap_data(201, confirm_data, card_copy)
    await bot_api.wait_until_acknowledged(first)
    result = await bot_api.wait_for(lambda: next((t for t in _edits(bot_api, 201) if "Bought 0.01 BTC" in t), None))
    assert "Fee:" in result and "Position: 0.01 BTC" in result

    second = bot_api.tap_data(201, confirm_data, card_copy)  # the same button again
    await bot_api.wait_until_acknowledged(second)
    assert any("already confirmed" in a for a in _alerts(bot_api))
    assert await _scalar(session_factory, "select count(*) from orders") == 1
    assert await _scalar(session_factory, "select status from orders") == "filled"


async def test_an_expired_card_places_nothing(bot_api, start_trading_bot, session_factory):
    await start_trading_bot(confirmation_ttl_seconds=1)
    await accept_terms(bot_api, 202)
    await _card(bot_api, 202, "/buy 0.01 btc")
    await asyncio.sleep(1.2)
    update = bot_api.tap(202, "Confirm")
    await bot_api.wait_until_acknowledged(update)
    assert any("expired" in a for a in _alerts(bot_api))
    assert any("expired" in t for t in _edits(bot_api, 202))
    assert await _scalar(session_factory, "select count(*) from orders") == 0


async def test_another_users_tap_is_refused_and_the_owner_can_still_confirm(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 203)
    await accept_terms(bot_api, 204)
    await _card(bot_api, 203, "/buy 0.01 btc")
    card_message = next(m for m in bot_api.messages.values() if "Confirm this order" in m.get("text", ""))
    confirm_data = card_message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    intruder = bot_api.tap_data(204, confirm_data)  # the data copied onto a message of their own
    await bot_api.wait_until_acknowledged(intruder)
    assert any("expired" in a for a in _alerts(bot_api))  # as for a token that does not exist
    assert await _scalar(session_factory, "select count(*) from orders") == 0
    owner = bot_api.tap(203, "Confirm")
    await bot_api.wait_until_acknowledged(owner)
    assert await _scalar(session_factory, "select count(*) from orders") == 1


async def test_insufficient_balance_is_explained_and_nothing_fills(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 205)
    card = await _card(bot_api, 205, "/buy 1 btc")  # the paper account holds 10,000 USDT
    assert "does not cover this order" in card
    update = bot_api.tap(205, "Confirm")
    await bot_api.wait_until_acknowledged(update)
    assert any("not placed" in t for t in _edits(bot_api, 205))
    assert await _scalar(session_factory, "select count(*) from orders where status = 'filled'") == 0
    assert await _scalar(session_factory, "select count(*) from trades") == 0


async def test_cancel_on_the_card_drops_the_draft(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 206)
    await _card(bot_api, 206, "/buy 0.01 btc")  # a sell of BTC not held is refused before any card
    card_message = next(m for m in bot_api.messages.values() if "Confirm this order" in m.get("text", ""))
    confirm_data = card_message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    update = bot_api.tap(206, "Cancel")
    await bot_api.wait_until_acknowledged(update)
    assert any("nothing was placed" in t for t in _edits(bot_api, 206))
    late = bot_api.tap_data(206, confirm_data, card_message)
    await bot_api.wait_until_acknowledged(late)
    assert await _scalar(session_factory, "select count(*) from orders") == 0


async def test_edit_changes_the_amount_and_shows_a_new_card(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 207)
    await _card(bot_api, 207, "/buy 0.01 btc")
    bot_api.tap(207, "Edit")
    await bot_api.wait_for_text(207, "Send the new amount")
    bot_api.send_text(207, "0.02")
    await bot_api.wait_for_text(207, "BUY 0.02 BTC")
    update = bot_api.tap(207, "Confirm")
    await bot_api.wait_until_acknowledged(update)
    assert await _scalar(session_factory, "select amount from orders") == Decimal("0.02")


async def test_orders_list_cancel_button_cancels_the_order(bot_api, start_trading_bot, session_factory):
    await start_trading_bot()
    await accept_terms(bot_api, 208)
    await _card(bot_api, 208, "/buy 0.01 btc at 1000")
    update = bot_api.tap(208, "Confirm")
    await bot_api.wait_until_acknowledged(update)
    await bot_api.wait_for(lambda: any("Order open" in t for t in _edits(bot_api, 208)))
    bot_api.send_text(208, "/orders")
    await bot_api.wait_for_text(208, "Open orders")
    update = bot_api.tap(208, "Cancel 1.")
    await bot_api.wait_until_acknowledged(update)
    await bot_api.wait_for_text(208, "Cancelled order")
    assert await _scalar(session_factory, "select status from orders") == "cancelled"


async def test_portfolio_answers_with_a_table_and_a_chart_once_there_are_holdings(bot_api, start_trading_bot):
    await start_trading_bot()
    await accept_terms(bot_api, 209)
    bot_api.send_text(209, "/portfolio")
    first = await bot_api.wait_for_text(209, "Portfolio")
    assert "<pre>" in first and "10,000" in first
    assert not bot_api.calls_of("sendPhoto", 209)
    await _card(bot_api, 209, "/buy 0.01 btc")
    update = bot_api.tap(209, "Confirm")
    await bot_api.wait_until_acknowledged(update)
    bot_api.send_text(209, "/portfolio")
    await bot_api.wait_for(lambda: bot_api.calls_of("sendPhoto", 209))
    await bot_api.wait_for(lambda: len([t for t in bot_api.texts_to(209) if "Portfolio" in t]) == 2)
    assert "BTC" in [t for t in bot_api.texts_to(209) if "Portfolio" in t][-1]
    bot_api.send_text(209, "/history")
    await bot_api.wait_for_text(209, "Trade history")
