"""Housekeeping on the real database: old message logs archived, counters reset, delivered
notifications pruned, expired alerts retired; recent rows untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from bot.housekeeping import Housekeeping
from db.models import Notification, PriceAlert, TelegramMessage, TelegramMessageArchive, TelegramUser


async def test_housekeeping_archives_resets_prunes_and_retires(uow_factory):
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        user = TelegramUser(telegram_id=31, chat_id=31, daily_message_count=7, daily_command_count=3,
                            rate_limit_reset_at=now - timedelta(hours=1))
        busy = TelegramUser(telegram_id=32, chat_id=32, daily_message_count=4,
                            rate_limit_reset_at=now + timedelta(hours=5))
        uow.session.add_all([user, busy])
        await uow.flush()
        uow.session.add_all([
            TelegramMessage(telegram_user_id=user.id, direction="in", chat_id=31, text="old",
                            created_at=now - timedelta(days=40)),
            TelegramMessage(telegram_user_id=user.id, direction="out", chat_id=31, text="recent",
                            created_at=now - timedelta(days=2)),
            PriceAlert(telegram_user_id=user.id, symbol="BTC/USDT", condition="above", target_price=Decimal(1),
                       expires_at=now - timedelta(minutes=1)),
            PriceAlert(telegram_user_id=user.id, symbol="BTC/USDT", condition="above", target_price=Decimal(2)),
        ])
        for status, age in (("sent", 20), ("sent", 1), ("pending", 20)):
            uow.session.add(Notification(telegram_user_id=user.id, notification_type="system",
                                         payload={"text": f"{status}-{age}"}, status=status))
        await uow.flush()
        await uow.session.execute(update(Notification).where(Notification.payload["text"].astext.in_(["sent-20", "pending-20"]))
                                  .values(updated_at=now - timedelta(days=20)))
        await uow.commit()

    housekeeping = Housekeeping(uow_factory, archive_messages_after=timedelta(days=30),
                                prune_notifications_after=timedelta(days=14))
    assert await housekeeping.run() == 4
    assert housekeeping.last == {
        "alerts_expired": 1, "counters_reset": 1, "messages_archived": 1, "notifications_pruned": 1}
    async with uow_factory() as uow:
        assert [m.text for m in await uow.session.scalars(select(TelegramMessage))] == ["recent"]
        [archived] = (await uow.session.scalars(select(TelegramMessageArchive))).all()
        assert archived.text == "old" and archived.chat_id == 31
        counts = dict((await uow.session.execute(
            select(TelegramUser.telegram_id, TelegramUser.daily_message_count))).all())
        assert counts == {31: 0, 32: 4}
        kept = {n.payload["text"] for n in await uow.session.scalars(select(Notification))}
        assert kept == {"sent-1", "pending-20"}  # recent deliveries and anything undelivered stay
        active = list(await uow.session.scalars(select(PriceAlert.target_price).where(PriceAlert.is_active)))
        assert active == [Decimal(2)]
    # A second run finds nothing more to do.
    assert await housekeeping.run() == 0
