from __future__ import annotations

import asyncio
import json

import pytest
import redis.asyncio as aioredis
from aiogram.fsm.storage.base import StorageKey

from bot.assistant.memory import AssistantMemory, PendingQuestion, dump_parsed
from bot.fsm_storage import DialogStorage
from bot.middlewares.deduplication import DeduplicationMiddleware, UpdateInProgress
from bot.rate_limiter import WINDOW_COUNT, window_key
from domain.enums import CommandType
from nlp.models import ParsedCommand
from tests.bot.fakes import message, update_of


async def _count_calls(middleware, update, bot, times: int) -> list[int]:
    calls: list[int] = []

    async def handler(event, data):
        calls.append(event.update_id)

    for _ in range(times):
        await middleware(handler, update, {"bot": bot})
    return calls


async def test_a_redelivered_update_is_handled_once(bot, redis_client):
    update = update_of(message(bot))
    assert await _count_calls(DeduplicationMiddleware(redis_client), update, bot, 2) == [update.update_id]


async def test_a_failed_update_may_be_handled_again(bot, redis_client):
    middleware = DeduplicationMiddleware(redis_client)
    update = update_of(message(bot))

    async def failing(event, data):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await middleware(failing, update, {"bot": bot})
    assert await _count_calls(middleware, update, bot, 1) == [update.update_id]


async def test_without_redis_every_update_is_handled(bot):
    redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    update = update_of(message(bot))
    assert len(await _count_calls(DeduplicationMiddleware(redis), update, bot, 2)) == 2
    await redis.aclose()


async def test_of_two_workers_given_the_same_update_exactly_one_handles_it(bot, redis_client):
    first, second = DeduplicationMiddleware(redis_client), DeduplicationMiddleware(redis_client)
    update = update_of(message(bot))
    started, release = asyncio.Event(), asyncio.Event()
    handled: list[str] = []

    async def slow(event, data):
        handled.append("first")
        started.set()
        await release.wait()

    async def fast(event, data):
        handled.append("second")

    task = asyncio.create_task(first(slow, update, {"bot": bot}))
    await started.wait()
    with pytest.raises(UpdateInProgress):  # the webhook answers 500: Telegram delivers it again
        await second(fast, update, {"bot": bot})
    release.set()
    await task
    assert await second(fast, update, {"bot": bot}) is None  # redelivered once done: skipped
    assert handled == ["first"]


async def test_a_dead_workers_claim_expires_and_another_worker_handles_the_update(bot, redis_client):
    update = update_of(message(bot))
    key = f"tg:handled-update:{bot.id}:{update.update_id}"
    await redis_client.set(key, b"4242:deadbeef", ex=1)  # claimed by a worker that was killed
    middleware = DeduplicationMiddleware(redis_client)
    with pytest.raises(UpdateInProgress):
        await _count_calls(middleware, update, bot, 1)
    await asyncio.sleep(1.1)
    assert await _count_calls(middleware, update, bot, 1) == [update.update_id]


async def test_the_claim_reads_the_dialog_state_for_the_updates_first_state_read(bot, redis_client):
    """One round trip claims the update and reads its chat's dialog; later reads and writes go to Redis."""
    storage = DialogStorage(redis_client)
    key = StorageKey(bot_id=bot.id, chat_id=1001, user_id=1001)
    await storage.set_state(key, "OrderDialog:amount")
    middleware = DeduplicationMiddleware(redis_client, dialog_state_key=lambda data: storage.state_key(key))
    seen: list[str | None] = []

    async def handler(event, data):
        await redis_client.set(storage.state_key(key), "changed behind the claim's back")
        seen.append(await storage.get_state(key))  # what the claim read
        seen.append(await storage.get_state(key))  # from Redis again
        await storage.set_state(key, None)
        seen.append(await storage.get_state(key))

    await middleware(handler, update_of(message(bot)), {"bot": bot})
    assert seen == ["OrderDialog:amount", "changed behind the claim's back", None]
    assert await storage.get_state(key) is None  # outside the update nothing is left over


async def test_a_write_before_the_first_read_is_not_hidden_by_the_claims_read(bot, redis_client):
    storage = DialogStorage(redis_client)
    key = StorageKey(bot_id=bot.id, chat_id=1002, user_id=1002)
    middleware = DeduplicationMiddleware(redis_client, dialog_state_key=lambda data: storage.state_key(key))
    seen: list[str | None] = []

    async def handler(event, data):
        await storage.set_state(key, "SettingsDialog:timezone")
        seen.append(await storage.get_state(key))

    await middleware(handler, update_of(message(bot, user_id=1002)), {"bot": bot})
    assert seen == ["SettingsDialog:timezone"]


async def test_the_claim_counts_the_sender_and_gives_the_count_back_when_the_limits_did_not_apply(bot, redis_client):
    middleware = DeduplicationMiddleware(redis_client, rate_limit_window_seconds=60)
    window = window_key(1003)
    counts: list[int] = []

    def handler(limits_apply: bool):
        async def handle(event, data):
            counted = data[WINDOW_COUNT]
            counts.append(counted.count)
            counted.applied = limits_apply  # what the rate-limit middleware does when it checks
        return handle

    async def failing(event, data):
        raise RuntimeError("boom")

    def update():
        return update_of(message(bot, user_id=1003))

    def context(event):
        return {"bot": bot, "event_from_user": event.message.from_user}

    first, second, third = update(), update(), update()
    await middleware(handler(True), first, context(first))
    await middleware(handler(False), second, context(second))  # an exempt handler, or none matched
    assert counts == [1, 2] and await redis_client.get(window) == b"1"
    with pytest.raises(RuntimeError):
        await middleware(failing, third, context(third))  # failed before the limits were checked
    assert await redis_client.get(window) == b"1" and 0 < await redis_client.ttl(window) <= 60
    await middleware(handler(True), third, context(third))  # delivered again
    assert counts == [1, 2, 2] and await redis_client.get(window) == b"2"


async def test_a_count_given_back_after_its_window_expired_does_not_leave_a_counter_without_expiry(bot, redis_client):
    middleware = DeduplicationMiddleware(redis_client, rate_limit_window_seconds=60)
    window = window_key(1004)

    async def window_expires(event, data):
        await redis_client.delete(window)

    event = update_of(message(bot, user_id=1004))
    await middleware(window_expires, event, {"bot": bot, "event_from_user": event.message.from_user})
    assert await redis_client.exists(window) == 0


def _buy_btc() -> ParsedCommand:
    return ParsedCommand("buy btc", CommandType.TRADE_EXECUTION, "buy", 0.9, {"symbol": "BTC/USDT"})


async def test_the_claim_reads_the_open_question_so_a_message_without_one_asks_redis_nothing_more(bot, redis_client):
    """A question that appears after the claim found none is left for the next message: this one
    took the claim's reading (no GETDEL of its own)."""
    memory = AssistantMemory(redis_client)
    chat_id = 1003
    middleware = DeduplicationMiddleware(redis_client, also_read=lambda data: [memory.pending_key(chat_id)])
    taken: list[PendingQuestion | None] = []

    async def handler(event, data):
        # another update, concurrently, asks a question
        question = {"parsed": dump_parsed(_buy_btc()), "missing": "amount"}
        await redis_client.set(memory.pending_key(chat_id), json.dumps(question))
        taken.append(await memory.take_pending(chat_id))

    await middleware(handler, update_of(message(bot, user_id=chat_id)), {"bot": bot})
    assert taken == [None]
    assert await redis_client.exists(memory.pending_key(chat_id)) == 1  # still open


async def test_an_open_question_found_by_the_claim_is_taken_from_redis_once(bot, redis_client):
    memory = AssistantMemory(redis_client)
    chat_id = 1004
    await memory.ask(chat_id, _buy_btc(), "amount")
    middleware = DeduplicationMiddleware(redis_client, also_read=lambda data: [memory.pending_key(chat_id)])
    taken: list[PendingQuestion | None] = []

    async def handler(event, data):
        taken.append(await memory.take_pending(chat_id))
        taken.append(await memory.take_pending(chat_id))  # answered already: gone

    await middleware(handler, update_of(message(bot, user_id=chat_id)), {"bot": bot})
    assert taken == [PendingQuestion(_buy_btc(), "amount"), None]
    assert await redis_client.exists(memory.pending_key(chat_id)) == 0


def _count_round_trips(script, updates_per_call: list[int], keys_per_update: int | None = None):
    """The real script, noting how many updates each of its calls carried."""

    async def counted(*, keys, args):
        updates_per_call.append(args[3] if keys_per_update is None else len(keys) // keys_per_update)
        return await script(keys=keys, args=args)

    return counted


async def test_updates_handled_together_claim_and_are_marked_done_together_each_with_its_own_reads(bot, redis_client):
    storage = DialogStorage(redis_client)
    users = [2000 + n for n in range(8)]
    keys = {user: StorageKey(bot_id=bot.id, chat_id=user, user_id=user) for user in users}
    for user in users[::2]:
        await storage.set_state(keys[user], f"OrderDialog:{user}")
    middleware = DeduplicationMiddleware(
        redis_client,
        dialog_state_key=lambda data: storage.state_key(keys[data["event_from_user"].id]) if "event_from_user" in data else None,
    )
    claims: list[int] = []
    marks: list[int] = []
    middleware._claim_script = _count_round_trips(middleware._claim_script, claims)
    middleware._mark_done_script = _count_round_trips(middleware._mark_done_script, marks, keys_per_update=2)
    seen: dict[int, str | None] = {}

    async def handler(event, data):
        user = data["event_from_user"].id
        await redis_client.set(storage.state_key(keys[user]), "changed behind the claim's back")
        seen[user] = await storage.get_state(keys[user])  # what the claim read for this chat

    updates = [update_of(message(bot, user_id=user)) for user in users]
    await asyncio.gather(*(middleware(handler, update, {"bot": bot, "event_from_user": update.message.from_user})
                           for update in updates))
    assert sum(claims) == 8 and len(claims) < 8 and sum(marks) == 8 and len(marks) < 8
    assert seen == {user: f"OrderDialog:{user}" if user in users[::2] else None for user in users}
    for update in updates:  # each was marked before its call returned: a redelivery is skipped
        assert await _count_calls(middleware, update, bot, 1) == []


async def test_a_handled_updates_done_mark_is_written_even_when_its_caller_is_cancelled(bot, redis_client):
    middleware = DeduplicationMiddleware(redis_client)
    update = update_of(message(bot))

    async def handler(event, data):
        return "handled"

    handling = asyncio.create_task(middleware(handler, update, {"bot": bot}))
    while not middleware._done_marks._pending:  # handled, its mark queued
        await asyncio.sleep(0)
    handling.cancel()  # the shutdown stops the update while its mark waits
    await middleware.close()  # as the dispatcher's shutdown does
    assert await _count_calls(DeduplicationMiddleware(redis_client), update, bot, 1) == []
