"""Composition of the trading core: market data (simulated or ccxt, behind the Redis cache), the
paper engine, the confirmation store and the services the handlers and scheduler call.

Takes plain values (the caller reads them from the settings) and the already-built database
session factory and Redis client; builds nothing global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.crypto import SecretBox
from db.market_cache import CachedMarketData
from db.repositories.confirmations import RedisConfirmationStore
from db.repositories.credentials import CredentialVault
from db.repositories.trading_uow import TradingUnitOfWork
from domain.exchanges.ccxt_exchange import CcxtExchange
from domain.exchanges.paper import PaperEngine
from domain.exchanges.pool import AccountPool
from domain.market_data.ccxt_feed import CcxtMarketData
from domain.market_data.simulated import SimulatedMarketData
from domain.models import ApiCredentials
from domain.ports import ExchangePort, MarketDataPort
from domain.services.exchange_accounts import ExchangeAccountService
from domain.services.live_streams import OrderStreams
from domain.services.live_trading import LiveVenue
from domain.services.market_analysis import MarketAnalysisService
from domain.services.order_changes import OrderChangeService
from domain.services.order_monitor import PaperOrderMonitor
from domain.services.orders import OrderService, TradingPolicy
from domain.services.paper_broker import PaperBroker
from domain.services.portfolio import PortfolioService
from domain.services.risk import RiskService


@dataclass(frozen=True)
class TradingServices:
    uow_factory: Callable[[], TradingUnitOfWork]  # units of work the services below expect
    market_data: MarketDataPort
    portfolios: PortfolioService
    orders: OrderService
    changes: OrderChangeService
    monitor: PaperOrderMonitor  # a price consumer for the scheduler's price watch
    analysis: MarketAnalysisService  # also the alerts' price source (current_price, price_at)
    risk: RiskService
    accounts: ExchangeAccountService | None  # None without ENCRYPTION_KEY: keys cannot be stored
    live: LiveVenue | None = None  # orders on connected accounts; None without ENCRYPTION_KEY
    streams: OrderStreams | None = None  # the accounts' order streams (websockets), started by the live sync job
    _feed: CcxtMarketData | None = None
    _pool: AccountPool | None = None

    async def close(self) -> None:
        if self.streams is not None:
            await self.streams.close()
        if self._feed is not None:
            await self._feed.close()
        if self._pool is not None:
            await self._pool.close()


def exchange_connector(api_url: str | None = None) -> Callable[[str, ApiCredentials, bool, str], ExchangePort]:
    """Builds users' exchange adapters; ``api_url`` sends their REST calls to another host (a local
    recording of the exchange for demos and tests), testnet and live alike."""

    def connect(exchange_id: str, credentials: ApiCredentials, is_testnet: bool, market_type: str) -> ExchangePort:
        return CcxtExchange.connect(exchange_id, credentials, sandbox=is_testnet, market_type=market_type,
                                    api_url=api_url)

    return connect


def build_trading_services(
    *,
    session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    exchange_id: str = "binance",
    market_data: Literal["simulated", "ccxt"] = "simulated",
    market_cache_ttl_seconds: int = 10,
    market_cache_local_seconds: float = 1.0,
    paper_starting_balance: Decimal = Decimal("10000"),
    paper_quote_asset: str = "USDT",
    paper_slippage_percent: Decimal = Decimal("0.05"),
    confirmation_ttl_seconds: int = 120,
    price_tolerance_percent: Decimal = Decimal("1.0"),
    max_position_percent: Decimal = Decimal("25"),
    max_leverage: Decimal = Decimal(1),
    encryption_key: str | None = None,
    simulation_seed: int = 1,
    exchange_api_url: str | None = None,
    feed: CcxtMarketData | None = None,
) -> TradingServices:
    """``feed``: a ccxt feed built elsewhere (the tests point one at a local exchange server)."""
    if feed is None and market_data == "ccxt":
        feed = CcxtMarketData.public(exchange_id)
    source: MarketDataPort = feed if feed is not None else SimulatedMarketData(seed=simulation_seed)
    prices = CachedMarketData(
        source, redis, ttl_seconds=market_cache_ttl_seconds, local_seconds=market_cache_local_seconds)
    broker = PaperBroker(PaperEngine(slippage_percent=paper_slippage_percent))
    portfolios = PortfolioService(prices, quote_asset=paper_quote_asset, starting_balance=paper_starting_balance)
    policy = TradingPolicy(confirmation_ttl_seconds, price_tolerance_percent, max_position_percent)
    accounts = venue = pool = streams = None
    if encryption_key:
        connect = exchange_connector(exchange_api_url)
        pool = AccountPool(connect)  # stored accounts reuse their client; a key being checked gets its own
        vault = CredentialVault(SecretBox(encryption_key), pool)
        accounts = ExchangeAccountService(vault, connect)
        venue = LiveVenue(vault, broker)
        streams = OrderStreams(venue, lambda: TradingUnitOfWork(session_factory))
    return TradingServices(
        uow_factory=lambda: TradingUnitOfWork(session_factory),
        market_data=prices,
        portfolios=portfolios,
        orders=OrderService(prices, RedisConfirmationStore(redis), broker, portfolios, policy, venue=venue),
        changes=OrderChangeService(prices, broker, portfolios),
        monitor=PaperOrderMonitor(broker),
        analysis=MarketAnalysisService(prices),
        risk=RiskService(prices, portfolios, max_position_percent=max_position_percent, max_leverage=max_leverage),
        accounts=accounts,
        live=venue,
        streams=streams,
        _feed=feed,
        _pool=pool,
    )
