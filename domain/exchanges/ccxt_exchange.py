"""The ccxt adapter: live spot trading with a user's key, and the gateway the public feed uses.

This is the only module that imports ccxt. It
- builds async clients (spot markets only, rate limiting on, keys held only in memory),
- rounds amounts and prices with the exchange's own precision (``amount_to_precision`` /
  ``price_to_precision``) and sends every order under our client order id,
- retries transient failures (network, timeout, rate limit) with bounded exponential backoff;
  before re-sending an order whose request may have reached the exchange, it looks the order up
  by client order id, so a retry never places it twice,
- translates ccxt exceptions into domain errors; nothing ccxt-specific leaves this module.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import ccxt.async_support as ccxt

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import (
    AuthenticationFailed,
    ConfigurationError,
    DomainError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidOrder,
    OrderNotFound,
    RateLimited,
    UnknownSymbol,
)
from domain.models import ApiCredentials, Balance, ExchangeReport, Fill, Market, Order
from domain.numbers import ZERO

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUSES = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELLED,
    "cancelled": OrderStatus.CANCELLED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
# ccxt's exceptions, most specific first, and what each means to the user.
TRANSLATIONS: tuple[tuple[type[Exception], Callable[[], DomainError]], ...] = (
    (ccxt.OrderNotFound, OrderNotFound),
    (ccxt.InsufficientFunds, InsufficientFunds),
    (ccxt.BadSymbol, UnknownSymbol),
    (ccxt.InvalidOrder, InvalidOrder),
    (ccxt.NotSupported, lambda: InvalidOrder("This exchange does not support that kind of order.")),
    (ccxt.AuthenticationError, AuthenticationFailed),
    (ccxt.RateLimitExceeded, RateLimited),
    (ccxt.DDoSProtection, RateLimited),
    (ccxt.NetworkError, ExchangeUnavailable),
    (ccxt.BadRequest, lambda: InvalidOrder("The exchange refused the request as invalid.")),
    (ccxt.BaseError, ExchangeUnavailable),
)
# Failures after which a request may or may not have been carried out.
UNCERTAIN = (ccxt.RequestTimeout, ccxt.ExchangeNotAvailable)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 4.0

    def delay(self, attempt: int) -> float:
        return min(self.first_delay_seconds * 2**attempt, self.max_delay_seconds)


def create_client(
    exchange_id: str, credentials: ApiCredentials | None = None, *, sandbox: bool = False, timeout_ms: int = 10_000
) -> Any:
    """An async ccxt client for spot markets; public only when ``credentials`` is None."""
    if exchange_id not in ccxt.exchanges:
        raise ConfigurationError(f"Unknown exchange {exchange_id!r}.")
    exchange_class = getattr(ccxt, exchange_id)
    config: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": timeout_ms,
        # Spot only: loading markets asks for no margin or derivative lists and no currency list
        # (private calls on some exchanges).
        "options": {
            "defaultType": "spot",
            "fetchMarkets": {"types": ["spot"]},
            "fetchMargins": False,
            "fetchCurrencies": False,
        },
    }
    if credentials is not None:
        config |= {"apiKey": credentials.api_key, "secret": credentials.secret}
        if credentials.passphrase:
            config["password"] = credentials.passphrase
    client = exchange_class(config)
    if sandbox:
        client.set_sandbox_mode(True)
    return client


def translate(error: Exception) -> DomainError:
    for ccxt_error, domain_error in TRANSLATIONS:
        if isinstance(error, ccxt_error):
            return domain_error()
    return ExchangeUnavailable()


def decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _places(step: Any) -> int:
    """Decimal places of a precision step (0.001 -> 3); ccxt reports steps, the schema places."""
    return max(0, -Decimal(str(step)).normalize().as_tuple().exponent) if step else 8


def market_from_ccxt(raw: dict[str, Any]) -> Market:
    limits = raw.get("limits") or {}
    return Market(
        symbol=raw["symbol"],
        base=raw["base"],
        quote=raw["quote"],
        price_precision=_places(raw["precision"].get("price")),
        amount_precision=_places(raw["precision"].get("amount")),
        min_amount=decimal((limits.get("amount") or {}).get("min")) or ZERO,
        max_amount=decimal((limits.get("amount") or {}).get("max")),
        min_notional=decimal((limits.get("cost") or {}).get("min")),
        maker_fee=decimal(raw.get("maker")) or Decimal("0.001"),
        taker_fee=decimal(raw.get("taker")) or Decimal("0.001"),
    )


class CcxtGateway:
    """Calls a ccxt client with retries on transient failures and domain errors out."""

    def __init__(
        self, client: Any, retry: RetryPolicy = RetryPolicy(), sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        self.client = client
        self._retry = retry
        self._sleep = sleep
        self._markets_loaded = False

    async def call(
        self,
        operation: Callable[..., Awaitable[T]],
        *args: Any,
        recover: Callable[[], Awaitable[T | None]] | None = None,
    ) -> T:
        """Run ``operation``, retrying transient failures with backoff.

        After a failure that leaves it unknown whether the request was carried out (a timeout, a
        dropped connection), ``recover`` is asked first: if it finds the effect (the order exists),
        that is returned instead of repeating a call that is not idempotent.
        """
        for attempt in range(self._retry.attempts):
            try:
                return await operation(*args)
            except ccxt.NetworkError as error:
                if attempt + 1 == self._retry.attempts:
                    raise translate(error) from error
                log.warning("%s %s failed (%s), retrying", self.client.id, operation.__name__, type(error).__name__)
                await self._sleep(self._retry.delay(attempt))
                if recover is not None and isinstance(error, UNCERTAIN):
                    recovered = await recover()
                    if recovered is not None:
                        return recovered
            except ccxt.BaseError as error:
                raise translate(error) from error
        raise AssertionError("unreachable: the loop returns or raises")

    async def market(self, symbol: str) -> dict[str, Any]:
        if not self._markets_loaded:
            await self.call(self.client.load_markets)
            self._markets_loaded = True
        if symbol not in self.client.markets:
            raise UnknownSymbol(f"{self.client.name} has no {symbol} market.")
        return self.client.markets[symbol]

    async def close(self) -> None:
        await self.client.close()


class CcxtExchange:
    """``ExchangePort`` on a ccxt exchange account (spot)."""

    def __init__(self, gateway: CcxtGateway) -> None:
        self._gateway = gateway
        self._client = gateway.client

    @classmethod
    def connect(cls, exchange_id: str, credentials: ApiCredentials, *, sandbox: bool = False) -> CcxtExchange:
        return cls(CcxtGateway(create_client(exchange_id, credentials, sandbox=sandbox)))

    async def market(self, symbol: str) -> Market:
        return market_from_ccxt(await self._gateway.market(symbol))

    async def balances(self) -> dict[str, Balance]:
        raw = await self._gateway.call(self._client.fetch_balance)
        return {
            asset: Balance(asset, decimal(raw["free"].get(asset)) or ZERO, decimal(raw["used"].get(asset)) or ZERO)
            for asset, total in raw["total"].items()
            if total
        }

    async def create_order(self, order: Order) -> ExchangeReport:
        await self._gateway.market(order.symbol)
        args = self._order_arguments(order)
        raw = await self._gateway.call(self._client.create_order, *args, recover=lambda: self._placed(order))
        return _report(raw, order)

    async def fetch_order(self, order: Order) -> ExchangeReport:
        await self._gateway.market(order.symbol)
        return _report(await self._gateway.call(self._client.fetch_order, *self._order_ref(order)), order)

    async def cancel_order(self, order: Order) -> ExchangeReport:
        await self._gateway.market(order.symbol)
        return _report(await self._gateway.call(self._client.cancel_order, *self._order_ref(order)), order)

    async def close(self) -> None:
        await self._gateway.close()

    async def _placed(self, order: Order) -> dict[str, Any] | None:
        """The order as placed under our client id, if the lost request reached the exchange."""
        try:
            return await self._gateway.call(self._client.fetch_order, *self._order_ref(order))
        except OrderNotFound:
            return None

    @staticmethod
    def _order_ref(order: Order) -> tuple[Any, ...]:
        if order.exchange_order_id is not None:
            return order.exchange_order_id, order.symbol, {}
        return None, order.symbol, {"clientOrderId": order.client_order_id}

    def _order_arguments(self, order: Order) -> tuple[Any, ...]:
        symbol = order.symbol
        amount = float(self._client.amount_to_precision(symbol, order.quantity))
        params: dict[str, Any] = {"clientOrderId": order.client_order_id}
        price = None
        if order.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
            price = float(self._client.price_to_precision(symbol, order.price))
        if order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT):
            params["triggerPrice"] = float(self._client.price_to_precision(symbol, order.stop_price))
        if order.order_type is OrderType.TRAILING_STOP:
            raise InvalidOrder("Trailing stops are simulated on paper only; use a stop order on a live exchange.")
        kind = "limit" if price is not None else "market"
        return symbol, kind, order.side.value, amount, price, params


def _report(raw: dict[str, Any], order: Order) -> ExchangeReport:
    fee = raw.get("fee") or {}
    fills = tuple(
        Fill(
            order_id=order.id,
            trade_id=str(trade.get("id")),
            side=OrderSide(trade["side"] or raw["side"]),
            quantity=decimal(trade["amount"]) or ZERO,
            price=decimal(trade["price"]) or ZERO,
            fee=decimal((trade.get("fee") or {}).get("cost")) or ZERO,
            fee_currency=(trade.get("fee") or {}).get("currency") or "",
            is_maker=trade.get("takerOrMaker") == "maker",
            executed_at=datetime.fromtimestamp((trade.get("timestamp") or raw["timestamp"]) / 1000, UTC),
        )
        for trade in raw.get("trades") or []
    )
    return ExchangeReport(
        exchange_order_id=str(raw["id"]),
        client_order_id=raw.get("clientOrderId"),
        symbol=raw["symbol"],
        side=OrderSide(raw["side"]),
        order_type=OrderType.LIMIT if raw.get("type") == "limit" else OrderType.MARKET,
        status=_status(raw),
        amount=decimal(raw["amount"]) or ZERO,
        filled=decimal(raw["filled"]) or ZERO,
        price=decimal(raw.get("price")),
        average=decimal(raw.get("average")),
        fee=decimal(fee.get("cost")) or ZERO,
        fee_currency=fee.get("currency"),
        fills=fills,
    )


def _status(raw: dict[str, Any]) -> OrderStatus:
    status = STATUSES.get(raw.get("status") or "", OrderStatus.PENDING)
    if status is OrderStatus.OPEN and (raw.get("filled") or 0) > 0:
        return OrderStatus.PARTIALLY_FILLED
    return status
