"""Each alert kind fires once, at the right moment, on a market the test moves (real PostgreSQL,
real Redis streams for ticks); repeating alerts honour their cooldown and re-arm margin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import Notification, PriceAlert, TelegramUser
from db.repositories.alerts import AlertOwner
from domain.enums import AlertCondition
from domain.services import indicators as ta
from domain.services.alerts import Repetition
from tests.alerts.market import Clock, HandMarket, build, tick

D = Decimal


@pytest.fixture
async def owner(uow_factory) -> AlertOwner:
    async with uow_factory() as uow:
        tg = TelegramUser(telegram_id=777, chat_id=777)
        uow.session.add(tg)
        await uow.commit()
        return AlertOwner(tg.id, None)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def market(clock) -> HandMarket:
    market = HandMarket(clock)
    market.now.update({"BTC/USDT": D("100"), "ETH/USDT": D("100")})
    return market


async def _notes(uow_factory) -> list[dict]:
    """The payloads of the queued notifications, oldest first."""
    async with uow_factory() as uow:
        rows = await uow.session.scalars(select(Notification).order_by(Notification.created_at))
        return [dict(n.payload) for n in rows]


async def test_price_levels_fire_once_when_crossed(uow_factory, redis_client, owner, market, clock):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    async with uow_factory() as uow:
        await service.create(uow, owner, "BTC/USDT", condition=AlertCondition.ABOVE, target_price=D("110"))
        await service.create(uow, owner, "BTC/USDT", condition=AlertCondition.BELOW, target_price=D("90"))
    assert await tick(evaluator, updates, "BTC/USDT", D("109.99")) == []
    [up] = await tick(evaluator, updates, "BTC/USDT", D("110"))
    assert up.alert.target_price == D("110") and up.price == D("110")
    assert await tick(evaluator, updates, "BTC/USDT", D("120")) == []
    [down] = await tick(evaluator, updates, "BTC/USDT", D("85"))
    assert down.alert.condition is AlertCondition.BELOW
    assert await tick(evaluator, updates, "BTC/USDT", D("80")) == []
    assert [n["target_price"] for n in await _notes(uow_factory)] == ["110.00000000", "90.00000000"]


async def test_a_repeating_alert_re_arms_past_its_margin_and_respects_its_cooldown(
        uow_factory, redis_client, owner, market, clock):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    async with uow_factory() as uow:
        await service.create(uow, owner, "BTC/USDT", condition=AlertCondition.ABOVE, target_price=D("100.5"),
                             repetition=Repetition(repeat=True, cooldown=timedelta(minutes=10),
                                                   hysteresis_percent=D("2")))
    assert len(await tick(evaluator, updates, "BTC/USDT", D("101"))) == 1
    assert await tick(evaluator, updates, "BTC/USDT", D("99")) == []  # back, but not 2 % back: still disarmed
    assert await tick(evaluator, updates, "BTC/USDT", D("101")) == []
    assert await tick(evaluator, updates, "BTC/USDT", D("98.4")) == []  # re-armed (<= 98.49)
    clock.now += timedelta(minutes=5)
    assert await tick(evaluator, updates, "BTC/USDT", D("101")) == []  # armed, but cooling down
    clock.now += timedelta(minutes=6)
    assert len(await tick(evaluator, updates, "BTC/USDT", D("101.5"))) == 1
    async with uow_factory() as uow:
        alert = await uow.session.scalar(select(PriceAlert))
        assert (alert.is_active, alert.armed, alert.trigger_count) == (True, False, 2)
    assert len(await _notes(uow_factory)) == 2


async def test_an_expired_alert_never_fires(uow_factory, redis_client, owner, market, clock):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    async with uow_factory() as uow:
        await service.create(uow, owner, "BTC/USDT", target_price=D("110"),
                             repetition=Repetition(expires_at=clock.now + timedelta(hours=1)))
    clock.now += timedelta(hours=2)
    assert await tick(evaluator, updates, "BTC/USDT", D("111")) == []
    async with uow_factory() as uow:
        assert (await uow.session.scalar(select(PriceAlert))).is_active is False
    assert await _notes(uow_factory) == []


async def test_a_percent_move_fires_once_per_window(uow_factory, redis_client, owner, market, clock):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    async with uow_factory() as uow:
        await service.create(uow, owner, "ETH/USDT", percent_change=D("5"), window="1h")
    assert await tick(evaluator, updates, "ETH/USDT", D("104")) == []
    [move] = await tick(evaluator, updates, "ETH/USDT", D("105.5"))
    assert move.change_percent == D("5.5")
    assert await tick(evaluator, updates, "ETH/USDT", D("107")) == []


async def _run_candles(evaluator, market, symbol, timeframe, closes) -> list[int]:
    """Close the candles one by one; the indexes (into the whole history) at which something fired."""
    fired_at = []
    for close in closes:
        market.close_candle(symbol, timeframe, close)
        if await evaluator.process_candles():
            fired_at.append(len(market.closes[(symbol, timeframe)]) - 1)
    return fired_at


def _first(indexes, start) -> int:
    return next(i for i in indexes if i >= start)


async def test_rsi_below_fires_once_on_the_closing_candle_that_crosses(uow_factory, redis_client, owner, market, clock):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    history = [D(100) + (D(1) if i % 2 else D(-1)) for i in range(60)]  # sideways: RSI about 50
    market.closes[("ETH/USDT", "1h")] = list(history)
    async with uow_factory() as uow:
        created = await service.create(uow, owner, "ETH/USDT", condition=AlertCondition.BELOW, target_price=D("30"),
                                       indicator="rsi", timeframe="1h")
    assert 40 < created.indicator_value < 60
    falling = [D(99) - D(1) * i for i in range(15)]
    fired = await _run_candles(evaluator, market, "ETH/USDT", "1h", falling)
    rsi = ta.rsi(market.closes[("ETH/USDT", "1h")], 14)
    expected = _first([i for i, v in enumerate(rsi) if v <= 30], len(history))  # NaN (warming up) compares False
    assert fired == [expected]
    [note] = await _notes(uow_factory)
    assert note["indicator"] == "rsi" and D(note["indicator_value"]) <= 30


@pytest.mark.parametrize("indicator, condition, period", [
    ("macd", AlertCondition.ABOVE, None),
    ("ema", AlertCondition.ABOVE, 20),
    ("sma", AlertCondition.BELOW, 20),
    ("bollinger", AlertCondition.ABOVE, 20),
])
async def test_crossing_alerts_fire_once_on_the_candle_of_the_cross(
        uow_factory, redis_client, owner, market, clock, indicator, condition, period):
    service, evaluator, updates = build(uow_factory, redis_client, market, clock)
    if condition is AlertCondition.ABOVE and indicator != "bollinger":  # a fall, then a recovery
        history = [D(200) - D(1) * i for i in range(60)]
        moves = [D(141) + D(3) * i for i in range(25)]
    elif indicator == "bollinger":  # quiet, then a breakout
        history = [D(100) + (D("0.5") if i % 2 else D("-0.5")) for i in range(60)]
        moves = [D(100), D("100.4"), D(104), D(106), D(108)]
    else:  # a rise, then a fall
        history = [D(100) + D(1) * i for i in range(60)]
        moves = [D(158) - D(3) * i for i in range(20)]
    market.closes[("BTC/USDT", "4h")] = list(history)
    async with uow_factory() as uow:
        await service.create(uow, owner, "BTC/USDT", condition=condition, indicator=indicator, timeframe="4h",
                             indicator_period=period)
    fired = await _run_candles(evaluator, market, "BTC/USDT", "4h", moves)
    closes = [float(c) for c in market.closes[("BTC/USDT", "4h")]]
    if indicator == "macd":
        line, signal, _ = ta.macd(closes)
        crosses = [i for i in range(1, len(closes)) if line[i - 1] <= signal[i - 1] and line[i] > signal[i]]
    elif indicator == "bollinger":
        _, upper, _ = ta.bollinger(closes, 20)
        crosses = [i for i in range(1, len(closes)) if closes[i - 1] <= upper[i - 1] and closes[i] > upper[i]]
    else:
        average = (ta.ema if indicator == "ema" else ta.sma)(closes, 20)
        crosses = [i for i in range(1, len(closes)) if (
            (closes[i - 1] <= average[i - 1] and closes[i] > average[i]) if condition is AlertCondition.ABOVE
            else (closes[i - 1] >= average[i - 1] and closes[i] < average[i]))]  # NaN (warming up) compares False
    assert fired == [_first(crosses, len(history))]
    assert len(await _notes(uow_factory)) == 1
