"""The alert index proposes exactly the alerts a value reached, and follows their state."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.alert_index import AlertIndex
from domain.alerts import Alert, AlertKind, Indicator, level_reached, rearmed
from domain.enums import AlertCondition

D = Decimal


def _level(symbol: str, condition: AlertCondition, target: str, **fields) -> Alert:
    return Alert(uuid.uuid4(), symbol, condition, D(target), **fields)


def test_a_price_finds_exactly_the_levels_it_reached_as_a_scan_would():
    rng = random.Random(3)
    alerts = [_level("BTC/USDT", rng.choice(list(AlertCondition)[:2]), f"{rng.randint(900, 1100)}.{rng.randint(0, 99)}")
              for _ in range(2000)]
    index = AlertIndex()
    index.put_all(alerts)
    for price in (D("899"), D("1000.00"), D("1000.01"), D("1100.99"), D("950.5")):
        expected = {a.id for a in alerts if level_reached(a, price)}
        found = index.price_reached("BTC/USDT", price)
        assert set(found) == expected and len(found) == len(expected)
    assert index.price_reached("ETH/USDT", D("1")) == []


def test_a_fired_repeating_alert_is_watched_at_its_re_arm_level_and_a_one_shot_is_dropped():
    index = AlertIndex()
    repeating = _level("BTC/USDT", AlertCondition.ABOVE, "100", repeat=True, hysteresis_percent=D("2"))
    once = _level("BTC/USDT", AlertCondition.ABOVE, "100")
    index.put_all([repeating, once])
    assert set(index.price_reached("BTC/USDT", D("100"))) == {repeating.id, once.id}
    index.put(dataclasses.replace(repeating, armed=False))
    index.put(dataclasses.replace(once, is_active=False))
    assert index.price_reached("BTC/USDT", D("101")) == []
    assert index.price_reached("BTC/USDT", D("98.5")) == []
    assert index.price_reached("BTC/USDT", D("98")) == [repeating.id]
    assert rearmed(dataclasses.replace(repeating, armed=False), D("98"))
    assert len(index) == 1 and once.id not in index


def test_moves_propose_thresholds_reached_and_alerts_younger_than_the_window():
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    index = AlertIndex()
    small = Alert(uuid.uuid4(), "ETH/USDT", AlertCondition.PERCENT_CHANGE, percent_change=D(2), window="1h",
                  kind=AlertKind.MOVE, created_at=now - timedelta(days=1))
    large = dataclasses.replace(small, id=uuid.uuid4(), percent_change=D(10))
    young = dataclasses.replace(small, id=uuid.uuid4(), percent_change=D(10), created_at=now - timedelta(minutes=5))
    index.put_all([small, large, young])
    assert index.move_windows("ETH/USDT") == ["1h"]
    found = index.move_candidates("ETH/USDT", "1h", D("-3"), now - timedelta(hours=1))
    assert set(found) == {small.id, young.id}


def test_indicator_alerts_group_by_series():
    index = AlertIndex()
    rsi = Alert(uuid.uuid4(), "ETH/USDT", AlertCondition.BELOW, D(30), kind=AlertKind.INDICATOR,
                indicator=Indicator.RSI, timeframe="1h")
    macd = Alert(uuid.uuid4(), "ETH/USDT", AlertCondition.ABOVE, kind=AlertKind.INDICATOR,
                 indicator=Indicator.MACD, timeframe="4h")
    index.put_all([rsi, macd])
    assert index.indicator_series() == {("ETH/USDT", "1h", "rsi", 14), ("ETH/USDT", "4h", "macd", 26)}
    assert index.indicator_reached(("ETH/USDT", "1h", "rsi", 14), D("31")) == []
    assert index.indicator_reached(("ETH/USDT", "1h", "rsi", 14), D("29.9")) == [rsi.id]
    assert index.event_alerts(("ETH/USDT", "4h", "macd", 26), "above") == [macd.id]
    assert index.event_alerts(("ETH/USDT", "4h", "macd", 26), "below") == []
    assert index.symbols() == set()  # no price alerts: no ticks wanted
