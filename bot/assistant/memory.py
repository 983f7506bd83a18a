"""Short-lived assistant memory in Redis: a question the bot is waiting to have answered, and the
readings it offered as buttons when it was unsure.

Both hold a parsed command as JSON (Decimals as strings) and expire on their own: a dialog that
is not answered within a few minutes is forgotten rather than acted on later by surprise.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import claim_reads
from bot.cancellation import keep_cancellation

from domain.enums import CommandType
from nlp.models import ParsedCommand

PENDING_TTL_SECONDS = 600
CHOICES_TTL_SECONDS = 900


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$dec"}:
        return Decimal(value["$dec"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dump_parsed(parsed: ParsedCommand) -> dict[str, Any]:
    return {
        "text": parsed.text,
        "command_type": str(parsed.command_type),
        "intent": parsed.intent,
        "confidence": parsed.confidence,
        "entities": {k: _encode(v) for k, v in parsed.entities.items()},
        "model_version": parsed.model_version,
    }


def load_parsed(data: dict[str, Any]) -> ParsedCommand:
    return ParsedCommand(
        text=data["text"],
        command_type=CommandType(data["command_type"]),
        intent=data["intent"],
        confidence=float(data["confidence"]),
        entities={k: _decode(v) for k, v in data["entities"].items()},
        model_version=data.get("model_version", "rules-1.0"),
    )


@dataclass(frozen=True)
class PendingQuestion:
    parsed: ParsedCommand  # the command waiting for a value
    missing: str  # the entity asked for


class AssistantMemory:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    # -- a question waiting for its answer ("buy btc" -> "How much BTC?") ---------------------
    # Keyed by the chat (private chats only: the chat is the user), which the update's claim knows,
    # so it reads the key in its own round trip: most messages answer no question and then take
    # it without asking Redis again.

    @staticmethod
    def pending_key(chat_id: int) -> str:
        return f"assistant:pending:chat:{chat_id}"

    async def ask(self, chat_id: int, parsed: ParsedCommand, missing: str) -> None:
        payload = json.dumps({"parsed": dump_parsed(parsed), "missing": missing})
        key = self.pending_key(chat_id)
        claim_reads.forget(key)
        await keep_cancellation(self._redis.set(key, payload, ex=PENDING_TTL_SECONDS))

    async def take_pending(self, chat_id: int) -> PendingQuestion | None:
        """The open question, removed: it is answered (or abandoned) by this message."""
        key = self.pending_key(chat_id)
        if claim_reads.take(key) is None:
            return None  # none when the update was claimed (a question found there is taken below, once)
        try:
            raw = await keep_cancellation(self._redis.getdel(key))
        except (RedisError, OSError):
            return None  # without Redis there is no dialog memory; the message is read on its own
        if raw is None:
            return None
        data = json.loads(raw)
        return PendingQuestion(load_parsed(data["parsed"]), data["missing"])

    async def forget(self, chat_id: int) -> bool:
        """Drop the open question (/cancel); True if there was one."""
        key = self.pending_key(chat_id)
        claim_reads.forget(key)
        try:
            return bool(await keep_cancellation(self._redis.delete(key)))
        except (RedisError, OSError):
            return False

    # -- readings offered as buttons when unsure -------------------------------------------

    async def offer(self, telegram_user_id: uuid.UUID, readings: list[ParsedCommand]) -> str:
        token = secrets.token_urlsafe(6)
        payload = json.dumps({"owner": str(telegram_user_id), "readings": [dump_parsed(r) for r in readings]})
        await keep_cancellation(self._redis.set(f"assistant:choice:{token}", payload, ex=CHOICES_TTL_SECONDS))
        return token

    async def peek(self, token: str, telegram_user_id: uuid.UUID) -> ParsedCommand | None:
        """The first reading offered under ``token`` if it is the user's, left in place (a live
        execution asks for a second tap on the same card)."""
        raw = await keep_cancellation(self._redis.get(f"assistant:choice:{token}"))
        if raw is None:
            return None
        data = json.loads(raw)
        if data["owner"] != str(telegram_user_id) or not data["readings"]:
            return None
        return load_parsed(data["readings"][0])

    async def choose(self, token: str, telegram_user_id: uuid.UUID, index: int) -> ParsedCommand | None:
        """The reading picked, if the token is the user's and still known; one pick per offer."""
        key = f"assistant:choice:{token}"
        raw = await keep_cancellation(self._redis.get(key))
        if raw is None:
            return None
        data = json.loads(raw)
        if data["owner"] != str(telegram_user_id) or not 0 <= index < len(data["readings"]):
            return None
        await keep_cancellation(self._redis.delete(key))
        return load_parsed(data["readings"][index])
