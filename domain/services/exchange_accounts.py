"""Connecting a user's own exchange account: keys are checked against the exchange before they
are stored (encrypted), and can be listed by hint and removed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from domain.errors import InvalidOrder
from domain.models import ApiCredentials, Balance, CredentialInfo
from domain.ports import CredentialVault, ExchangePort

# Builds an exchange adapter: (exchange id, credentials, testnet) -> ExchangePort.
Connector = Callable[[str, ApiCredentials, bool], ExchangePort]


class ExchangeAccountService:
    def __init__(self, vault: CredentialVault, connect: Connector) -> None:
        self._vault = vault
        self._connect = connect

    async def connect(
        self, uow: Any, user_id: uuid.UUID, exchange: str, api_key: str, secret: str, *,
        passphrase: str | None = None, label: str = "default", is_testnet: bool = False,
    ) -> CredentialInfo:
        """Verify the key with a balance read (``AuthenticationFailed`` if refused), then store it."""
        if not api_key.strip() or not secret.strip():
            raise InvalidOrder("Send both the API key and its secret.")
        credentials = ApiCredentials(api_key.strip(), secret.strip(), passphrase)
        account = self._connect(exchange, credentials, is_testnet)
        try:
            await account.balances()
        finally:
            await account.close()
        info = await self._vault.store(uow, user_id, exchange, credentials, label=label, is_testnet=is_testnet)
        await uow.commit()
        return info

    async def list(self, uow: Any, user_id: uuid.UUID) -> list[CredentialInfo]:
        return await self._vault.list(uow, user_id)

    async def remove(self, uow: Any, user_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
        removed = await self._vault.delete(uow, user_id, credential_id)
        await uow.commit()
        return removed

    async def balances(self, uow: Any, user_id: uuid.UUID, exchange: str, label: str = "default") -> list[Balance]:
        """Non-zero balances of the connected account, largest holdings first by amount."""
        account = await self._vault.open_exchange(uow, user_id, exchange, label)
        try:
            balances = await account.balances()
        finally:
            await account.close()
        await uow.commit()  # records when the key was last used
        return sorted((b for b in balances.values() if b.total > Decimal(0)), key=lambda b: b.total, reverse=True)
