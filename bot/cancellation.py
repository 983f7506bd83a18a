"""Keeping a task's cancellation when a library loses it.

redis-py can swallow a cancellation: a command interrupted at the wrong moment returns (or
fails) as if nothing happened (redis/redis-py#2028, #2551; still seen with redis-py 8). A bot
asked to stop in the middle of an update would then carry on polling and never stop. Redis
calls made while handling updates go through :func:`keep_cancellation`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def keep_cancellation(call: Awaitable[T]) -> T:
    try:
        return await call
    finally:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError  # the cancellation wins over a result or an error
