"""Optional C speed-ups for the hot path, used when installed and never required.

- uvloop: the event loop in C (libuv). The bot's update path is mostly small awaits and socket
  writes; under the e2e benchmark it cut CPU per update (see README). It does not exist on
  Windows, so the plain asyncio loop stays the fallback (and ``APP_EVENT_LOOP=asyncio`` forces it).
- orjson: JSON for the Bot API session (every answer Telegram sends is decoded, every keyboard
  encoded), several times faster than the standard library's. It reads integers only up to 64
  bits exactly (Telegram's ids have at most 52).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

try:
    import uvloop
except ImportError:  # Windows, or a minimal install
    uvloop = None  # type: ignore[assignment]

try:
    import orjson
except ImportError:
    orjson = None  # type: ignore[assignment]


def loop_factory(preference: str = "auto") -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when installed and not refused (``preference="asyncio"``); None: asyncio's."""
    if preference == "asyncio" or uvloop is None:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], *, event_loop: str = "auto") -> T:
    """``asyncio.run`` on the preferred loop."""
    with asyncio.Runner(loop_factory=loop_factory(event_loop)) as runner:
        return runner.run(main)


if orjson is not None:
    json_loads: Callable[[str | bytes], Any] = orjson.loads

    def json_dumps(value: Any) -> str:
        """A str, as aiogram's session expects; non-ASCII text stays as it is (valid JSON, shorter)."""
        try:
            return orjson.dumps(value).decode()
        except TypeError:  # what orjson refuses (an int past 64 bits, say) the standard library may take
            return json.dumps(value)
else:
    json_loads = json.loads
    json_dumps = json.dumps
