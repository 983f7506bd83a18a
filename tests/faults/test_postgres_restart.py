"""PostgreSQL restarts in the middle of a run, once between updates and once inside a confirm.

Between updates the pool's connections are dead; idle ones are pinged and replaced, a busy one
fails its first use with the clear outage answer, and the next update is served. Inside a confirm the transaction dies with the server: nothing of the
order is stored, the user is told to try again, and the same Confirm button then places it once.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import func, select, text

from bot import texts
from db.models import Balance, Order, Trade
from domain.enums import OrderStatus
from tests.e2e.conftest import accept_terms
from tests.faults.ledger import Ledger

USER = 5201


async def _count(session_factory, model) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_restart_between_updates_is_invisible(bot_api, own_postgres, own_session_factory, redis_client, launch):
    await launch(own_session_factory, redis_client)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, USER)
    assert "I understand" in (await ledger.say(USER, "/help") or "")
    await asyncio.to_thread(own_postgres.stop)
    await asyncio.to_thread(own_postgres.start)
    # A connection busy just before the restart is not pinged (db.engine pings only idle ones):
    # the first update may get the clear outage answer; the pool has replaced it by the next.
    replies = [await ledger.say(USER, text) for text in ("/portfolio", "/orders", "/help")]
    assert texts.TEMPORARILY_UNAVAILABLE not in replies[1:], replies
    ledger.assert_none_lost()


async def test_while_down_updates_get_a_clear_answer_and_work_again_after(
    bot_api, own_postgres, own_session_factory, redis_client, launch
):
    await launch(own_session_factory, redis_client)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, USER + 1)
    await asyncio.to_thread(own_postgres.stop)
    try:
        for text in ("/help", "buy 0.01 btc", "/portfolio"):
            assert await ledger.say(USER + 1, text) == texts.TEMPORARILY_UNAVAILABLE
    finally:
        await asyncio.to_thread(own_postgres.start)
    assert "I understand" in (await ledger.say(USER + 1, "/help") or "")
    ledger.assert_none_lost()


async def test_a_restart_inside_a_confirm_stores_nothing_and_the_next_tap_places_once(
    bot_api, own_postgres, own_session_factory, redis_client, launch
):
    app = await launch(own_session_factory, redis_client)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, USER + 2)
    card = await ledger.say(USER + 2, "buy 0.01 btc")
    assert card is not None and "Confirm" in card
    async with own_session_factory() as session:
        usdt_before = await session.scalar(select(func.sum(Balance.free + Balance.locked)).where(Balance.asset == "USDT"))

    confirm_data = next(button["callback_data"] for message in bot_api.messages.values()
                        if message["chat"]["id"] == USER + 2
                        for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row
                        if "Confirm" in button["text"])
    broker = app.trading.orders._broker
    place = broker.place
    restarts = 0

    async def place_while_the_server_restarts(*args, **kwargs):
        nonlocal restarts
        if restarts == 0:  # the order is half-way: drafted, wallet locked, nothing committed
            restarts += 1
            await asyncio.to_thread(own_postgres.stop)
            await asyncio.to_thread(own_postgres.start)
        return await place(*args, **kwargs)

    broker.place = place_while_the_server_restarts
    assert await ledger.tap(USER + 2, "Confirm") == texts.TEMPORARILY_UNAVAILABLE
    assert (await _count(own_session_factory, Order), await _count(own_session_factory, Trade)) == (0, 0)

    result = await ledger.tap(USER + 2, "Confirm")  # the same button: the draft was given back
    assert result is not None and "Bought 0.01 BTC" in result, result
    repeat = bot_api.tap_data(USER + 2, confirm_data)  # a third tap, on a copy of the button
    await bot_api.wait_until_acknowledged(repeat)
    assert "already confirmed" in bot_api.calls_of("answerCallbackQuery")[-1].params.get("text", "")
    assert (await _count(own_session_factory, Order), await _count(own_session_factory, Trade)) == (1, 1)
    async with own_session_factory() as session:
        order = await session.scalar(select(Order))
        trade = await session.scalar(select(Trade))
        usdt_after = await session.scalar(select(func.sum(Balance.free + Balance.locked)).where(Balance.asset == "USDT"))
    assert order.status is OrderStatus.FILLED
    fee_in_usdt = trade.fee if trade.fee_currency == "USDT" else 0
    assert usdt_before - usdt_after == trade.quote_quantity + fee_in_usdt  # the one trade, nothing else
    assert trade.quantity == Decimal("0.01")
    ledger.assert_none_lost()


async def test_pooled_connections_killed_by_a_restart_are_replaced_before_use(own_postgres, own_session_factory,
                                                                              monkeypatch):
    """db.engine pings a pooled connection that sat idle past PING_AFTER_IDLE_SECONDS before use,
    so the first query after a restart does not hit a dead connection (here every connection
    counts as idle; a busy one is not pinged and its first use fails with an outage reply)."""
    monkeypatch.setattr("db.engine.PING_AFTER_IDLE_SECONDS", 0)
    async with own_session_factory() as session:
        assert await session.scalar(text("select 1")) == 1  # leaves a connection in the pool
    await asyncio.to_thread(own_postgres.stop)
    await asyncio.to_thread(own_postgres.start)
    async with own_session_factory() as session:
        assert await session.scalar(text("select 1")) == 1
