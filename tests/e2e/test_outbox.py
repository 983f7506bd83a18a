"""The notification outbox against the local Bot API server: pacing under a burst, a crash
between send and commit, 403 handling, quiet hours."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.client import build_bot
from bot.outbox import LATE_SECONDS, NotificationOutbox
from bot.pacing import Pacer
from bot.sender import Sender
from db.models import Notification, NotificationAttempt, TelegramUser
from db.repositories.notifications import NotificationRepository
from tests.e2e.fake_bot_api import TOKEN

PER_CHAT, GLOBAL = 20.0, 100.0  # scaled up from 1/s and 30/s so the burst takes seconds


async def _users(uow_factory, count: int, **columns) -> list[TelegramUser]:
    async with uow_factory() as uow:
        users = [TelegramUser(telegram_id=5000 + i, chat_id=5000 + i, **columns) for i in range(count)]
        uow.session.add_all(users)
        await uow.commit()
        return users


async def _queue(uow_factory, user_ids, per_user: int, notification_type="daily_summary") -> None:
    async with uow_factory() as uow:
        for user_id in user_ids:
            for i in range(per_user):
                await uow.notifications.enqueue(user_id, notification_type, {"text": f"note {user_id} #{i}"})
        await uow.commit()


def _outbox(uow_factory, redis_client, bot_api, **kwargs) -> NotificationOutbox:
    bot = build_bot(TOKEN, uow_factory, api_url=bot_api.base_url)
    pacer = Pacer(redis_client, per_chat_per_second=PER_CHAT, global_per_second=GLOBAL)
    return NotificationOutbox(uow_factory, Sender(bot, uow_factory, pacer), **kwargs)


async def _statuses(uow_factory) -> Counter:
    async with uow_factory() as uow:
        return Counter(await uow.session.scalars(select(Notification.status)))


async def test_a_burst_to_50_chats_keeps_both_limits_and_delivers_each_once(uow_factory, redis_client, bot_api):
    users = await _users(uow_factory, 50)
    await _queue(uow_factory, [u.id for u in users], 10)
    outbox = _outbox(uow_factory, redis_client, bot_api, batch_size=500)
    # When each request leaves (the local server shares this event loop, so its arrival times
    # also carry the test harness's own delays).
    real_send, leaving = outbox.sender.send_part, []

    async def timed_send(chat_id, part):
        leaving.append((chat_id, time.monotonic()))
        return await real_send(chat_id, part)

    outbox.sender.send_part = timed_send
    while await outbox.run_once():
        pass
    texts = bot_api.texts_to_all()
    assert len(texts) == 500 and len(set(texts)) == 500  # none lost, none twice
    by_chat = defaultdict(list)
    for chat_id, at in leaving:
        by_chat[chat_id].append(at)
    # The bounds the pacer promises: a request leaves at most LATE_SECONDS after its slot (or
    # books another), slots are 1/PER_CHAT apart per chat and GLOBAL/10 per 100 ms bucket.
    closest = min(b - a for times in by_chat.values() for a, b in zip(times, times[1:]))
    assert closest >= 1 / PER_CHAT - LATE_SECONDS, f"per-chat gap {closest:.3f} s"
    starts = sorted(at for _, at in leaving)
    busiest = max(sum(1 for t in starts[i:i + 300] if t - s < 1.0) for i, s in enumerate(starts))
    assert busiest <= GLOBAL * 1.2, f"{busiest} messages in one second"
    assert await _statuses(uow_factory) == Counter({"sent": 500})
    async with uow_factory() as uow:
        attempts = list(await uow.session.scalars(select(NotificationAttempt.outcome)))
    assert Counter(attempts) == Counter({"sent": 500})


async def test_a_crash_before_telegram_answers_is_recovered_and_sent_once(uow_factory, redis_client, bot_api,
                                                                         monkeypatch):
    [user] = await _users(uow_factory, 1)
    await _queue(uow_factory, [user.id], 1)
    outbox = _outbox(uow_factory, redis_client, bot_api)

    async def crash(*args, **kwargs):
        raise SystemExit("killed after recording the attempt, before the request")

    monkeypatch.setattr(outbox.sender, "send_part", crash)
    with pytest.raises(SystemExit):
        await outbox._deliver((await _claim(uow_factory, outbox.worker))[0])
    monkeypatch.undo()
    assert bot_api.texts_to(5000) == []
    restarted = _outbox(uow_factory, redis_client, bot_api)  # a new process, a new worker name
    assert await restarted.release_stuck() == 0  # the lease still holds: not blindly re-sent
    await restarted.run_once()
    assert bot_api.texts_to(5000) == []
    await _lapse_leases(uow_factory)
    assert await restarted.release_stuck() == 1
    await restarted.run_once()
    await restarted.run_once()
    assert len(bot_api.texts_to(5000)) == 1
    async with uow_factory() as uow:
        outcomes = list(await uow.session.scalars(select(NotificationAttempt.outcome)
                                                   .order_by(NotificationAttempt.started_at)))
    assert outcomes == ["abandoned", "sent"]


async def test_a_crash_after_the_commit_never_resends(uow_factory, redis_client, bot_api):
    [user] = await _users(uow_factory, 1)
    await _queue(uow_factory, [user.id], 1)
    outbox = _outbox(uow_factory, redis_client, bot_api)
    await outbox.run_once()
    await _lapse_leases(uow_factory)
    assert await outbox.release_stuck() == 0
    await outbox.run_once()
    assert len(bot_api.texts_to(5000)) == 1


async def test_the_crash_window_between_acceptance_and_commit_is_one_statement(uow_factory, redis_client, bot_api,
                                                                              monkeypatch):
    """Telegram accepted, the process died before the one recording statement: the documented window.
    The row is recovered once its lease lapses and re-sent (the only duplicate there can be)."""
    [user] = await _users(uow_factory, 1)
    await _queue(uow_factory, [user.id], 1)
    outbox = _outbox(uow_factory, redis_client, bot_api)
    calls: list[str] = []

    async def die(self, *args, **kwargs):
        calls.append("record_accepted")
        raise SystemExit("killed between Telegram's answer and the commit")

    monkeypatch.setattr(NotificationRepository, "record_accepted", die)
    with pytest.raises(SystemExit):
        await outbox._deliver((await _claim(uow_factory, outbox.worker))[0])
    monkeypatch.undo()
    assert calls == ["record_accepted"] and len(bot_api.texts_to(5000)) == 1
    await _lapse_leases(uow_factory)
    await outbox.release_stuck()
    await outbox.run_once()
    assert len(bot_api.texts_to(5000)) == 2
    assert await _statuses(uow_factory) == Counter({"sent": 1})


async def test_a_user_who_blocked_the_bot_is_marked_and_their_queue_dropped(uow_factory, redis_client, bot_api):
    blocked, other = await _users(uow_factory, 2)
    await _queue(uow_factory, [blocked.id, other.id], 3)
    bot_api.blocked_chats.add(5000)
    outbox = _outbox(uow_factory, redis_client, bot_api)
    while await outbox.run_once():
        pass
    assert len(bot_api.calls_of("sendMessage", 5000)) == 1  # one refusal, then nothing more
    assert len(bot_api.texts_to(5001)) == 3
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(Notification.telegram_user_id, Notification.status))).all()
        account = await uow.session.get(TelegramUser, blocked.id)
        assert account.is_bot_blocked is True
    assert Counter(s for u, s in rows if u == blocked.id) == Counter({"cancelled": 3})
    assert Counter(s for u, s in rows if u == other.id) == Counter({"sent": 3})


async def test_retry_after_pauses_the_chat_without_failing_the_message(uow_factory, redis_client, bot_api):
    [user] = await _users(uow_factory, 1)
    await _queue(uow_factory, [user.id], 2)
    bot_api.answer_429("sendMessage", retry_after=90)  # longer than the session middleware waits
    outbox = _outbox(uow_factory, redis_client, bot_api)
    await outbox.run_once()
    async with uow_factory() as uow:
        rows = list(await uow.session.scalars(select(Notification)))
        assert {r.status for r in rows} == {"pending"} and all(r.attempts == 0 for r in rows)
        assert max(r.next_attempt_at for r in rows) > datetime.now(UTC) + timedelta(seconds=80)


async def test_quiet_hours_hold_non_urgent_pushes_until_morning(uow_factory, redis_client, bot_api):
    now = datetime.now(UTC)
    start, end = (now.hour - 1) % 24, (now.hour + 2) % 24  # it is night for this user right now
    [user] = await _users(uow_factory, 1, quiet_hours_start=start, quiet_hours_end=end, timezone="UTC",
                          urgent_notification_types=["stop_loss"])
    async with uow_factory() as uow:
        await uow.notifications.enqueue(user.id, "price_alert", {
            "symbol": "BTC/USDT", "condition": "above", "target_price": "70000", "price": "70100"})
        await uow.notifications.enqueue(user.id, "order_fill", {
            "symbol": "BTC/USDT", "side": "sell", "order_type": "market", "source": "stop_loss",
            "status": "filled", "filled_quantity": "0.1", "average_fill_price": "60000"})
        await uow.commit()
    outbox = _outbox(uow_factory, redis_client, bot_api)
    await outbox.run_once()
    [urgent] = bot_api.texts_to(5000)
    assert "filled" in urgent  # the stop-loss went out at night
    async with uow_factory() as uow:
        held = await uow.session.scalar(select(Notification).where(Notification.status == "pending"))
        morning = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
        assert held.next_attempt_at == morning
        held.next_attempt_at = now - timedelta(seconds=1)  # morning came
        await uow.session.execute(update(TelegramUser).values(quiet_hours_start=None, quiet_hours_end=None))
        await uow.commit()
    await outbox.run_once()
    assert len(bot_api.texts_to(5000)) == 2 and "70" in bot_api.texts_to(5000)[1]


async def _claim(uow_factory, worker):
    async with uow_factory() as uow:
        claimed = await uow.notifications.claim_due(worker)
        await uow.commit()
        return claimed


async def _lapse_leases(uow_factory) -> None:
    async with uow_factory() as uow:
        await uow.session.execute(update(Notification).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await uow.commit()




async def test_a_server_error_backs_off_and_the_retry_delivers(uow_factory, redis_client, bot_api):
    [user] = await _users(uow_factory, 1)
    await _queue(uow_factory, [user.id], 1)
    # A single 5xx is retried by the Bot session within the send; one that persists through
    # those attempts is the outbox's to back off from.
    bot_api.answer_error("sendMessage", 502, "Bad Gateway", times=3)
    outbox = _outbox(uow_factory, redis_client, bot_api)
    await outbox.run_once()
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(Notification))
        assert row.status == "pending" and row.attempts == 1
        assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)  # backed off
        row.next_attempt_at = datetime.now(UTC)
        await uow.commit()
    await outbox.run_once()
    assert len(bot_api.texts_to(5000)) == 1
    async with uow_factory() as uow:
        outcomes = list(await uow.session.scalars(select(NotificationAttempt.outcome)
                                                   .order_by(NotificationAttempt.started_at)))
    assert outcomes == ["server_error", "sent"]


async def test_a_long_message_resumes_after_the_last_part_telegram_accepted(uow_factory, redis_client, bot_api,
                                                                           monkeypatch):
    [user] = await _users(uow_factory, 1)
    long_text = "\n".join(f"line {i} " + "x" * 60 for i in range(120))  # about 8,000 characters: 2 parts
    async with uow_factory() as uow:
        await uow.notifications.enqueue(user.id, "daily_summary", {"text": long_text})
        await uow.commit()
    outbox = _outbox(uow_factory, redis_client, bot_api)
    real_send = outbox.sender.send_part
    sent_parts = []

    async def dies_on_the_second_part(chat_id, part):
        if sent_parts:
            raise SystemExit("killed before the second part")
        sent_parts.append(part)
        return await real_send(chat_id, part)

    monkeypatch.setattr(outbox.sender, "send_part", dies_on_the_second_part)
    with pytest.raises(SystemExit):
        await outbox._deliver((await _claim(uow_factory, outbox.worker))[0])
    monkeypatch.undo()
    await _lapse_leases(uow_factory)
    await outbox.release_stuck()
    await outbox.run_once()
    texts = bot_api.texts_to(5000)
    assert len(texts) >= 2 and texts[0] == sent_parts[0] and texts.count(sent_parts[0]) == 1
    delivered = "\n".join(texts)
    assert all(delivered.count(f"line {i} ") == 1 for i in range(120))  # every line once, in order
    assert await _statuses(uow_factory) == Counter({"sent": 1})
