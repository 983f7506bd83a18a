from __future__ import annotations

import asyncio

import pytest

from bot.cancellation import keep_cancellation


async def _swallows_cancellation() -> str:
    """Behaves like redis-py at the wrong moment: a cancellation turns into a normal return."""
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return "swallowed"
    return "finished"


async def _run_and_cancel(coroutine) -> asyncio.Task:
    task = asyncio.create_task(coroutine)
    await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return task


async def test_a_swallowed_cancellation_is_raised_again():
    task = await _run_and_cancel(keep_cancellation(_swallows_cancellation()))
    assert task.cancelled()


async def test_without_the_guard_the_cancellation_would_be_lost():
    task = await _run_and_cancel(_swallows_cancellation())
    assert not task.cancelled() and task.result() == "swallowed"


async def test_results_and_errors_pass_through_when_nobody_cancels():
    async def answer():
        return 42

    async def fail():
        raise LookupError

    assert await keep_cancellation(answer()) == 42
    with pytest.raises(LookupError):
        await keep_cancellation(fail())
