"""Run synchronous handler filters on the event loop instead of in a thread.

aiogram calls every non-async filter (``F.text``, ``SomeCallback.filter()``, a plain function)
through ``asyncio.to_thread``. An update is checked against many handlers' filters before one
matches, so on a busy bot each check is a thread hand-off and two context switches for a
few attribute lookups: a tenth of the bot's CPU under load (py-spy). These filters are pure
functions of the update, so they run inline.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject


def run_sync_filters_inline(router: Router) -> None:
    """Every synchronous filter of ``router`` and its sub-routers, on every event type."""
    for observer in router.observers.values():
        for handler in observer.handlers:
            for event_filter in handler.filters or ():
                _make_inline(event_filter)
        for event_filter in observer._handler.filters or ():  # the observer's own filters
            _make_inline(event_filter)
    for sub_router in router.sub_routers:
        run_sync_filters_inline(sub_router)


def _make_inline(event_filter: CallableObject) -> None:
    if event_filter.awaitable or inspect.iscoroutinefunction(event_filter.callback):
        return
    event_filter.callback = _inline(event_filter.callback)
    event_filter.awaitable = True  # its parameters were read from the original, kept as they are


def _inline(check: Callable[..., Any]) -> Callable[..., Any]:
    async def inline(*args: Any, **kwargs: Any) -> Any:
        result = check(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    return inline
