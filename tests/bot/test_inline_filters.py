"""Synchronous filters run on the event loop's thread, and still decide which handler answers."""

from __future__ import annotations

import threading

from aiogram import Dispatcher, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import Update

from bot.inline_filters import run_sync_filters_inline
from tests.bot.fakes import callback, message


class Pick(CallbackData, prefix="pick"):
    index: int


async def test_sync_filters_run_inline_and_route_as_before(bot):
    threads: list[str] = []
    answered: list[str] = []

    def is_hello(event) -> bool:  # a plain function filter
        threads.append(threading.current_thread().name)
        return event.text == "hello"

    dispatcher, router = Dispatcher(), Router()
    dispatcher.include_router(router)

    @router.message(is_hello)
    async def hello(event) -> None:
        answered.append("hello")

    @router.message(F.text == "bye")
    async def bye(event) -> None:
        answered.append("bye")

    @router.callback_query(Pick.filter(F.index == 2))
    async def picked(event, callback_data: Pick) -> None:
        answered.append(f"picked {callback_data.index}")

    run_sync_filters_inline(dispatcher)
    await dispatcher.feed_update(bot, Update(update_id=1, message=message(bot, "bye")))
    await dispatcher.feed_update(bot, Update(update_id=2, message=message(bot, "hello")))
    await dispatcher.feed_update(bot, Update(update_id=3, callback_query=callback(bot, Pick(index=2).pack())))
    await dispatcher.feed_update(bot, Update(update_id=4, callback_query=callback(bot, Pick(index=3).pack())))

    assert answered == ["bye", "hello", "picked 2"]
    assert set(threads) == {threading.current_thread().name}  # never a worker thread
