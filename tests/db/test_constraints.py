"""The schema enforces what the bot relies on: unique keys, cascades, enum values, defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.models import (
    AICommand,
    Balance,
    Notification,
    Order,
    Portfolio,
    PriceAlert,
    TelegramMessage,
    TelegramUser,
    TradingPair,
    User,
)
from domain.enums import CommandStatus, CommandType, OrderSide, OrderStatus, OrderType, TelegramUserStatus


async def _user(session, name: str = "alice") -> User:
    user = User(username=name, email=f"{name}@example.com")
    session.add(user)
    await session.flush()
    return user


async def _pair(session, symbol: str = "BTC/USDT") -> TradingPair:
    base, quote = symbol.split("/")
    pair = TradingPair(symbol=symbol, base_currency=base, quote_currency=quote, min_order_size=Decimal("0.00001"))
    session.add(pair)
    await session.flush()
    return pair


async def _portfolio(session, user: User) -> Portfolio:
    portfolio = Portfolio(user_id=user.id, name="Main")
    session.add(portfolio)
    await session.flush()
    return portfolio


async def test_defaults_are_filled_by_the_database(session):
    user = await _user(session)
    pair = await _pair(session)
    await session.refresh(user)
    await session.refresh(pair)
    assert user.id is not None and user.created_at.tzinfo is not None
    assert user.is_active is True and user.preferred_currency == "USDT"
    assert pair.maker_fee == Decimal("0.0010") and pair.taker_fee == Decimal("0.0010")
    assert pair.exchange == "paper"

    tg = TelegramUser(telegram_id=123456789012)
    session.add(tg)
    await session.flush()
    await session.refresh(tg)
    assert tg.status is TelegramUserStatus.PENDING
    assert tg.daily_message_count == 0 and tg.total_messages == 0 and tg.is_bot_blocked is False
    assert tg.notification_types == {
        "price_alerts": True, "signal_updates": True, "order_fills": True, "daily_summary": True,
    }


async def test_money_keeps_eight_decimal_places(session):
    user = await _user(session)
    portfolio = await _portfolio(session, user)
    session.add(Balance(portfolio_id=portfolio.id, asset="BTC", free=Decimal("0.12345678")))
    await session.flush()
    stored = await session.scalar(select(Balance.free).where(Balance.portfolio_id == portfolio.id))
    assert stored == Decimal("0.12345678")


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda u: User(username="alice", email="other@example.com"), "username"),
        (lambda u: User(username="bob", email="alice@example.com"), "email"),
    ],
)
async def test_users_have_unique_username_and_email(session, build, what):
    user = await _user(session)
    session.add(build(user))
    with pytest.raises(IntegrityError, match=what):
        await session.flush()


async def test_trading_pair_is_unique_per_exchange(session):
    await _pair(session)
    session.add(TradingPair(symbol="BTC/USDT", base_currency="BTC", quote_currency="USDT", exchange="binance",
                            min_order_size=Decimal("0.0001")))
    await session.flush()  # same symbol on another exchange is fine
    session.add(TradingPair(symbol="BTC/USDT", base_currency="BTC", quote_currency="USDT", min_order_size=Decimal("1")))
    with pytest.raises(IntegrityError, match="uq_trading_pair_exchange"):
        await session.flush()


async def test_telegram_id_is_unique(session):
    session.add(TelegramUser(telegram_id=42))
    await session.flush()
    session.add(TelegramUser(telegram_id=42))
    with pytest.raises(IntegrityError, match="telegram_id"):
        await session.flush()


async def test_deleting_a_user_cascades_to_portfolios_orders_and_balances(session):
    user = await _user(session)
    pair = await _pair(session)
    portfolio = await _portfolio(session, user)
    session.add(Balance(portfolio_id=portfolio.id, asset="USDT", free=Decimal("100")))
    session.add(Order(user_id=user.id, portfolio_id=portfolio.id, trading_pair_id=pair.id,
                      client_order_id="c1", type=OrderType.MARKET, side=OrderSide.BUY,
                      amount=Decimal("0.01")))
    await session.flush()

    await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    for model in (Portfolio, Order, Balance):
        assert await session.scalar(select(func.count()).select_from(model)) == 0
    # Pairs are reference data: they outlive users.
    assert await session.scalar(select(func.count()).select_from(TradingPair)) == 1


async def test_deleting_an_ai_command_keeps_the_order_but_unlinks_it(session):
    user = await _user(session)
    pair = await _pair(session)
    portfolio = await _portfolio(session, user)
    command = AICommand(input_text="buy 0.01 btc", user_id=user.id, command_type=CommandType.TRADE_EXECUTION)
    session.add(command)
    await session.flush()
    order = Order(user_id=user.id, portfolio_id=portfolio.id, trading_pair_id=pair.id, client_order_id="c2",
                  type=OrderType.MARKET, side=OrderSide.BUY, amount=Decimal("0.01"),
                  ai_command_id=command.id, source="ai")
    session.add(order)
    await session.flush()
    await session.execute(text("DELETE FROM ai_commands WHERE id = :id"), {"id": command.id})
    await session.refresh(order)
    assert order.ai_command_id is None
    assert order.status is OrderStatus.PENDING


async def test_a_pair_in_use_cannot_be_deleted(session):
    user = await _user(session)
    pair = await _pair(session)
    portfolio = await _portfolio(session, user)
    session.add(Order(user_id=user.id, portfolio_id=portfolio.id, trading_pair_id=pair.id, client_order_id="c3",
                      type=OrderType.LIMIT, side=OrderSide.SELL, amount=Decimal("1"), price=Decimal("1")))
    await session.flush()
    with pytest.raises(IntegrityError, match="fk_orders_trading_pair_id"):
        await session.execute(text("DELETE FROM trading_pairs WHERE id = :id"), {"id": pair.id})


async def test_enum_columns_reject_unknown_values(session):
    with pytest.raises(DBAPIError, match="invalid input value for enum command_status"):
        await session.execute(text("INSERT INTO ai_commands (input_text, status) VALUES ('x', 'exploded')"))


async def test_enum_values_round_trip_as_lower_case(session):
    user = await _user(session)
    session.add(AICommand(input_text="hi", user_id=user.id, command_type=CommandType.GENERAL_QUERY,
                          status=CommandStatus.PROCESSING))
    await session.flush()
    raw = await session.scalar(text("SELECT status::text FROM ai_commands"))
    assert raw == "processing"


async def test_check_constraints_guard_orders_balances_and_messages(session):
    user = await _user(session)
    pair = await _pair(session)
    portfolio = await _portfolio(session, user)
    async with session.begin_nested():
        session.add(Balance(portfolio_id=portfolio.id, asset="USDT", free=Decimal("-1")))
        with pytest.raises(IntegrityError, match="free_not_negative"):
            await session.flush()
    async with session.begin_nested():
        session.add(Order(user_id=user.id, portfolio_id=portfolio.id, trading_pair_id=pair.id, client_order_id="c4",
                          type=OrderType.MARKET, side=OrderSide.BUY, amount=Decimal("1"), source="martian"))
        with pytest.raises(IntegrityError, match="source_known"):
            await session.flush()
    async with session.begin_nested():
        session.add(TelegramMessage(direction="up", chat_id=1))
        with pytest.raises(IntegrityError, match="direction_in_or_out"):
            await session.flush()


async def test_price_alert_needs_a_level_that_matches_its_condition(session):
    tg = TelegramUser(telegram_id=7)
    session.add(tg)
    await session.flush()
    session.add(PriceAlert(telegram_user_id=tg.id, symbol="SOL/USDT", condition="below", target_price=Decimal("120")))
    await session.flush()
    async with session.begin_nested():
        session.add(PriceAlert(telegram_user_id=tg.id, symbol="SOL/USDT", condition="above"))
        with pytest.raises(IntegrityError, match="level_matches_condition"):
            await session.flush()


async def test_notification_dedup_key_prevents_a_second_copy(session):
    tg = TelegramUser(telegram_id=8)
    session.add(tg)
    await session.flush()
    session.add(Notification(telegram_user_id=tg.id, notification_type="order_fill", dedup_key="fill:abc"))
    await session.flush()
    await session.refresh(tg)
    session.add(Notification(telegram_user_id=tg.id, notification_type="order_fill", dedup_key="fill:abc"))
    with pytest.raises(IntegrityError, match="dedup_key"):
        await session.flush()
