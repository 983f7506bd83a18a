"""The signal service on the real PostgreSQL: execute, tick, follow-ups, statistics."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from db.models import Balance, Notification, Order, Position, Trade, TradingSignal
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import AlreadyConfirmed
from domain.services.signals import UserSignalSettings
from domain.signal_trade import ExecutionSettings
from domain.signals import TrackingRules
from tests.signals.conftest import make_owner

D = Decimal
LONG = {"symbol": "BTC/USDT", "side": "buy", "entries": [61000, 61500], "take_profits": [62500, 63500, 65000],
        "stop_loss": 60200, "leverage": 10}


@pytest.fixture
def uow(session_factory):
    return lambda: TradingUnitOfWork(session_factory)


async def _tick(service, uow, market, symbol, price):
    market.move(symbol, price)
    async with uow() as unit:
        return [e.kind.value + (str(e.target_index) if e.target_index else "")
                for _, e in await service.on_price(unit, symbol, D(price))]


async def test_far_from_entry_nothing_fires_then_expiry_alone(session_factory, uow, market, signal_service):
    owner = await make_owner(session_factory)
    async with uow() as unit:
        followed = await signal_service.follow(unit, owner, LONG, source_name="@alpha")
    # The reported bug: followed near 99,600, targets were announced though the entry never came.
    assert await _tick(signal_service, uow, market, "BTC/USDT", "99600") == []
    market.now += timedelta(hours=48)
    assert await _tick(signal_service, uow, market, "BTC/USDT", "99000") == ["expired"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "61000") == []
    async with uow() as unit:
        row = await unit.session.get(TradingSignal, followed.id)
        notes = (await unit.session.scalars(select(Notification))).all()
        assert (row.state, row.is_active, row.expired_at is not None) == ("expired", False, True)
        assert [n.payload["event"] for n in notes] == ["expired"]


async def test_executed_long_with_split_moves_stop_after_tp1_and_stops_at_entry(session_factory, uow, market,
                                                                                 signal_service):
    owner = await make_owner(session_factory)
    async with uow() as unit:
        await signal_service.save_settings(unit, owner.user_id, UserSignalSettings(
            ExecutionSettings(margin_per_trade=D(100), target_split=(D(50), D(30), D(20))), TrackingRules(True)))
    async with uow() as unit:
        result = await signal_service.execute(unit, owner, LONG, token="tok1", source_name="@alpha")
    assert result.trade.leverage == 10 and not result.fills
    async with uow() as unit:
        with pytest.raises(AlreadyConfirmed):  # the same card tapped again
            await signal_service.execute(unit, owner, LONG, token="tok1", source_name="@alpha")
    assert await _tick(signal_service, uow, market, "BTC/USDT", "61450") == ["entered"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "62500") == ["tp_hit1"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "62500") == []
    assert await _tick(signal_service, uow, market, "BTC/USDT", "63600") == ["tp_hit2"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "61500") == ["sl_hit"]
    async with uow() as unit:
        signal = (await unit.session.scalars(select(TradingSignal))).one()
        orders = (await unit.session.scalars(select(Order).order_by(Order.client_order_id))).all()
        position = (await unit.session.scalars(select(Position))).one()
        fills = (await unit.session.scalars(select(Trade))).all()
        usdt = (await unit.session.scalars(select(Balance).where(Balance.portfolio_id == position.portfolio_id, Balance.asset == "USDT"))).one()
        notes = (await unit.session.scalars(select(Notification).order_by(Notification.created_at))).all()
        unit.session.expunge_all()
    assert {o.source for o in orders} == {"signal"} and {o.signal_id for o in orders} == {signal.id}
    assert {o.client_order_id: o.status.value for o in orders} == {
        "sig-tok1-entry1": "filled", "sig-tok1-stop1": "filled", "sig-tok1-tp1": "filled", "sig-tok1-tp2": "filled",
        "sig-tok1-tp3": "cancelled"}
    # 100 USDT margin x 10 = 1,000 notional at 61,500: 0.01626 BTC; TP1 50 % = 0.00813, TP2 30 % = 0.00487.
    assert [f.quantity for f in sorted(fills, key=lambda f: f.executed_at)] == [
        D("0.01626"), D("0.00813"), D("0.00487"), D("0.00326")]
    assert (signal.state, signal.outcome, signal.targets_hit) == ("closed", "breakeven", 2)
    assert signal.executed_at is not None and signal.accuracy_score == D("0.67") and signal.actual_outcome == D(0)
    assert (position.status.value, position.market_type, position.margin_mode, position.leverage) == (
        "closed", "futures", "isolated", D(10))
    # Profit: 0.00813 x 1,000 + 0.00487 x 2,000 = 17.87; maker fees on the entry and TPs
    # (0.02 %: 0.199998, 0.101625, 0.061849), taker on the stop (0.05 % of 0.00326 x 61,500 = 0.100245).
    assert position.realized_pnl == D("17.87") - D("0.199998") - D("0.101625") - D("0.061849") - D("0.100245")
    assert (usdt.free, usdt.locked) == (D(10000) + position.realized_pnl, D(0))
    assert [n.payload["event"] for n in notes] == ["entered", "tp_hit", "tp_hit", "sl_hit"]
    assert notes[1].payload["new_stop"] == "61500" and notes[1].payload["leveraged_percent"] == "16.26"
    async with uow() as unit:  # every leg's changes are audited, like a paper order's
        audited = (await unit.session.execute(text(
            "select action, details->>'client_order_id', details->>'source' from audit_logs "
            "where entity_type = 'order' order by created_at, action"))).all()
    assert sorted((action, client_id) for action, client_id, _ in audited) == sorted(
        [("order.created", f"sig-tok1-{leg}") for leg in ("entry1", "tp1", "tp2", "tp3", "stop1")]
        + [("order.filled", f"sig-tok1-{leg}") for leg in ("entry1", "tp1", "tp2", "stop1")]
        + [("order.cancelled", "sig-tok1-tp3")])
    assert {source for _, _, source in audited} == {"signal"}


async def test_channel_close_closes_the_short_and_stats_count_it(session_factory, uow, market, signal_service):
    owner = await make_owner(session_factory)
    short = {"symbol": "ETH/USDT", "side": "sell", "entries": [3000, 3020], "take_profits": [2900, 2800, 2700],
             "stop_loss": 3100, "leverage": 5}
    async with uow() as unit:
        await signal_service.execute(unit, owner, short, token="tok2", source_name="@beta")
    assert await _tick(signal_service, uow, market, "ETH/USDT", "3010") == ["entered"]
    assert await _tick(signal_service, uow, market, "ETH/USDT", "2895") == ["tp_hit1"]
    market.move("ETH/USDT", "2950")
    async with uow() as unit:
        result = await signal_service.apply_update(unit, owner, "ETH/USDT", {"update": "close"}, source_name="@beta")
    assert "closed by the channel" in str(result.message) and str(result.changes[0]).startswith("closed")
    async with uow() as unit:
        position = (await unit.session.scalars(select(Position))).one()
        assert position.status.value == "closed" and position.remaining_size == 0
        [stats] = await signal_service.channel_stats(unit, owner)
    assert (stats.source, stats.signals, stats.entered, stats.tp1, stats.all_targets) == ("@beta", 1, 1, 1, 0)


async def test_spot_signal_buys_the_coin_and_sells_it_at_each_target(session_factory, uow, market, signal_service):
    owner = await make_owner(session_factory)
    spot = {"symbol": "BTC/USDT", "side": "buy", "entries": [61500], "take_profits": [62500, 63500], "stop_loss": 60000}
    async with uow() as unit:
        result = await signal_service.execute(unit, owner, spot, token="tok3")
    assert result.trade.market_type.value == "spot" and result.trade.leverage == 1
    assert await _tick(signal_service, uow, market, "BTC/USDT", "61500") == ["entered"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "62500") == ["tp_hit1"]
    assert await _tick(signal_service, uow, market, "BTC/USDT", "63500") == ["tp_hit2"]
    async with uow() as unit:
        position = (await unit.session.scalars(select(Position))).one()
        balances = {b.asset: b.free + b.locked for b in (await unit.session.scalars(
            select(Balance).where(Balance.portfolio_id == position.portfolio_id))).all()}
        assert (position.market_type, position.margin_mode, position.status.value) == ("spot", None, "closed")
        # 100 USDT buys 0.00162 BTC at 61,500 (the simulated market's 5 decimals); half sold at each target.
        assert balances["BTC"] == 0 and balances["USDT"] == D(10000) + position.realized_pnl
        assert position.realized_pnl > 0


async def test_follow_ups_can_wait_for_the_users_approval_and_a_user_close_ends_the_trade(
        session_factory, uow, market, signal_service):
    owner = await make_owner(session_factory)
    async with uow() as unit:
        await signal_service.save_settings(unit, owner.user_id, UserSignalSettings(ask_before_follow_ups=True))
    async with uow() as unit:
        executed = await signal_service.execute(unit, owner, LONG, token="tok4", source_name="@alpha")
    await _tick(signal_service, uow, market, "BTC/USDT", "61500")
    move = {"update": "move_sl", "to_breakeven": True}
    async with uow() as unit:
        asked = await signal_service.apply_update(unit, owner, "BTC/USDT", move, source_name="@alpha")
    assert asked.needs_confirmation and not asked.changes
    async with uow() as unit:
        applied = await signal_service.apply_update(unit, owner, "BTC/USDT", move, source_name="@alpha", confirmed=True)
    assert tuple(map(str, applied.changes)) == ("your stop order moved from 60,200 to 61,500",)
    async with uow() as unit:
        stop = await unit.session.scalar(select(Order).where(Order.client_order_id == "sig-tok4-stop1"))
        assert stop.stop_price == D(61500)
    market.move("BTC/USDT", "62000")
    async with uow() as unit:
        closed = await signal_service.close(unit, owner, executed.followed.id)
    assert str(closed.changes[0]).startswith("closed 0.01626 BTC") and "cancelled open orders: 4" in map(str, closed.changes)
    async with uow() as unit:
        views = await signal_service.list(unit, owner)
    assert views[0].followed.track.outcome == "closed" and views[0].trade.size == 0
