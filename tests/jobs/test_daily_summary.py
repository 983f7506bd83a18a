"""The morning summary: queued at each user's summary hour (08:00 unless chosen) in their timezone, once per day."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.daily_summary import DailySummaryJob
from bot.render.notifications import render
from db.models import Notification, TelegramUser, User
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import build_trading_services
from domain.enums import TelegramUserStatus

# 23:30 UTC is 08:30 the next day in Tokyo (UTC+9), and 23:30 in London in winter.
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


async def _user(session_factory, telegram_id: int, timezone: str, *, summary_on: bool = True, portfolio=True,
                trading=None, summary_hour: int = 8):
    async with session_factory() as session:
        user = User(username=f"tg_{telegram_id}")
        session.add(user)
        await session.flush()
        prefs = {"price_alerts": True, "signal_updates": True, "order_fills": True, "daily_summary": summary_on}
        session.add(TelegramUser(telegram_id=telegram_id, chat_id=telegram_id, user_id=user.id, timezone=timezone,
                                 status=TelegramUserStatus.ACTIVE, notification_types=prefs,
                                 summary_hour=summary_hour))
        await session.commit()
    if portfolio:
        async with TradingUnitOfWork(session_factory) as uow:
            await trading.portfolios.ensure_default(uow, user.id)
            await uow.commit()


async def test_summaries_are_queued_at_eight_local_time_once_a_day(session_factory, redis_client):
    trading = build_trading_services(session_factory=session_factory, redis=redis_client)
    await _user(session_factory, 1, "Asia/Tokyo", trading=trading)
    await _user(session_factory, 2, "Europe/London", trading=trading)  # 23:30 there: not yet
    await _user(session_factory, 3, "Asia/Tokyo", summary_on=False, trading=trading)
    await _user(session_factory, 4, "Asia/Tokyo", portfolio=False, trading=trading)
    job = DailySummaryJob(lambda: TradingUnitOfWork(session_factory), trading, clock=lambda: NOW)

    assert await job.run() == 1
    assert await job.run() == 0  # the same morning is never queued twice

    async with session_factory() as session:
        [note] = (await session.scalars(select(Notification))).all()
    text = render(note.notification_type, note.payload)
    assert "Good morning" in text and "Thursday 26 November" in text
    assert "Portfolio" in text and "10,000" in text and "Active alerts: 0" in text
    await trading.close()


async def test_each_user_gets_the_summary_at_the_hour_they_chose(session_factory, redis_client):
    trading = build_trading_services(session_factory=session_factory, redis=redis_client)
    await _user(session_factory, 1, "Asia/Tokyo", trading=trading, summary_hour=9)  # 08:30 there: not yet
    await _user(session_factory, 2, "Europe/London", trading=trading, summary_hour=23)  # 23:30 there: now
    job = DailySummaryJob(lambda: TradingUnitOfWork(session_factory), trading, clock=lambda: NOW)
    assert await job.run() == 1
    async with session_factory() as session:
        [note] = (await session.scalars(select(Notification))).all()
        chat = await session.scalar(select(TelegramUser.telegram_id).where(TelegramUser.id == note.telegram_user_id))
    assert chat == 2
    await trading.close()
