"""Intent handlers against the real PostgreSQL and Redis with the simulated market."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import text

from bot.assistant import portfolio as portfolio_intents
from bot.assistant import trading as trading_intents
from bot.assistant.trading import missing_entities
from bot.trading_callbacks import OpenOrderCallback, OrderAction, OrderCallback
from domain.errors import InvalidOrder
from handlers.trading import parse_edit, parse_order_args
from domain.enums import OrderSide, OrderSource, OrderType
from tests.trading_bot.conftest import new_ai_command, new_user, parsed

BUY = dict(symbol="BTC/USDT", side="buy", amount=D("0.01"))


def _buttons(reply) -> list[str]:
    return [b.callback_data for row in reply.reply_markup.inline_keyboard for b in row]


async def _count(session_factory, sql: str) -> int:
    async with session_factory() as session:
        return (await session.execute(text(sql))).scalar()


def test_missing_entities_per_intent():
    assert missing_entities(parsed("place_order", **BUY)) == []
    assert missing_entities(parsed("place_order", symbol="BTC/USDT", side="buy")) == ["amount"]
    assert missing_entities(parsed("place_order", symbol="BTC/USDT", side="buy", quote_amount=D(100))) == []
    assert missing_entities(parsed("place_order", percent_of_balance=D(10))) == ["symbol", "side"]
    assert missing_entities(parsed("close_position")) == ["symbol"]
    assert missing_entities(parsed("cancel_order")) == []
    assert missing_entities(parsed("modify_order", symbol="BTC/USDT")) == ["stop_loss"]
    assert missing_entities(parsed("modify_order", symbol="BTC/USDT", to_breakeven=True)) == []


def test_command_arguments_go_through_the_one_parser(nlp_service):
    r = parse_order_args(OrderSide.BUY, "0.01 btc at 60000 sl 58000 tp 65000", nlp_service)
    assert (r.symbol, r.amount, r.price, r.stop_loss, r.take_profit) == ("BTC/USDT", D("0.01"), D(60000), D(58000), D(65000))
    assert r.order_type is OrderType.LIMIT and r.source is OrderSource.MANUAL
    r = parse_order_args(OrderSide.BUY, "100 usdt of eth", nlp_service)
    assert (r.symbol, r.quote_amount, r.order_type) == ("ETH/USDT", D(100), OrderType.MARKET)
    assert parse_order_args(OrderSide.SELL, "25% of my sol", nlp_service).percent_of_balance == D(25)
    # A thousands comma is a thousands comma, as in free text (the old regex read 61.5 here).
    assert parse_order_args(OrderSide.BUY, "0.01 btc at 61,500", nlp_service).price == D(61500)
    assert parse_order_args(OrderSide.SELL, "1.5k ada at 0.45", nlp_service).amount == D(1500)
    assert parse_order_args(OrderSide.BUY, "", nlp_service) is None
    assert parse_order_args(OrderSide.BUY, "btc", nlp_service) is None


async def test_place_order_returns_the_card_with_token_buttons_and_stores_no_order(assistant, session_factory):
    alice = await new_user(session_factory)
    command_id = await new_ai_command(session_factory, alice)
    async with assistant.uow_factory() as uow:
        ctx = assistant.context(uow, alice, ai_command_id=command_id)
        reply = await trading_intents.INTENT_HANDLERS["place_order"](ctx, parsed("place_order", **BUY, stop_loss=D(1000)))
    assert "BUY 0.01 BTC" in reply.text and "Estimated cost" in reply.text and "Fee" in reply.text
    assert reply.ai_command_id == ctx.ai_command_id
    actions = [OrderCallback.unpack(d) for d in _buttons(reply)]
    assert [a.action for a in actions] == [OrderAction.CONFIRM, OrderAction.EDIT, OrderAction.DROP, OrderAction.ACCOUNT]
    assert len({a.token for a in actions}) == 1 and len(actions[0].token) == 12
    assert await _count(session_factory, "select count(*) from orders") == 0
    # and the token confirms as an AI order linked to the command
    async with assistant.uow_factory() as uow:
        await assistant.trading.orders.confirm(uow, actions[0].token, alice)
    async with session_factory() as session:
        row = (await session.execute(text("select source, stop_loss, ai_command_id from orders"))).one()
    assert row.source == "ai" and row.stop_loss == D(1000) and row.ai_command_id == command_id


async def test_missing_amount_asks_how_much(assistant, session_factory):
    alice = await new_user(session_factory)
    async with assistant.uow_factory() as uow:
        reply = await trading_intents.place_order(assistant.context(uow, alice),
                                                  parsed("place_order", symbol="BTC/USDT", side="buy"))
    assert reply.text == "How much BTC?" and reply.reply_markup is None


async def test_no_account_or_no_permission_gets_a_clear_answer(assistant, session_factory):
    alice = await new_user(session_factory)
    async with assistant.uow_factory() as uow:
        no_account = await trading_intents.place_order(assistant.context(uow, None), parsed("place_order", **BUY))
        not_allowed = await trading_intents.cancel_order(assistant.context(uow, alice, may_trade=False),
                                                         parsed("cancel_order"))
        portfolio = await portfolio_intents.portfolio(assistant.context(uow, None), parsed("portfolio"))
    assert "/start" in no_account.text and "/start" in portfolio.text
    assert "not enabled" in not_allowed.text


async def _place(assistant, user, **entities):
    async with assistant.uow_factory() as uow:
        reply = await trading_intents.place_order(assistant.context(uow, user), parsed("place_order", **entities))
    token = OrderCallback.unpack(_buttons(reply)[0]).token
    async with assistant.uow_factory() as uow:
        return await assistant.trading.orders.confirm(uow, token, user)


async def test_cancel_lists_several_orders_with_a_button_each_then_cancels_by_id(assistant, session_factory):
    alice = await new_user(session_factory)
    for price in (D(1000), D(2000)):
        await _place(assistant, alice, symbol="BTC/USDT", side="buy", amount=D("0.01"), price=price)
    async with assistant.uow_factory() as uow:
        reply = await trading_intents.cancel_order(assistant.context(uow, alice), parsed("cancel_order", "cancel my order"))
    refs = [OpenOrderCallback.unpack(d).ref for d in _buttons(reply)]
    assert len(refs) == 2 and "Which one" in reply.text
    async with assistant.uow_factory() as uow:
        done = await trading_intents.cancel_order(assistant.context(uow, alice), parsed("cancel_order", order_id=refs[0]))
    assert refs[0] in done.text and "Cancelled" in done.text
    assert await _count(session_factory, "select count(*) from orders where status = 'open'") == 1
    async with assistant.uow_factory() as uow:
        orders = await portfolio_intents.orders(assistant.context(uow, alice), parsed("orders"))
    assert refs[1] in orders.text and len(_buttons(orders)) == 1


async def test_close_position_previews_a_sell_and_modify_moves_the_stop(assistant, session_factory):
    alice = await new_user(session_factory)
    await _place(assistant, alice, **BUY)
    async with assistant.uow_factory() as uow:
        card = await trading_intents.close_position(assistant.context(uow, alice),
                                                    parsed("close_position", symbol="BTC/USDT", close_percent=D(50)))
        assert "Close position" in card.text and "SELL 0.005 BTC" in card.text
        moved = await trading_intents.modify_order(assistant.context(uow, alice),
                                                   parsed("modify_order", symbol="BTC/USDT", stop_loss=D(1000)))
        assert "SL 1,000 USDT" in moved.text
        with pytest.raises(InvalidOrder):  # domain errors go to the one error route
            await trading_intents.modify_order(assistant.context(uow, alice),
                                               parsed("modify_order", symbol="BTC/USDT", stop_loss=D(10_000_000)))


async def test_portfolio_intents_share_the_screens(assistant, session_factory):
    alice = await new_user(session_factory)
    await _place(assistant, alice, **BUY)
    async with assistant.uow_factory() as uow:
        ctx = assistant.context(uow, alice)
        summary = await portfolio_intents.portfolio(ctx, parsed("portfolio"))
        assert "<pre>" in summary.text and "BTC" in summary.text and summary.photo.startswith(b"\x89PNG")
        assert "BTC" in (await portfolio_intents.balance(ctx, parsed("balance", asset="BTC"))).text
        assert "BTC/USDT" in (await portfolio_intents.positions(ctx, parsed("positions"))).text
        assert "Realized" in (await portfolio_intents.pnl(ctx, parsed("pnl"))).text
        assert "1 trades" in (await portfolio_intents.history(ctx, parsed("history"))).text
    assert set(portfolio_intents.INTENT_HANDLERS) == {"portfolio", "balance", "positions", "orders", "pnl", "history"}
    assert set(trading_intents.INTENT_HANDLERS) == {"place_order", "cancel_order", "close_position", "modify_order"}
