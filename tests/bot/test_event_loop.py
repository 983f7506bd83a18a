from __future__ import annotations

import asyncio

import pytest

from bot import event_loop


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_bot_runs_on_uvloop_when_it_is_installed():
    pytest.importorskip("uvloop")
    assert event_loop.run(_loop_module()).startswith("uvloop")


def test_asyncio_s_own_loop_when_asked_for_it():
    assert event_loop.run(_loop_module(), event_loop="asyncio").startswith("asyncio")
    assert event_loop.loop_factory("asyncio") is None
