"""Connecting a user's own exchange account: keys are checked against the exchange (a balance
read, and the key's permissions where the exchange reports them: a key that can withdraw is
refused) before they are stored, encrypted, with a live portfolio that books the account's
orders. Accounts are listed by key hint only and can be disconnected."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from domain.errors import AuthenticationFailed, InvalidOrder, WithdrawalKeyRefused
from domain.models import ApiCredentials, Balance, CredentialInfo, Portfolio
from domain.phrases import phrase
from domain.ports import CredentialVault, ExchangePort

# Builds an exchange adapter: (exchange id, credentials, testnet, market type) -> ExchangePort.
Connector = Callable[[str, ApiCredentials, bool, str], ExchangePort]

# The exchanges /connect offers, with their display names; each takes spot and USDT perpetuals.
SUPPORTED_EXCHANGES = {"binance": "Binance", "bybit": "Bybit"}
MARKET_TYPES = {"spot": "spot", "swap": "USDT perpetuals"}
# Exchanges whose keys carry a third secret.
NEEDS_PASSPHRASE = frozenset({"okx", "kucoin", "bitget"})


def account_name(exchange: str, market_type: str, is_testnet: bool, label: str = "default") -> str:
    """``Binance spot (testnet)``: how the account is named on cards, lists and notifications."""
    name = f"{SUPPORTED_EXCHANGES.get(exchange, exchange)} {MARKET_TYPES.get(market_type, market_type)}"
    name += "" if label == "default" else f" {label}"
    return f"{name} (testnet)" if is_testnet else name


class ExchangeAccountService:
    def __init__(self, vault: CredentialVault, connect: Connector) -> None:
        self._vault = vault
        self._connect = connect

    async def connect(
        self, uow: Any, user_id: uuid.UUID, exchange: str, api_key: str, secret: str, *,
        passphrase: str | None = None, label: str = "default", is_testnet: bool = False, market_type: str = "spot",
    ) -> CredentialInfo:
        """Verify the key (``AuthenticationFailed`` if refused, ``WithdrawalKeyRefused`` if it can
        withdraw), then store it and open its live portfolio with the account's balances."""
        if not api_key.strip() or not secret.strip():
            raise InvalidOrder("Send both the API key and its secret.")
        if market_type not in MARKET_TYPES:
            raise InvalidOrder("Choose spot or USDT perpetuals.")
        credentials = ApiCredentials(api_key.strip(), secret.strip(), (passphrase or "").strip() or None)
        account = self._connect(exchange, credentials, is_testnet, market_type)
        try:
            balances = await account.balances()
            permissions = await account.permissions()
        finally:
            await account.close()
        if permissions.can_withdraw:
            raise WithdrawalKeyRefused()
        if permissions.can_trade is False:
            raise AuthenticationFailed("This key cannot trade. Enable trading on it (never withdrawals) and try again.")
        info = await self._vault.store(uow, user_id, exchange, credentials, label=label, is_testnet=is_testnet,
                                       market_type=market_type, permissions=permissions)
        portfolio = await uow.live.create_portfolio(
            user_id, info.id, account_name(exchange, market_type, is_testnet, label), exchange
        )
        await _copy(uow, portfolio, balances)
        await uow.commit()
        return replace(info, portfolio_id=portfolio.id)

    async def list(self, uow: Any, user_id: uuid.UUID) -> list[CredentialInfo]:
        return await self._vault.list(uow, user_id)

    async def remove(self, uow: Any, user_id: uuid.UUID, credential_id: uuid.UUID) -> bool:
        """Delete the key. Refused while the account has open orders (the bot could no longer follow them)."""
        for portfolio, orders in await uow.live.open_orders_by_portfolio(user_id):
            if portfolio.credential_id == credential_id and orders:
                raise InvalidOrder(phrase(
                    "{account} still has open orders: {n}. Cancel them first (/panic cancels all).",
                    account=portfolio.name, n=len(orders),
                ))
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


async def _copy(uow: Any, portfolio: Portfolio, balances: dict[str, Balance]) -> None:
    if not balances:
        return
    wallet = await uow.balances.lock_wallet(portfolio.id, sorted(balances))
    for asset, balance in wallet.items():
        balance.free, balance.locked = balances[asset].free, balances[asset].locked
    await uow.balances.save(portfolio.id, wallet)
