"""Users' exchange API keys, Fernet-encrypted at rest.

The repository only ever sees sealed bytes. The vault seals what the user sends and unseals a key
only to hand it straight to the exchange adapter it builds: plaintext never leaves it otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.crypto import SecretBox
from db.models import ExchangeCredential, Portfolio
from db.uow import UnitOfWork
from domain.errors import ConfigurationError, InvalidOrder
from domain.models import AccountPermissions, ApiCredentials, CredentialInfo
from domain.models import Portfolio as PortfolioInfo
from domain.ports import ExchangePort

HINT_LENGTH = 4


def _info(row: ExchangeCredential, portfolio_id: uuid.UUID | None = None) -> CredentialInfo:
    return CredentialInfo(
        row.id, row.exchange, row.label, row.key_hint, row.is_testnet, row.created_at, row.last_used_at,
        market_type=row.market_type, permissions=dict(row.permissions or {}), portfolio_id=portfolio_id,
    )


class ExchangeCredentialRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, user_id: uuid.UUID, exchange: str, label: str, *, api_key: bytes, secret: bytes,
        passphrase: bytes | None, key_hint: str, is_testnet: bool, market_type: str = "spot",
        permissions: dict[str, Any] | None = None,
    ) -> CredentialInfo | None:
        """Insert sealed secrets; ``None`` when the user already has a key under that label."""
        inserted = await self._session.scalar(
            insert(ExchangeCredential)
            .values(
                user_id=user_id, exchange=exchange, label=label, api_key_encrypted=api_key,
                api_secret_encrypted=secret, passphrase_encrypted=passphrase, key_hint=key_hint,
                is_testnet=is_testnet, market_type=market_type, permissions=permissions or {},
            )
            .on_conflict_do_nothing(index_elements=["user_id", "exchange", "label"])
            .returning(ExchangeCredential)
        )
        return None if inserted is None else _info(inserted)

    async def list(self, user_id: uuid.UUID) -> list[CredentialInfo]:
        rows = await self._session.execute(
            select(ExchangeCredential, Portfolio.id)
            .outerjoin(Portfolio, Portfolio.credential_id == ExchangeCredential.id)
            .where(ExchangeCredential.user_id == user_id, ExchangeCredential.is_active)
            .order_by(ExchangeCredential.created_at)
        )
        return [_info(row, portfolio_id) for row, portfolio_id in rows]

    async def by_id(self, user_id: uuid.UUID, credential_id: uuid.UUID) -> ExchangeCredential | None:
        return await self._session.scalar(
            select(ExchangeCredential).where(
                ExchangeCredential.user_id == user_id, ExchangeCredential.id == credential_id,
                ExchangeCredential.is_active,
            )
        )

    async def delete(self, user_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
        result = await self._session.execute(
            delete(ExchangeCredential).where(ExchangeCredential.user_id == user_id, ExchangeCredential.id == credential_id)
        )
        return result.rowcount > 0

    async def sealed(self, user_id: uuid.UUID, exchange: str, label: str) -> ExchangeCredential | None:
        return await self._session.scalar(
            select(ExchangeCredential).where(
                ExchangeCredential.user_id == user_id,
                ExchangeCredential.exchange == exchange,
                ExchangeCredential.label == label,
                ExchangeCredential.is_active,
            )
        )

    async def mark_used(self, credential_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(ExchangeCredential).where(ExchangeCredential.id == credential_id).values(last_used_at=at)
        )


class CredentialVault:
    """Implements ``domain.ports.CredentialVault``."""

    def __init__(self, box: SecretBox, connect: Callable[[str, ApiCredentials, bool, str], ExchangePort]) -> None:
        self._box = box
        self._connect = connect

    async def store(
        self, uow: UnitOfWork, user_id: uuid.UUID, exchange: str, credentials: ApiCredentials, *,
        label: str = "default", is_testnet: bool = False, market_type: str = "spot",
        permissions: AccountPermissions | None = None,
    ) -> CredentialInfo:
        sealed_passphrase = self._box.encrypt(credentials.passphrase.encode()) if credentials.passphrase else None
        info = await uow.repo(ExchangeCredentialRepository).add(
            user_id, exchange, label,
            api_key=self._box.encrypt(credentials.api_key.encode()),
            secret=self._box.encrypt(credentials.secret.encode()),
            passphrase=sealed_passphrase,
            key_hint=credentials.api_key[-HINT_LENGTH:],
            is_testnet=is_testnet,
            market_type=market_type,
            permissions=None if permissions is None else permissions.as_dict(),
        )
        if info is None:
            raise InvalidOrder(f"You already have a {exchange} key named {label!r}; remove it first.")
        return info

    async def list(self, uow: UnitOfWork, user_id: uuid.UUID) -> list[CredentialInfo]:
        return await uow.repo(ExchangeCredentialRepository).list(user_id)

    async def delete(self, uow: UnitOfWork, user_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
        return await uow.repo(ExchangeCredentialRepository).delete(user_id, credential_id)

    async def open_exchange(
        self, uow: UnitOfWork, user_id: uuid.UUID, exchange: str, label: str = "default"
    ) -> ExchangePort:
        """The user's exchange account, its key decrypted only into the adapter's memory."""
        row = await uow.repo(ExchangeCredentialRepository).sealed(user_id, exchange, label)
        if row is None:
            raise ConfigurationError(f"No {exchange} API key is connected. Add one first.")
        return await self._unseal(uow, row)

    async def open_for_portfolio(self, uow: UnitOfWork, portfolio: PortfolioInfo) -> ExchangePort:
        """The account a live portfolio books."""
        row = None
        if portfolio.credential_id is not None:
            row = await uow.repo(ExchangeCredentialRepository).by_id(portfolio.user_id, portfolio.credential_id)
        if row is None:
            raise ConfigurationError("This live account is no longer connected. Connect it again with /connect.")
        return await self._unseal(uow, row)

    async def _unseal(self, uow: UnitOfWork, row: ExchangeCredential) -> ExchangePort:
        credentials = ApiCredentials(
            api_key=self._box.decrypt(row.api_key_encrypted).decode(),
            secret=self._box.decrypt(row.api_secret_encrypted).decode(),
            passphrase=self._box.decrypt(row.passphrase_encrypted).decode() if row.passphrase_encrypted else None,
        )
        await uow.repo(ExchangeCredentialRepository).mark_used(row.id, datetime.now(UTC))
        return self._connect(row.exchange, credentials, row.is_testnet, row.market_type)
