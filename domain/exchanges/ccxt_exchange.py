"""The ccxt adapter: live trading with a user's key, and the gateway the public feed uses.

This is the only module that imports ccxt. It
- builds async clients (spot or USDT-perpetual markets, rate limiting on, keys held only in memory),
- sends stops and take-profits on perpetuals as the exchange's own conditional orders (Binance
  USDⓈ-M algo orders, followed to the market order they trigger; Bybit v5 conditional orders),
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import ccxt.async_support as ccxt
import ccxt.pro as ccxt_streams

from domain.enums import OrderSide, OrderStatus, OrderType
from domain.errors import (
    AuthenticationFailed,
    ConfigurationError,
    DomainError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidOrder,
    OrderNotFound,
    OrderStreamUnsupported,
    RateLimited,
    UnknownSymbol,
)
from domain.models import AccountPermissions, ApiCredentials, Balance, ExchangeReport, Fill, Market, Order
from domain.numbers import ZERO
from domain.phrases import phrase

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
    # A definite refusal (e.g. too many stop orders open): nothing was placed, so not "unknown".
    (ccxt.OperationRejected, lambda: InvalidOrder("The exchange refused the order (a limit of the account).")),
    (ccxt.BaseError, ExchangeUnavailable),
)
# Exchanges whose private order stream is followed (proven against a local server speaking its
# websocket protocol); the others are followed by polling alone.
ORDER_STREAMS = frozenset({"bybit"})
# Orders the exchange holds until a trigger price is reached.
CONDITIONAL = (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TAKE_PROFIT)
# Failures after which a request may or may not have been carried out.
UNCERTAIN = (ccxt.RequestTimeout, ccxt.ExchangeNotAvailable)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 4.0

    def delay(self, attempt: int) -> float:
        return min(self.first_delay_seconds * 2**attempt, self.max_delay_seconds)


class _NoRequestDumps(logging.Filter):
    """ccxt logs every request at DEBUG with its headers, API key included: never let those through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_CCXT_LOG = logging.getLogger("ccxt")


def _guard_ccxt_log() -> None:
    for logger in (_CCXT_LOG, logging.getLogger("ccxt.base.exchange")):
        if not any(isinstance(f, _NoRequestDumps) for f in logger.filters):
            logger.addFilter(_NoRequestDumps())


# Our market types -> ccxt's default type and the market lists to load (USDT perpetuals are "linear").
MARKET_TYPES = {"spot": ("spot", ["spot"]), "swap": ("swap", ["linear"])}


def create_client(
    exchange_id: str, credentials: ApiCredentials | None = None, *, sandbox: bool = False, timeout_ms: int = 10_000,
    market_type: str = "spot", api_url: str | None = None,
) -> Any:
    """An async ccxt client; public only when ``credentials`` is None. ``api_url`` sends every REST
    call to another host (a local recording of the exchange), the paths unchanged."""
    if exchange_id not in ccxt.exchanges:
        raise ConfigurationError(f"Unknown exchange {exchange_id!r}.")
    if market_type not in MARKET_TYPES:
        raise ConfigurationError(f"Unknown market type {market_type!r}.")
    _guard_ccxt_log()
    default_type, market_lists = MARKET_TYPES[market_type]
    # An account's client is ccxt.pro's (REST as ccxt's, plus the exchange's websocket streams).
    streams = getattr(ccxt_streams, exchange_id, None) if credentials is not None else None
    exchange_class = streams or getattr(ccxt, exchange_id)
    config: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": timeout_ms,
        # One market type: loading markets asks for no other lists and no currency list (private
        # calls on some exchanges).
        "options": {
            "defaultType": default_type,
            "fetchMarkets": {"types": market_lists},
            "fetchMargins": False,
            "fetchCurrencies": False,
        },
    }
    # Some exchanges (Bybit) list currencies with a private call whatever the option says.
    config["has"] = {"fetchCurrencies": False}
    if market_type == "swap":
        config["options"]["defaultSubType"] = "linear"
    if credentials is not None:
        config |= {"apiKey": credentials.api_key, "secret": credentials.secret}
        if credentials.passphrase:
            config["password"] = credentials.passphrase
    client = exchange_class(config)
    if sandbox:
        client.set_sandbox_mode(True)
    if api_url:
        redirect(client, api_url)
    return client


def redirect(client: Any, base_url: str, host: str | None = None) -> Any:
    """Point the client's REST urls (``urls['api']``, the sandbox's once sandbox mode is on) at
    ``base_url``, keeping each path; only urls on ``host`` when given."""
    local = urlsplit(base_url)

    def point(urls: dict[str, Any]) -> None:
        for name, url in urls.items():
            if isinstance(url, dict):
                point(url)
            elif isinstance(url, str) and (host is None or urlsplit(url).netloc == host):
                websocket = urlsplit(url).scheme in ("ws", "wss")
                scheme = ("wss" if local.scheme == "https" else "ws") if websocket else local.scheme
                urls[name] = urlunsplit((scheme, local.netloc, urlsplit(url).path, "", ""))

    point(client.urls["api"])
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
                # ccxt's decimal_to_precision rewrites the ambient decimal context (half-up rounding,
                # underflow trapped); a local one keeps that inside the call.
                with localcontext():
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
            raise UnknownSymbol(phrase("{exchange} has no {symbol} market.", exchange=self.client.name, symbol=symbol))
        return self.client.markets[symbol]

    async def close(self) -> None:
        await self.client.close()


class CcxtExchange:
    """``ExchangePort`` on a ccxt exchange account (spot)."""

    def __init__(self, gateway: CcxtGateway) -> None:
        self._gateway = gateway
        self._client = gateway.client

    @classmethod
    def connect(
        cls, exchange_id: str, credentials: ApiCredentials, *, sandbox: bool = False, market_type: str = "spot",
        api_url: str | None = None,
    ) -> CcxtExchange:
        client = create_client(exchange_id, credentials, sandbox=sandbox, market_type=market_type, api_url=api_url)
        return cls(CcxtGateway(client))

    @property
    def attaches_protection(self) -> bool:
        return bool(self._client.has.get("createOrderWithTakeProfitAndStopLoss"))

    @property
    def market_type(self) -> str:
        return "swap" if self._client.options.get("defaultType") == "swap" else "spot"

    async def permissions(self) -> AccountPermissions:
        """What the key may do, where the exchange says (Binance's live API, Bybit v5)."""
        if self._client.id == "binance" and "sapi" in self._client.urls["api"]:
            raw = await self._gateway.call(self._client.sapi_get_account_apirestrictions)
            return AccountPermissions(
                can_trade=bool(raw.get("enableSpotAndMarginTrading")),
                can_withdraw=bool(raw.get("enableWithdrawals")),
                can_trade_futures=bool(raw.get("enableFutures")),
            )
        if self._client.id == "bybit":
            raw = (await self._gateway.call(self._client.private_get_v5_user_query_api)).get("result") or {}
            granted = {scope: set(names or []) for scope, names in (raw.get("permissions") or {}).items()}
            return AccountPermissions(
                can_trade=str(raw.get("readOnly")) == "0",
                can_withdraw="Withdraw" in granted.get("Wallet", set()),
                can_trade_futures=bool(granted.get("ContractTrade") or granted.get("Derivatives")),
            )
        return AccountPermissions(can_trade=None, can_withdraw=None)  # the exchange does not report them

    async def set_leverage(self, symbol: str, leverage: Decimal) -> None:
        """Perpetuals only: the leverage the exchange applies to new orders on ``symbol``."""
        symbol = self._symbol(symbol)
        await self._gateway.market(symbol)
        try:
            await self._gateway.call(self._client.set_leverage, int(leverage), symbol)
        except InvalidOrder:
            pass  # Bybit refuses a leverage that is already set ("leverage not modified")

    async def market(self, symbol: str) -> Market:
        return replace(market_from_ccxt(await self._gateway.market(self._symbol(symbol))), symbol=symbol)

    def _symbol(self, symbol: str) -> str:
        """ccxt names a USDT perpetual ``BTC/USDT:USDT``; the bot names the pair ``BTC/USDT``."""
        if self.market_type == "swap" and ":" not in symbol:
            return f"{symbol}:{symbol.split('/')[-1]}"
        return symbol

    def _on_venue(self, order: Order) -> Order:
        return replace(order, symbol=self._symbol(order.symbol))

    async def balances(self) -> dict[str, Balance]:
        raw = await self._gateway.call(self._client.fetch_balance)
        return {
            asset: Balance(asset, decimal(raw["free"].get(asset)) or ZERO, decimal(raw["used"].get(asset)) or ZERO)
            for asset, total in raw["total"].items()
            if total
        }

    async def create_order(self, order: Order) -> ExchangeReport:
        order = self._on_venue(order)
        await self._gateway.market(order.symbol)
        args = self._order_arguments(order)
        raw = await self._gateway.call(self._client.create_order, *args, recover=lambda: self._placed(order))
        return _report(await self._complete(raw, order), order)

    @property
    def places_oco(self) -> bool:
        """Binance spot: a take-profit and a stop on the same coins as one order list (OCO)."""
        return self._client.id == "binance" and self.market_type == "spot"

    async def create_oco(self, above: Order, below: Order, list_client_id: str) -> tuple[ExchangeReport, ExchangeReport]:
        """Sell ``above`` (a limit at the target, LIMIT_MAKER) and ``below`` (a stop-loss limit) as
        one OCO list (``POST /api/v3/orderList/oco``): the first to fill expires the other, and
        both hold the same coins once. ccxt has no unified call for it in this version."""
        if not self.places_oco:
            raise InvalidOrder("This exchange does not support that kind of order.")
        above, below = self._on_venue(above), self._on_venue(below)
        market = await self._gateway.market(above.symbol)
        with localcontext():  # see CcxtGateway.call
            request = {
                "symbol": market["id"], "side": above.side.value.upper(),
                "quantity": self._client.amount_to_precision(above.symbol, above.quantity),
                "listClientOrderId": list_client_id, "newOrderRespType": "FULL",
                "aboveType": "LIMIT_MAKER", "aboveClientOrderId": above.client_order_id,
                "abovePrice": self._client.price_to_precision(above.symbol, above.price),
                "belowType": "STOP_LOSS_LIMIT", "belowClientOrderId": below.client_order_id,
                "belowStopPrice": self._client.price_to_precision(below.symbol, below.stop_price),
                "belowPrice": self._client.price_to_precision(below.symbol, below.price),
                "belowTimeInForce": "GTC",
            }

        async def placed() -> dict[str, Any] | None:  # the lost request reached the exchange: read both legs
            found = await self._placed(above)
            return None if found is None else {"orderReports": [found, await self._lookup(below)], "parsed": True}

        raw = await self._gateway.call(self._client.private_post_orderlist_oco, request, recover=placed)
        reports = {}
        for row in raw.get("orderReports") or []:
            if raw.get("parsed"):
                parsed = row
            else:
                with localcontext():
                    parsed = self._client.parse_order(row, market)
            reports[parsed.get("clientOrderId")] = parsed
        if above.client_order_id not in reports or below.client_order_id not in reports:
            raise ExchangeUnavailable()
        return _report(reports[above.client_order_id], above), _report(reports[below.client_order_id], below)

    async def fetch_order(self, order: Order) -> ExchangeReport:
        order = self._on_venue(order)
        await self._gateway.market(order.symbol)
        return _report(await self._lookup(order), order)

    async def cancel_order(self, order: Order) -> ExchangeReport:
        order = self._on_venue(order)
        await self._gateway.market(order.symbol)
        raw = await self._gateway.call(self._client.cancel_order, *self._order_ref(order))
        return _report(await self._complete(raw, order), order)

    async def _complete(self, raw: dict[str, Any], order: Order) -> dict[str, Any]:
        """Some exchanges (Bybit) acknowledge with the ids only: then the order is read back."""
        if raw.get("status") is not None or raw.get("id") is None:
            return raw
        return await self._lookup(replace(order, exchange_order_id=str(raw["id"])))

    async def _lookup(self, order: Order) -> dict[str, Any]:
        if self._client.id == "bybit":
            return await self._bybit_lookup(order)
        raw = await self._gateway.call(self._client.fetch_order, *self._order_ref(order))
        return await self._triggered(raw, order)

    def _is_algo(self, order: Order) -> bool:
        """Binance USDⓈ-M keeps conditional orders (stop-market, take-profit-market) apart, as algo orders."""
        return self._client.id == "binance" and self.market_type == "swap" and order.order_type in CONDITIONAL

    async def _triggered(self, raw: dict[str, Any], order: Order) -> dict[str, Any]:
        """A Binance algo order that has triggered placed a market order of its own: its fills are
        that order's, reported under the algo order's id (the one we follow)."""
        actual = (raw.get("info") or {}).get("actualOrderId")
        if not self._is_algo(order) or actual in (None, "", "0", 0):
            return raw
        placed = await self._gateway.call(self._client.fetch_order, str(actual), order.symbol, {})
        return placed | {"id": raw["id"], "clientOrderId": raw.get("clientOrderId")}

    async def _bybit_lookup(self, order: Order) -> dict[str, Any]:
        """Bybit's order query, by order id or by our client id (``orderLinkId``); ccxt's
        ``fetch_order`` there only takes the exchange's id."""
        market = await self._gateway.market(order.symbol)
        ref = {"orderId": order.exchange_order_id} if order.exchange_order_id else {"orderLinkId": order.client_order_id}
        request = {"category": "spot" if market.get("spot") else "linear", "symbol": market["id"], **ref}
        raw = await self._gateway.call(self._client.private_get_v5_order_realtime, request)
        rows = (raw.get("result") or {}).get("list") or []
        if not rows:
            raise OrderNotFound()
        with localcontext():  # see CcxtGateway.call
            return self._client.parse_order(rows[0], market)

    async def close(self) -> None:
        await self._gateway.close()

    async def watch_order_changes(self) -> list[str]:
        """Wait for the exchange to push order changes (its private websocket); the client ids of
        the orders that changed. ``OrderStreamUnsupported`` where it has no such stream."""
        if self._client.id not in ORDER_STREAMS or not self._client.has.get("watchOrders"):
            raise OrderStreamUnsupported()
        try:
            with localcontext():  # see CcxtGateway.call
                raw = await self._client.watch_orders()
        except ccxt.NotSupported as error:
            raise OrderStreamUnsupported() from error
        except ccxt.BaseError as error:
            await self._client.close_ws_clients()  # the next watch starts afresh: connect, authenticate
            raise translate(error) from error
        return [str(order.get("clientOrderId") or order.get("id")) for order in raw]

    async def _placed(self, order: Order) -> dict[str, Any] | None:
        """The order as placed under our client id, if the lost request reached the exchange."""
        try:
            return await self._lookup(order)
        except OrderNotFound:
            return None

    def _is_spot_conditional(self, order: Order) -> bool:
        """Bybit spot keeps conditional orders apart (``orderFilter=StopOrder``): a cancel must say so."""
        return self._client.id == "bybit" and self.market_type == "spot" and order.order_type in CONDITIONAL

    def _order_ref(self, order: Order) -> tuple[Any, ...]:
        algo = {"trigger": True} if self._is_algo(order) or self._is_spot_conditional(order) else {}
        if order.exchange_order_id is not None:
            return order.exchange_order_id, order.symbol, algo
        return None, order.symbol, {"clientOrderId": order.client_order_id} | algo

    def _order_arguments(self, order: Order) -> tuple[Any, ...]:
        with localcontext():  # see CcxtGateway.call
            return self._order_arguments_in_context(order)

    def _order_arguments_in_context(self, order: Order) -> tuple[Any, ...]:
        symbol = order.symbol
        amount = float(self._client.amount_to_precision(symbol, order.quantity))
        params: dict[str, Any] = {"clientOrderId": order.client_order_id}
        if order.reduce_only and self.market_type == "swap":
            params["reduceOnly"] = True
        if self.attaches_protection and order.side is OrderSide.BUY:
            # The exchange's own conditional orders guard the position, even while the bot is down.
            if order.stop_loss is not None:
                params["stopLoss"] = {"triggerPrice": float(self._client.price_to_precision(symbol, order.stop_loss))}
            if order.take_profit is not None:
                params["takeProfit"] = {"triggerPrice": float(self._client.price_to_precision(symbol, order.take_profit))}
        price = None
        if order.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
            price = float(self._client.price_to_precision(symbol, order.price))
        if order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TAKE_PROFIT):
            trigger = float(self._client.price_to_precision(symbol, order.stop_price))
            if order.order_type is OrderType.TAKE_PROFIT and self.market_type == "swap":
                params["takeProfitPrice"] = trigger
            elif self.market_type == "swap":  # stop-market, reduce-only: Binance's algo order, Bybit's conditional
                params["stopLossPrice"] = trigger
            else:
                params["triggerPrice"] = trigger
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
            side=OrderSide(trade.get("side") or raw.get("side") or order.side.value),
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
        symbol=raw.get("symbol") or order.symbol,
        side=OrderSide(raw.get("side") or order.side.value),
        order_type=OrderType.LIMIT if raw.get("type") == "limit" else OrderType.MARKET,
        status=_status(raw),
        amount=decimal(raw.get("amount")) or ZERO,
        filled=decimal(raw.get("filled")) or ZERO,
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
