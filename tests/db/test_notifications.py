"""The outbound notification queue: dedup, claiming without double delivery, retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from db.models import Notification, TelegramUser
from db.repositories.notifications import NotificationRepository, retry_delay


async def _telegram_user(uow_factory, telegram_id: int, **flags) -> TelegramUser:
    async with uow_factory() as uow:
        user = TelegramUser(telegram_id=telegram_id, chat_id=telegram_id, **flags)
        uow.session.add(user)
        await uow.commit()
        return user


async def _enqueue(uow_factory, user, count=1, **kwargs) -> list[bool]:
    async with uow_factory() as uow:
        repo = uow.repo(NotificationRepository)
        results = [
            await repo.enqueue(user.id, "price_alert", {"text": f"alert {i}"}, **kwargs) for i in range(count)
        ]
        await uow.commit()
        return results


async def test_a_dedup_key_queues_a_message_once(uow_factory):
    user = await _telegram_user(uow_factory, 1)
    assert await _enqueue(uow_factory, user, count=2, dedup_key="alert:42:fired") == [True, False]
    async with uow_factory() as uow:
        assert len((await uow.session.execute(select(Notification))).all()) == 1


async def test_claims_skip_blocked_and_muted_users(uow_factory):
    reachable = await _telegram_user(uow_factory, 1)
    blocked = await _telegram_user(uow_factory, 2, is_bot_blocked=True)
    muted = await _telegram_user(uow_factory, 3, notifications_enabled=False)
    for user in (reachable, blocked, muted):
        await _enqueue(uow_factory, user)
    async with uow_factory() as uow:
        claimed = await uow.repo(NotificationRepository).claim_due("w")
        await uow.commit()
    assert [n.chat_id for n in claimed] == [1]
    assert claimed[0].payload == {"text": "alert 0"} and claimed[0].attempts == 1


async def test_two_workers_never_claim_the_same_notification(uow_factory):
    user = await _telegram_user(uow_factory, 1)
    await _enqueue(uow_factory, user, count=10)

    async def worker() -> set:
        async with uow_factory() as uow:
            claimed = await uow.repo(NotificationRepository).claim_due("w", limit=6)
            await asyncio.sleep(0.05)  # hold the row locks while the other worker claims
            await uow.commit()
            return {n.id for n in claimed}

    first, second = await asyncio.gather(worker(), worker())
    assert first.isdisjoint(second)
    assert len(first | second) == 10


async def test_failures_back_off_then_fail_for_good(uow_factory):
    user = await _telegram_user(uow_factory, 1)
    await _enqueue(uow_factory, user)
    async with uow_factory() as uow:
        await uow.session.execute(update(Notification).values(max_attempts=2))
        await uow.commit()

    for attempt, expected_status in ((1, "pending"), (2, "failed")):
        async with uow_factory() as uow:
            repo = uow.repo(NotificationRepository)
            [claimed] = await repo.claim_due("w", now=datetime.now(UTC) + timedelta(days=1))
            assert claimed.attempts == attempt
            await repo.mark_failed(claimed.id, "Telegram server says: Bad Gateway")
            await uow.commit()
        async with uow_factory() as uow:
            row = await uow.session.scalar(select(Notification))
            assert row.status == expected_status and row.error == "Telegram server says: Bad Gateway"
            if expected_status == "pending":
                assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)


async def test_sent_notifications_are_not_claimed_again(uow_factory):
    user = await _telegram_user(uow_factory, 1)
    await _enqueue(uow_factory, user)
    async with uow_factory() as uow:
        repo = uow.repo(NotificationRepository)
        [claimed] = await repo.claim_due("w")
        await repo.mark_sent(claimed.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.repo(NotificationRepository).claim_due("w") == []
        row = await uow.session.scalar(select(Notification))
        assert row.status == "sent" and row.sent_at is not None


async def test_rows_left_sending_are_released_only_when_their_senders_lease_lapsed(uow_factory):
    user = await _telegram_user(uow_factory, 1)
    await _enqueue(uow_factory, user)
    async with uow_factory() as uow:
        await uow.repo(NotificationRepository).claim_due("w")
        await uow.commit()
    async with uow_factory() as uow:  # the sender is alive (its lease holds): its row stays its own
        assert await uow.repo(NotificationRepository).release_stuck() == 0
        await uow.session.execute(update(Notification).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.repo(NotificationRepository).release_stuck() == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.repo(NotificationRepository).claim_due("w")) == 1


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30) == timedelta(hours=1)
