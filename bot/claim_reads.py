"""Values read in the update's claim round trip (bot/middlewares/deduplication.py), handed to
the first reader of each key during that update so it needs no Redis round trip of its own.

Used by the dialog state (bot/fsm_storage.py) and the assistant's open question
(bot/assistant/memory.py). A key is taken by its first read: a later read, or one after a
write, goes to Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Redis key -> the value read with the update's claim (None: the key did not exist).
_read_with_claim: ContextVar[dict[str, bytes | None] | None] = ContextVar("read_with_claim", default=None)

NOT_READ = object()  # the key was not read with the claim: ask Redis


@contextmanager
def read_with_claim(values: dict[str, bytes | None]) -> Iterator[None]:
    """Inside the block (one update), the first read of each key returns its value from ``values``."""
    token = _read_with_claim.set(dict(values))
    try:
        yield
    finally:
        _read_with_claim.reset(token)


def take(redis_key: str) -> bytes | None | object:
    """The value read with the claim, once; :data:`NOT_READ` when there is none to take."""
    already_read = _read_with_claim.get()
    if not already_read or redis_key not in already_read:
        return NOT_READ
    return already_read.pop(redis_key)


def forget(redis_key: str) -> None:
    """The key is being written: a later read must see the change, not the claim's copy."""
    already_read = _read_with_claim.get()
    if already_read:
        already_read.pop(redis_key, None)
