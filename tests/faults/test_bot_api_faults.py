"""The Bot API answers 500/502 or does not answer in time.

Retried with a growing pause where a repeat cannot show the user anything twice; a send that
timed out is not repeated, the user is told to try again instead; the notification outbox sends
the rest of its batch and delivers the failed one on a later run, once.
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot import texts
from db.models import Notification, TelegramUser
from db.repositories.trading_uow import TradingUnitOfWork
from tests.e2e.conftest import accept_terms
from tests.faults.ledger import Ledger

USER = 5301
REQUEST_TIMEOUT = 1  # seconds; a stall is longer


async def test_5xx_answers_are_retried_and_each_reply_arrives_once(bot_api, session_factory, redis_client, launch):
    await launch(session_factory, redis_client)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, USER)

    bot_api.answer_error("sendMessage", 502, "Bad Gateway", times=2)
    assert "I understand" in (await ledger.say(USER, "/help") or "")
    attempts = [c for c in bot_api.calls_of("sendMessage", USER) if "I understand" in c.params["text"]]
    assert [c.status for c in attempts] == [502, 502, 200]
    assert attempts[2].at - attempts[1].at > attempts[1].at - attempts[0].at >= 0.4  # backoff grows

    bot_api.answer_error("sendMessage", 500, "Internal Server Error")
    card = await ledger.say(USER, "buy 0.01 btc")
    assert card is not None and "Confirm" in card
    bot_api.answer_error("editMessageText", 502, "Bad Gateway")
    bot_api.answer_error("answerCallbackQuery", 500, "Internal Server Error")
    assert "Bought 0.01 BTC" in (await ledger.tap(USER, "Confirm") or "")

    delivered = [c.params["text"] for c in bot_api.delivered("sendMessage")] + [
        c.params["text"] for c in bot_api.delivered("editMessageText")]
    assert len(delivered) == len(set(delivered)), "a message was delivered twice"
    ledger.assert_none_lost()


async def test_timeouts_are_retried_where_safe_and_otherwise_answered(bot_api, session_factory, redis_client, launch):
    await launch(session_factory, redis_client, request_timeout=REQUEST_TIMEOUT)
    ledger = Ledger(bot_api, timeout=15)
    await accept_terms(bot_api, USER + 1)
    card = await ledger.say(USER + 1, "buy 0.01 btc")
    assert card is not None and "Confirm" in card

    bot_api.stall("answerCallbackQuery", REQUEST_TIMEOUT + 1)  # idempotent: retried
    answers_before = len(bot_api.calls_of("answerCallbackQuery"))
    assert "Bought 0.01 BTC" in (await ledger.tap(USER + 1, "Confirm") or "")
    answered = lambda: [c.status for c in bot_api.calls_of("answerCallbackQuery")[answers_before:]]  # noqa: E731
    await bot_api.wait_for(lambda: answered() == [499, 200], timeout=5)

    # A reply that timed out may have been shown; it is not repeated, the user is asked to retry.
    bot_api.stall("sendMessage", REQUEST_TIMEOUT + 1)
    assert await ledger.say(USER + 1, "/help") == texts.TEMPORARILY_UNAVAILABLE
    assert "I understand" in (await ledger.say(USER + 1, "/help") or "")
    assert len([c for c in bot_api.delivered() if "I understand" in c.params["text"]]) == 1
    ledger.assert_none_lost()


async def test_the_outbox_sends_the_rest_and_later_the_one_that_failed(bot_api, session_factory, redis_client, launch):
    app = await launch(session_factory, redis_client)
    users = [USER + 10 + n for n in range(3)]
    for user in users:
        await accept_terms(bot_api, user)
    async with session_factory() as session:
        accounts = (await session.scalars(select(TelegramUser).where(TelegramUser.telegram_id.in_(users))
                                          .order_by(TelegramUser.telegram_id))).all()
    async with TradingUnitOfWork(session_factory) as uow:
        for priority, account in zip((3, 2, 1), accounts, strict=True):
            await uow.notifications.enqueue(account.id, "daily_summary", {"text": f"Summary for {account.telegram_id}"},
                                            user_id=account.user_id, priority=priority)
        await uow.commit()

    # Seven 5xx answers: a send gets three attempts, so at least one notification fails all of
    # them (which one depends on the outbox's concurrency).
    bot_api.answer_error("sendMessage", 502, "Bad Gateway", times=7)
    await app.jobs.deliver_notifications()
    summaries = lambda: [c.params["text"] for c in bot_api.delivered() if c.params["text"].startswith("Summary")]  # noqa: E731
    async with session_factory() as session:
        kept = (await session.scalars(select(Notification).where(Notification.status == "pending"))).all()
    assert kept and len(kept) + len(summaries()) == len(users)  # each one delivered, or kept for later
    assert all(row.attempts >= 1 and row.next_attempt_at > row.created_at for row in kept)  # backed off

    for _ in range(3):  # time passes: the kept ones are due again
        async with session_factory() as session:
            await session.execute(update(Notification).where(Notification.status == "pending")
                                  .values(next_attempt_at=Notification.created_at))
            await session.commit()
        await app.jobs.deliver_notifications()
    assert sorted(summaries()) == sorted(f"Summary for {user}" for user in users)  # each exactly once
