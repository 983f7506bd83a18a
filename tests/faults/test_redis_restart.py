"""Redis stops in the middle of a conversation and comes back.

While it is down the bot keeps answering (dialog state reads as "no dialog", rate limits and
duplicate detection are skipped, logged); once it is back, dialogs and rate limits work again.
"""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Order
from tests.e2e.conftest import accept_terms
from tests.faults.ledger import Ledger

ALICE, BOB = 5101, 5102


async def test_redis_restart_mid_conversation_loses_no_update(
    bot_api, own_redis, own_redis_client, session_factory, settings, launch
):
    settings.telegram = settings.telegram.model_copy(update={"rate_limit_messages": 12})
    await launch(session_factory, own_redis_client)
    ledger = Ledger(bot_api)
    await accept_terms(bot_api, ALICE)
    assert "I understand" in (await ledger.say(ALICE, "/help") or "")
    assert "How much BTC?" in (await ledger.say(ALICE, "buy btc") or "")  # a dialog, kept in Redis

    own_redis.stop()
    for text in ("/help", "price of eth", "/portfolio", "/orders"):
        await ledger.say(ALICE, text)
    ledger.assert_none_lost()

    own_redis.start()  # the same data (append-only file): the open question is still there
    card = await ledger.say(ALICE, "0.01")
    assert card is not None and "Confirm" in card and "0.01" in card
    assert "Bought 0.01 BTC" in (await ledger.tap(ALICE, "Confirm") or "")
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1

    # Rate limits count again: Bob's 13th message in the window is refused with one notice.
    await accept_terms(bot_api, BOB)
    replies = [await ledger.say(BOB, f"/help {n}") for n in range(12)]
    assert sum("try again in" in (r or "") for r in replies) == 1, replies
    ledger.assert_none_lost()
