"""The event loop the bot runs on: uvloop when it is installed, else asyncio's own.

uvloop (libuv, in C) runs the loop's own work (ready callbacks, socket reads and writes) for less
CPU; the bot's update path is mostly small awaits and socket round trips (Bot API, PostgreSQL,
Redis), and under the e2e benchmark it cut CPU per update by about a seventh (README). It has no
Windows build, so the plain loop stays the fallback, and ``APP_EVENT_LOOP=asyncio`` forces it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

try:
    import uvloop
except ImportError:  # Windows, or a minimal install
    uvloop = None  # type: ignore[assignment]


def loop_factory(preference: str = "auto") -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when installed and not refused (``preference="asyncio"``); None: asyncio's."""
    if preference == "asyncio" or uvloop is None:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], *, event_loop: str = "auto") -> T:
    """``asyncio.run`` on the preferred loop."""
    with asyncio.Runner(loop_factory=loop_factory(event_loop)) as runner:
        return runner.run(main)
