"""One exchange client per connected account, reused across orders and sync passes.

A client built per operation would load the exchange's market list every time (a heavy request
that exchanges weigh against the rate limit), start its rate limiter from zero (so the limiter
never sees the previous operation's calls) and pay the client's close each time. The pool hands
out leases: ``close()`` on a lease returns the client, and clients unused for ``idle_seconds``
are closed (their keys leave memory with them). ``close()`` on the pool closes everything.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from domain.models import ApiCredentials
from domain.ports import ExchangePort

Connector = Callable[[str, ApiCredentials, bool, str], ExchangePort]


class AccountPool:
    def __init__(
        self, connect: Connector, *, idle_seconds: float = 600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._connect = connect
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._clients: dict[tuple[str, bool, str, str], tuple[ExchangePort, float]] = {}

    def __call__(self, exchange: str, credentials: ApiCredentials, is_testnet: bool, market_type: str) -> ExchangePort:
        # The key's digest, not the key, names the entry.
        digest = hashlib.sha256(f"{credentials.api_key}\0{credentials.secret}".encode()).hexdigest()
        key = (exchange, is_testnet, market_type, digest)
        entry = self._clients.get(key)
        account = entry[0] if entry is not None else self._connect(exchange, credentials, is_testnet, market_type)
        self._clients[key] = (account, self._clock())
        return Lease(account, self)  # type: ignore[return-value]  # an ExchangePort by delegation

    async def close_idle(self) -> None:
        cutoff = self._clock() - self._idle_seconds
        for key, (account, used_at) in list(self._clients.items()):
            if used_at < cutoff:
                del self._clients[key]
                await account.close()

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for account, _ in clients.values():
            await account.close()

    def __len__(self) -> int:
        return len(self._clients)


class Lease:
    """The pooled client for one operation: everything but ``close`` goes to the client."""

    def __init__(self, account: ExchangePort, pool: AccountPool) -> None:
        self._account = account
        self._pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._account, name)

    async def close(self) -> None:
        await self._pool.close_idle()
