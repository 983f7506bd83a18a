from __future__ import annotations

import asyncio
import json

import pytest

from bot import speedups


def _loop_module() -> str:
    async def which() -> str:
        return type(asyncio.get_running_loop()).__module__

    return which()  # type: ignore[return-value]


def test_the_bot_runs_on_uvloop_when_it_is_installed():
    pytest.importorskip("uvloop")
    assert speedups.run(_loop_module()).startswith("uvloop")


def test_asyncio_s_own_loop_when_asked_for_it():
    assert speedups.run(_loop_module(), event_loop="asyncio").startswith("asyncio")
    assert speedups.loop_factory("asyncio") is None


def test_the_bot_api_json_reads_and_writes_what_the_standard_library_does():
    value = {"chat_id": 42, "text": "Цена BTC: 62 345,12 ✅", "reply_markup": {"inline_keyboard": [[{"text": "OK"}]]},
             "ok": True, "none": None, "user_id": 2**52 + 1}
    encoded = speedups.json_dumps(value)
    assert isinstance(encoded, str)
    assert json.loads(encoded) == value
    assert speedups.json_loads(encoded) == value
    assert speedups.json_loads(encoded.encode()) == value


def test_a_value_orjson_refuses_is_written_by_the_standard_library():
    assert json.loads(speedups.json_dumps({"n": 2**70})) == {"n": 2**70}
