"""Plain-language conversations end to end: what the user sees, and what is stored."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text

from db.models import AICommand, AIResponse, MarketAnalysis, Order, PriceAlert, TradingSignal
from domain.enums import CommandStatus, SignalSource
from tests.e2e.conftest import accept_terms

USER = 4242
SIGNAL_POST = (
    "🔥 #SOL/USDT LONG\n\nEntry zone: 140 - 145\n🎯 Targets: 150 / 160 / 175\n"
    "⛔ Stop loss: 130\nLeverage: Cross 10x"
)


async def _count(session_factory, model, *where) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_missing_amount_is_asked_then_the_order_card_is_confirmed(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "buy btc")
    await bot_api.wait_for_text(USER, "How much BTC?")
    bot_api.send_text(USER, "0.01")
    card = await bot_api.wait_for_text(USER, "Confirm")
    assert "BTC/USDT" in card and "0.01" in card
    assert await _count(session_factory, Order) == 0  # nothing is placed before the tap

    bot_api.tap(USER, "Confirm")
    await bot_api.wait_for_edit(USER, "Bought 0.01 BTC")
    assert await _count(session_factory, Order) == 1
    async with session_factory() as session:
        order = await session.scalar(select(Order))
        commands = (await session.scalars(select(AICommand).order_by(AICommand.created_at))).all()
    assert [c.detected_intent for c in commands] == ["place_order", "place_order"]
    assert all(c.status is CommandStatus.COMPLETED for c in commands)
    assert order.source == "ai" and order.ai_command_id == commands[-1].id
    assert await _count(session_factory, AIResponse, AIResponse.response_type == "question") == 1


async def test_cancel_drops_the_open_question(app, bot_api):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "sell eth")
    await bot_api.wait_for_text(USER, "How much ETH?")
    bot_api.send_text(USER, "/cancel")
    await bot_api.wait_for_text(USER, "Cancelled")
    bot_api.send_text(USER, "0.5")
    # Read on its own, a bare number is not understood: no order card for the dropped question.
    await bot_api.wait_for_text(USER, "did not get that")
    assert not any("Confirm" in t for t in bot_api.texts_to(USER))


async def test_a_forwarded_signal_is_checked_and_tracked(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, SIGNAL_POST, forward_from_channel="AlphaCalls")
    card = await bot_api.wait_for_text(USER, "Signal read")
    assert "SOL/USDT" in card and "TP1 150" in card and "TP3 175" in card and "130" in card and "AlphaCalls" in card
    assert "R:R" in card and "liquidation" in card and "10x" in card
    bot_api.tap(USER, "Track only")
    await bot_api.wait_for_text(USER, "Tracking SOL/USDT")
    async with session_factory() as session:
        signal = await session.scalar(select(TradingSignal))
    assert signal.source.value == "forwarded_post" and signal.take_profit_levels == ["150", "160", "175"]


# Copied without its line breaks, with a leverage range and the synonyms channels use for the labels.
FLATTENED_POST = "#SOL/USDT LONG Leverage: 5x-10x Buy zone: 140 - 145 Sell targets: 150 160 175 Stopls 130"


async def test_a_forwarded_post_that_lost_its_line_breaks_gives_the_same_card(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, FLATTENED_POST, forward_from_channel="AlphaCalls")
    card = await bot_api.wait_for_text(USER, "Signal read")
    assert "SOL/USDT" in card and "TP1 150" in card and "TP3 175" in card and "130" in card and "5x" in card
    bot_api.tap(USER, "Track only")
    await bot_api.wait_for_text(USER, "Tracking SOL/USDT")
    async with session_factory() as session:
        signal = await session.scalar(select(TradingSignal))
    assert signal.take_profit_levels == ["150", "160", "175"] and signal.stop_loss_price == 130
    assert (signal.entry_low, signal.entry_high, signal.leverage) == (140, 145, 5)


async def test_alerts_are_set_listed_and_deleted_with_a_button(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "alert me when btc goes above 150k")
    await bot_api.wait_for_text(USER, "Alert set")
    bot_api.send_text(USER, "show my alerts")
    await bot_api.wait_for_text(USER, "Your alerts")
    bot_api.tap(USER, "🗑")
    await bot_api.wait_for_edit(USER, "no active alerts")
    assert await _count(session_factory, PriceAlert, PriceAlert.is_active.is_(True)) == 0  # retired, kept for the record


async def test_an_unsure_reading_offers_buttons_and_the_pick_is_answered(app, bot_api):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "eth")
    await bot_api.wait_for_text(USER, "not sure")
    bot_api.tap(USER, "Price")
    await bot_api.wait_for_text(USER, "ETH/USDT")


async def test_a_domain_problem_is_answered_clearly_and_recorded(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    update_id = bot_api.send_text(USER, "alert me when btc is above 1")
    reply = await bot_api.wait_for_text(USER, "⚠️")
    assert "already above" in reply
    # The response is written with the update's log row, before the update is acknowledged.
    await bot_api.wait_until_acknowledged(update_id)
    assert await _count(session_factory, AIResponse, AIResponse.response_type == "error") == 1


async def test_an_answer_only_reading_is_recorded_with_the_updates_row_and_linked_to_its_reply(
    app, bot_api, session_factory
):
    await accept_terms(bot_api, USER)
    update_id = bot_api.send_text(USER, "price of btc")
    await bot_api.wait_for_text(USER, "BTC")
    await bot_api.wait_until_acknowledged(update_id)  # the log's batch statement has committed
    async with session_factory() as session:
        [command] = (await session.scalars(select(AICommand).where(AICommand.input_text == "price of btc"))).all()
        [response] = (await session.scalars(select(AIResponse).where(AIResponse.command_id == command.id))).all()
        logged = (await session.execute(text(
            "SELECT direction FROM telegram_messages WHERE update_id = :u AND ai_command_id = :c ORDER BY created_at"
        ), {"u": update_id, "c": command.id})).scalars().all()
    assert command.detected_intent == "price" and command.status is CommandStatus.COMPLETED
    assert command.extracted_entities["symbol"] == "BTC/USDT" and command.completed_at >= command.started_at
    assert response.response_type == "text" and "BTC" in response.response_text
    assert logged == ["in", "out"]  # the message and the reply, both pointing at the command


async def test_an_analysis_is_answered_stored_as_a_call_of_record_and_counted_by_accuracy(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "analyze eth 4h")
    text = await bot_api.wait_for_text(USER, "technical analysis")
    [photo] = bot_api.calls_of("sendPhoto", USER)
    assert "ETH/USDT · 4h" in photo.params.get("caption", "") and "Not financial advice" in text
    async with session_factory() as session:
        [call] = (await session.scalars(select(TradingSignal))).all()
        [analysis] = (await session.scalars(select(MarketAnalysis))).all()
        command = await session.scalar(select(AICommand).where(AICommand.id == call.ai_command_id))
    assert call.source is SignalSource.TECHNICAL_ANALYSIS and call.symbol == "ETH/USDT" and call.valid_until
    assert analysis.ai_command_id == command.id and analysis.timeframe == "4h" and command.input_text == "analyze eth 4h"
    bot_api.send_text(USER, "/accuracy")
    record = await bot_api.wait_for_text(USER, "Track record")
    assert "4h" in record and "Calls" in record


async def test_history_pages_keep_the_chosen_period(app, bot_api, session_factory):
    """ "my trades this week" → Next shows the rest of this week's trades, not all time."""
    await accept_terms(bot_api, 214)
    for _ in range(13):
        await bot_api.wait_until_acknowledged(bot_api.send_text(214, "/buy 0.001 btc"))
        await bot_api.wait_until_acknowledged(bot_api.tap(214, "Confirm"))  # the newest card's button
    async with session_factory() as session, session.begin():  # two of them happened last month
        await session.execute(text("update trades set executed_at = now() - interval '20 days' where id in "
                                   "(select id from trades order by executed_at limit 2)"))
    await bot_api.wait_until_acknowledged(bot_api.send_text(214, "my trades this week"))
    first = await bot_api.wait_for_text(214, "Trade history")
    assert "(page 1 of 2, 11 trades)" in first
    await bot_api.wait_until_acknowledged(bot_api.tap(214, "Next"))
    edits = lambda: [c.params.get("text", "") for c in bot_api.calls_of("editMessageText", 214)]  # noqa: E731
    second = await bot_api.wait_for(lambda: next((t for t in edits() if "page 2 of 2" in t), None))
    assert "(page 2 of 2, 11 trades)" in second and "7 days" in second, second
    assert second.count("BTC/USDT") == 1  # the week's eleventh trade, not the month-old ones


async def test_no_reply_shows_more_digits_than_the_markets_tick(app, bot_api):
    """BTC/USDT's tick is 0.01 and PEPE/USDT's 0.00000001 (the simulated market's listing): computed
    figures (averages, indicator values, levels, DCA prices) are shown to the tick, never beyond."""
    await accept_terms(bot_api, 215)
    replies = {}
    for typed in ("price of pepe", "analyze pepe 4h", "build me a dca plan for pepe, $100 a week",
                  "should i accumulate pepe", "support and resistance for pepe", "price of btc", "analyze btc 4h",
                  "should i accumulate btc", "build me a dca plan for btc, $100 a week", "support and resistance for btc"):
        before = len(bot_api.texts_to(215))
        await bot_api.wait_until_acknowledged(bot_api.send_text(215, typed), timeout=30)
        replies[typed] = "\n".join(bot_api.texts_to(215)[before:])
    for typed, reply in replies.items():
        assert reply and "did not get that" not in reply, (typed, reply)
        if "pepe" in typed:  # 0.00000612, never 0.0000061234
            too_fine = re.findall(r"\b0\.\d{9,}", reply)
        else:  # 90,123.46, never 90,123.4567
            too_fine = re.findall(r"\b\d{1,3}(?:,\d{3})+\.\d{3,}", reply)
        assert not too_fine, (typed, too_fine, reply)
