"""A process handles at most ``concurrent_updates`` updates at once; every update is still handled."""

from __future__ import annotations

import asyncio

from aiogram import Router

from bot.polling import BatchPollingDispatcher
from tests.bot.fakes import message, update_of


async def test_a_batch_of_many_chats_is_handled_a_few_at_a_time(bot):
    running, most, handled = 0, 0, []
    router = Router()

    @router.message()
    async def slow(event) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)  # a database round trip, say
        running -= 1
        handled.append(event.chat.id)

    dispatcher = BatchPollingDispatcher(concurrent_updates=3)
    dispatcher.include_router(router)
    updates = [update_of(message(bot, "hi", user_id=chat)) for chat in range(1, 11)]
    await dispatcher.handle_batch(bot, updates)

    assert sorted(handled) == list(range(1, 11))
    assert most == 3  # side by side, but never more than the limit
