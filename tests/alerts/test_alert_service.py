"""Alerts against the real database: creation rules, listing/deleting, firing exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.alert_evaluator import AlertEvaluator
from db.market_updates import MarketUpdates
from db.models import Notification, PriceAlert, TelegramUser
from db.repositories.alerts import AlertOwner
from domain.enums import AlertCondition
from domain.services.alerts import AlertLimitReached, AlertNotFound, AlertService, InvalidAlert, short_id
from tests.alerts.market import tick


class PriceTable:
    """Prices the test sets by hand: the alert service only needs these two questions answered."""

    def __init__(self) -> None:
        self.now: dict[str, Decimal] = {}
        self.history: dict[tuple[str, datetime], Decimal] = {}

    async def current_price(self, symbol: str) -> Decimal:
        return self.now[symbol]

    async def price_at(self, symbol: str, when: datetime) -> Decimal | None:
        earlier = [(t, p) for (s, t), p in self.history.items() if s == symbol and t <= when]
        return max(earlier)[1] if earlier else None


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def owner(uow_factory) -> AlertOwner:
    async with uow_factory() as uow:
        tg = TelegramUser(telegram_id=555, chat_id=555)
        uow.session.add(tg)
        await uow.commit()
        return AlertOwner(tg.id, None)


@pytest.fixture
def prices() -> PriceTable:
    table = PriceTable()
    table.now.update({"BTC/USDT": Decimal("60000"), "SOL/USDT": Decimal("130"), "ETH/USDT": Decimal("3000")})
    return table


async def test_a_level_without_direction_takes_it_from_the_current_price(uow_factory, owner, prices):
    service = AlertService(prices)
    async with uow_factory() as uow:
        up = await service.create(uow, owner, "BTC/USDT", target_price=Decimal("70000"))
        down = await service.create(uow, owner, "SOL/USDT", target_price=Decimal("120"))
    assert up.alert.condition is AlertCondition.ABOVE and up.current_price == Decimal("60000")
    assert down.alert.condition is AlertCondition.BELOW


async def test_an_alert_that_would_fire_at_once_is_refused(uow_factory, owner, prices):
    async with uow_factory() as uow:
        with pytest.raises(InvalidAlert, match="already below"):
            await AlertService(prices).create(
                uow, owner, "SOL/USDT", condition=AlertCondition.BELOW, target_price=Decimal("140")
            )


async def test_levels_fire_once_and_queue_one_notification(uow_factory, redis_client, owner, prices):
    service = AlertService(prices)
    evaluator = AlertEvaluator(uow_factory, service, updates := MarketUpdates(redis_client, "alerts", "t"))
    async with uow_factory() as uow:
        await service.create(uow, owner, "SOL/USDT", condition=AlertCondition.BELOW, target_price=Decimal("120"))
    assert await tick(evaluator, updates, "SOL/USDT", Decimal("121")) == []
    [trigger] = await tick(evaluator, updates, "SOL/USDT", Decimal("119.5"))
    assert trigger.price == Decimal("119.5")
    assert await tick(evaluator, updates, "SOL/USDT", Decimal("110")) == []  # already fired
    async with uow_factory() as uow:
        alert = await uow.session.scalar(select(PriceAlert))
        assert alert.is_active is False and alert.triggered_price == Decimal("119.5")
        [note] = (await uow.session.scalars(select(Notification))).all()
        assert note.notification_type == "price_alert"
        assert note.payload["symbol"] == "SOL/USDT" and note.payload["price"] == "119.5"


async def test_move_alerts_compare_with_the_window_start_and_cool_down(uow_factory, redis_client, owner, prices):
    clock = Clock()
    service = AlertService(prices, clock=clock)
    updates = MarketUpdates(redis_client, "alerts", "t")
    evaluator = AlertEvaluator(uow_factory, service, updates, clock=clock)
    async with uow_factory() as uow:
        await service.create(uow, owner, "ETH/USDT", percent_change=Decimal("5"), window="1h")
    clock.now += timedelta(hours=2)  # the window now starts after the alert was set
    prices.history[("ETH/USDT", clock.now - timedelta(hours=1, minutes=1))] = Decimal("3000")
    assert await tick(evaluator, updates, "ETH/USDT", Decimal("3100")) == []  # +3.3 %
    [trigger] = await tick(evaluator, updates, "ETH/USDT", Decimal("2840"))  # -5.3 %
    assert trigger.change_percent < -5 and trigger.window_start_price == Decimal("3000")
    clock.now += timedelta(minutes=30)
    assert await tick(evaluator, updates, "ETH/USDT", Decimal("2700")) == []  # cooling down for one window


async def test_list_and_delete_by_short_id_position_or_symbol(uow_factory, owner, prices):
    service = AlertService(prices)
    async with uow_factory() as uow:
        first = (await service.create(uow, owner, "BTC/USDT", target_price=Decimal("70000"))).alert
        await service.create(uow, owner, "BTC/USDT", target_price=Decimal("50000"))
        await service.create(uow, owner, "SOL/USDT", target_price=Decimal("200"))
    async with uow_factory() as uow:
        assert [a.symbol for a in await service.list(uow, owner)] == ["BTC/USDT", "BTC/USDT", "SOL/USDT"]
        [deleted] = await service.delete(uow, owner, alert_ref=short_id(first.id))
        assert deleted.id == first.id
    async with uow_factory() as uow:
        [deleted] = await service.delete(uow, owner, alert_ref="2")  # second in the list: SOL
        assert deleted.symbol == "SOL/USDT"
    async with uow_factory() as uow:
        assert len(await service.delete(uow, owner, symbol="BTC/USDT")) == 1
    async with uow_factory() as uow:
        with pytest.raises(AlertNotFound):
            await service.delete(uow, owner, alert_ref="zzzz")


async def test_a_user_has_a_bounded_number_of_alerts(uow_factory, owner, prices):
    service = AlertService(prices, max_active_per_user=1)
    async with uow_factory() as uow:
        await service.create(uow, owner, "BTC/USDT", target_price=Decimal("70000"))
        with pytest.raises(AlertLimitReached):
            await service.create(uow, owner, "BTC/USDT", target_price=Decimal("80000"))
