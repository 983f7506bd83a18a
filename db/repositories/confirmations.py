"""Order drafts awaiting confirmation, in Redis, each under a short single-use token.

``take`` is the single point of truth for "confirmed once": it claims the token with
``SET taken NX`` (exactly one caller wins, and the marker exists before the draft disappears),
then removes the draft with ``GETDEL``. The marker outlives the draft so that a late second tap
is told "already confirmed" rather than "expired".
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from db.repositories.codec import from_jsonable, to_jsonable
from domain.models import OrderDraft

DRAFT_KEY = "confirm:draft:{token}"
TAKEN_KEY = "confirm:taken:{token}"


class TokenCollision(RuntimeError):
    """A fresh token already names a draft (72 random bits: should never happen)."""


class RedisConfirmationStore:
    def __init__(self, redis: Redis, *, taken_memory_seconds: int = 24 * 3600) -> None:
        self._redis = redis
        self._taken_memory_seconds = taken_memory_seconds

    async def put(self, draft: OrderDraft, ttl_seconds: int) -> None:
        value = json.dumps(to_jsonable(draft))
        if not await self._redis.set(DRAFT_KEY.format(token=draft.token), value, nx=True, ex=ttl_seconds):
            raise TokenCollision(draft.token)

    async def peek(self, token: str) -> OrderDraft | None:
        return _decode(await self._redis.get(DRAFT_KEY.format(token=token)))

    async def take(self, token: str) -> OrderDraft | None:
        claimed = await self._redis.set(TAKEN_KEY.format(token=token), b"1", nx=True, ex=self._taken_memory_seconds)
        if not claimed:
            return None
        return _decode(await self._redis.getdel(DRAFT_KEY.format(token=token)))

    async def was_taken(self, token: str) -> bool:
        return bool(await self._redis.exists(TAKEN_KEY.format(token=token)))

    async def give_back(self, draft: OrderDraft, ttl_seconds: int) -> None:
        # The draft first: a tap in between finds "taken" and is told so, never a missing draft.
        await self._redis.set(DRAFT_KEY.format(token=draft.token), json.dumps(to_jsonable(draft)), ex=ttl_seconds)
        await self._redis.delete(TAKEN_KEY.format(token=draft.token))


def _decode(raw: bytes | str | None) -> OrderDraft | None:
    return None if raw is None else from_jsonable(OrderDraft, json.loads(raw))
