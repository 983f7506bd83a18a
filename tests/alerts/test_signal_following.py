"""Following a forwarded signal: targets and stop reached by price, channel follow-ups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import Notification, TelegramUser, TradingPair, TradingSignal, User
from db.repositories.signals import SignalOwner
from domain.enums import OrderSide
from domain.signals import SignalEventKind, TradeSignal, pnl_percent, progress
from domain.services.signals import InvalidSignal, SignalNotFound, SignalService

LONG = {
    "symbol": "BTC/USDT", "side": "buy", "entries": [61500, 61000], "take_profits": [62500, 63500, 65000],
    "stop_loss": 60200, "leverage": 10,
}


@pytest.fixture
async def owner(uow_factory) -> SignalOwner:
    async with uow_factory() as uow:
        user = User(username="tg_1")
        uow.session.add(user)
        await uow.session.flush()
        tg = TelegramUser(telegram_id=1, chat_id=1, user_id=user.id)
        uow.session.add(tg)
        await uow.commit()
        return SignalOwner(tg.id, user.id)


def test_progress_counts_new_targets_and_stops_for_both_sides():
    long = TradeSignal.from_entities(LONG)
    assert long.entries == (Decimal(61000), Decimal(61500))
    assert [e.target_index for e in progress(long, 0, Decimal("63600"))] == [1, 2]
    assert [e.target_index for e in progress(long, 2, Decimal("63600"))] == []
    assert progress(long, 1, Decimal("60100"))[0].kind is SignalEventKind.STOP_HIT
    short = TradeSignal(symbol="ETH/USDT", side=OrderSide.SELL, entries=(Decimal(3000),),
                        take_profits=(Decimal(2900), Decimal(2800)), stop_loss=Decimal(3100))
    assert [e.target_index for e in progress(short, 0, Decimal("2850"))] == [1]
    assert progress(short, 0, Decimal("3150"))[0].kind is SignalEventKind.STOP_HIT
    # 10x long from an average entry of 61250 to 62500: +2.04 % move, +20.4 % with leverage
    assert round(pnl_percent(long, Decimal("62500")), 1) == Decimal("20.4")


async def test_price_ticks_announce_each_target_once_and_stop_following_at_the_end(uow_factory, owner):
    service = SignalService()
    async with uow_factory() as uow:
        followed = await service.follow(uow, owner, LONG, raw_text="BTC/USDT LONG ...", source_name="Alpha Calls",
                                        confidence=0.97)
    async with uow_factory() as uow:
        assert [e.target_index for _, e in await service.check(uow, "BTC/USDT", Decimal("62600"))] == [1]
    async with uow_factory() as uow:
        assert await service.check(uow, "BTC/USDT", Decimal("62700")) == []
    async with uow_factory() as uow:
        assert [e.target_index for _, e in await service.check(uow, "BTC/USDT", Decimal("65100"))] == [2, 3]
    async with uow_factory() as uow:
        row = await uow.session.get(TradingSignal, followed.id)
        assert (row.targets_hit, row.outcome, row.is_active) == (3, "all_targets", False)
        # The design's columns: the move from the average entry (61,250) to 65,100 in percent,
        # the setup's reward share to TP1 against the stop, the parse confidence, and the pair.
        assert (row.actual_outcome, row.strength, row.confidence) == (Decimal("6.2857"), Decimal("0.54"), Decimal("0.97"))
        pair = await uow.session.get(TradingPair, row.trading_pair_id)
        assert (pair.symbol, pair.exchange) == ("BTC/USDT", "paper")
        notes = (await uow.session.scalars(select(Notification).order_by(Notification.created_at))).all()
        assert [n.payload["target_index"] for n in notes] == [1, 2, 3]
        assert notes[0].payload["source_name"] == "Alpha Calls"


async def test_channel_follow_ups_move_the_stop_and_close(uow_factory, owner):
    service = SignalService()
    async with uow_factory() as uow:
        followed = await service.follow(uow, owner, LONG)
    async with uow_factory() as uow:
        result = await service.apply_update(uow, owner, "BTC/USDT", {"update": "move_sl", "to_breakeven": True})
        assert "61250" in result.message
    async with uow_factory() as uow:
        assert (await uow.session.get(TradingSignal, followed.id)).stop_loss_price == Decimal("61250")
        await service.apply_update(uow, owner, "BTC/USDT", {"update": "tp_hit", "target_index": 2})
    async with uow_factory() as uow:
        assert (await uow.session.get(TradingSignal, followed.id)).targets_hit == 2
        await service.apply_update(uow, owner, "BTC/USDT", {"update": "close"})
    async with uow_factory() as uow:
        with pytest.raises(SignalNotFound):
            await service.apply_update(uow, owner, "BTC/USDT", {"update": "sl_hit"})


async def test_a_post_without_direction_is_not_followed(uow_factory, owner):
    async with uow_factory() as uow:
        with pytest.raises(InvalidSignal):
            await SignalService().follow(uow, owner, {"symbol": "BTC/USDT", "take_profits": [1]})
