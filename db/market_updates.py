"""Price ticks through Redis streams: ``market_updates:{symbol}`` (the seed's real-time updates).

The price watch appends one entry per price read (``price``, ``timestamp``), trimmed to the last
few thousand. Consumers read through a consumer group, so each tick is handled by one consumer of
the group, and acknowledge it only after its effects are committed: a consumer that stopped
half-way finds its unacknowledged ticks again when it starts (it reads its pending entries first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from redis.asyncio import Redis
from redis.exceptions import ResponseError

STREAM_KEY = "market_updates:{symbol}"
MAX_LENGTH = 5000


@dataclass(frozen=True, slots=True)
class Tick:
    symbol: str
    price: Decimal
    at: datetime
    entry_id: str


def stream_key(symbol: str) -> str:
    return STREAM_KEY.format(symbol=symbol)


class MarketUpdates:
    def __init__(self, redis: Redis, group: str, consumer: str) -> None:
        self._redis = redis
        self._group = group
        self._consumer = consumer
        self._grouped: set[str] = set()
        self._recovered: set[str] = set()

    async def publish(self, symbol: str, price: Decimal, at: datetime | None = None) -> None:
        at = at or datetime.now(UTC)
        await self._redis.xadd(
            stream_key(symbol), {"price": str(price), "timestamp": f"{at.timestamp():.6f}"},
            maxlen=MAX_LENGTH, approximate=True,
        )

    async def read(self, symbols: Iterable[str], count: int = 1000) -> list[Tick]:
        """The next ticks of these symbols for this consumer, oldest first per symbol: first
        whatever it read before and never acknowledged, then new ones."""
        keys = [stream_key(s) for s in sorted(set(symbols))]
        if not keys:
            return []
        for key in keys:
            await self._ensure_group(key)
        pending = [k for k in keys if k not in self._recovered]
        ticks: list[Tick] = []
        if pending:
            ticks += await self._read({k: "0" for k in pending}, count)
            self._recovered.update(pending)
        ticks += await self._read({k: ">" for k in keys}, count)
        return ticks

    def reread_pending(self) -> None:
        """Read the unacknowledged entries again on the next read (after a failed evaluation)."""
        self._recovered.clear()

    async def ack(self, ticks: Iterable[Tick]) -> None:
        by_key: dict[str, list[str]] = {}
        for tick in ticks:
            by_key.setdefault(stream_key(tick.symbol), []).append(tick.entry_id)
        for key, ids in by_key.items():
            await self._redis.xack(key, self._group, *ids)

    async def _ensure_group(self, key: str) -> None:
        if key in self._grouped:
            return
        try:
            # From the start of what the stream holds: ticks published before the first read count.
            await self._redis.xgroup_create(key, self._group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        self._grouped.add(key)

    async def _read(self, streams: dict[str, str], count: int) -> list[Tick]:
        answer = await self._redis.xreadgroup(self._group, self._consumer, streams, count=count)  # type: ignore[arg-type]
        ticks = []
        for key, entries in answer or []:
            symbol = (key.decode() if isinstance(key, bytes) else key).split(":", 1)[1]
            for entry_id, fields in entries:
                if not fields:
                    continue  # trimmed away while pending
                decoded = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                           for k, v in fields.items()}
                ticks.append(Tick(
                    symbol=symbol,
                    price=Decimal(decoded["price"]),
                    at=datetime.fromtimestamp(float(decoded["timestamp"]), UTC),
                    entry_id=entry_id.decode() if isinstance(entry_id, bytes) else entry_id,
                ))
        return ticks
