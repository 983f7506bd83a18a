"""Paper trading benchmark: price ticks per second with N resting orders, and the cost of a
preview + confirm round trip.

    .venv/bin/python benchmarks/paper_engine_bench.py [--orders 1000] [--rounds 30]

Each figure comes with a ratio to a baseline measured in the same run, since absolute timings on
a shared machine are noisy:
- the in-memory engine against a bare loop calling a no-op per order (the floor for any per-order
  work in Python);
- a database-backed tick with N resting orders against the same tick with none;
- preview and confirm against one bare unit of work (SELECT 1 + commit) plus one Redis GET.
Needs the PostgreSQL (BENCH_POSTGRES_URL) and Redis (BENCH_REDIS_URL) the tests use; works in a
scratch database it drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db.engine import create_engine, create_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.repositories.confirmations import RedisConfirmationStore  # noqa: E402
from db.repositories.trading_uow import TradingUnitOfWork  # noqa: E402
from domain.enums import OrderSide, OrderType  # noqa: E402
from domain.exchanges.paper import PaperEngine  # noqa: E402
from domain.market_data.simulated import SimulatedMarketData  # noqa: E402
from domain.models import Balance, Market, Order, OrderRequest  # noqa: E402
from domain.services.order_monitor import PaperOrderMonitor  # noqa: E402
from domain.services.orders import OrderService, TradingPolicy  # noqa: E402
from domain.services.paper_broker import PaperBroker  # noqa: E402
from domain.services.portfolio import PortfolioService  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
NOW = datetime(2026, 3, 4, 13, 7, tzinfo=UTC)
USERS = 10
SLIPPAGE = Decimal("0.05")


def median_seconds(samples: list[float]) -> float:
    return statistics.median(samples)


def order(portfolio_id: uuid.UUID, user_id: uuid.UUID, side: OrderSide, kind: OrderType, **prices: Decimal) -> Order:
    return Order(id=uuid.uuid4(), user_id=user_id, portfolio_id=portfolio_id, symbol="BTC/USDT", side=side,
                 order_type=kind, quantity=Decimal("0.001"), client_order_id=f"bench-{uuid.uuid4().hex[:20]}",
                 created_at=NOW, **prices)


def resting_book(engine: PaperEngine, market: Market, count: int, price: Decimal):
    """``count`` resting orders spread over limit buys/sells, stops and trailing stops, none near the price."""
    wallet = {"USDT": Balance("USDT", Decimal(10**12)), "BTC": Balance("BTC", Decimal(10**6))}
    pid, uid = uuid.uuid4(), uuid.uuid4()
    kinds = [
        (OrderSide.BUY, OrderType.LIMIT, {"price": price * Decimal("0.5")}),
        (OrderSide.SELL, OrderType.LIMIT, {"price": price * 2}),
        (OrderSide.SELL, OrderType.STOP, {"stop_price": price * Decimal("0.5")}),
        (OrderSide.SELL, OrderType.TRAILING_STOP, {"trailing_percent": Decimal(40)}),
    ]
    orders = [order(pid, uid, *kinds[i % len(kinds)][:2], **kinds[i % len(kinds)][2]) for i in range(count)]
    for o in orders:
        engine.submit(o, market, wallet, price, NOW)
    return orders, wallet


def bench_engine(counts: list[int], rounds: int) -> None:
    print("paper engine, in memory (PaperEngine.on_price over every resting order)")
    engine, feed = PaperEngine(SLIPPAGE), SimulatedMarketData(seed=1, clock=lambda: NOW)
    market = asyncio.run(feed.market("BTC/USDT"))
    prices = [c.close for c in asyncio.run(feed.ohlcv("BTC/USDT", "1m", rounds))]

    def nothing(*_: object) -> None:
        return None

    for count in counts:
        orders, wallet = resting_book(engine, market, count, prices[0])
        engine_times, floor_times = [], []
        for price in prices:
            start = time.perf_counter()
            for o in orders:
                engine.on_price(o, market, wallet, price, NOW)
            engine_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            for o in orders:
                nothing(o, market, wallet, price, NOW)
            floor_times.append(time.perf_counter() - start)
        tick, floor = median_seconds(engine_times), median_seconds(floor_times)
        print(f"  {count:>6} orders: {1 / tick:>10,.0f} ticks/s  {tick / count * 1e6:6.2f} µs/order"
              f"  x{tick / floor:5.1f} a no-op call per order")


async def scratch_database() -> str:
    name = f"tsr_bench_{os.getpid()}"
    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    await conn.close()


async def timed(action: Callable[[], Awaitable[object]], rounds: int) -> float:
    await action()  # warm up: connections, statement caches
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return median_seconds(samples)


class Bench:
    def __init__(self, session_factory, redis) -> None:
        self.session_factory = session_factory
        self.redis = redis
        self.feed = SimulatedMarketData(seed=1, clock=lambda: NOW)
        self.broker = PaperBroker(PaperEngine(SLIPPAGE))
        self.portfolios = PortfolioService(self.feed, quote_asset="USDT", starting_balance=Decimal(10**9))
        policy = TradingPolicy(confirmation_ttl_seconds=120, price_tolerance_percent=Decimal(1), max_position_percent=Decimal(25))
        self.orders = OrderService(self.feed, RedisConfirmationStore(redis), self.broker, self.portfolios, policy,
                                   clock=lambda: NOW)
        self.monitor = PaperOrderMonitor(self.broker, clock=lambda: NOW)
        self.users: list[uuid.UUID] = []

    def unit(self) -> TradingUnitOfWork:
        return TradingUnitOfWork(self.session_factory)

    async def create_users(self) -> None:
        async with self.session_factory() as session:
            for i in range(USERS):
                self.users.append((await session.execute(
                    text("insert into users (username) values (:n) returning id"), {"n": f"bench{i}"})).scalar())
            await session.commit()

    async def rest_orders(self, symbol: str, count: int, price: Decimal) -> None:
        """``count`` limit buys at ``price`` spread over the users, placed through the broker."""
        market = await self.feed.market(symbol)
        for index, user in enumerate(self.users):
            async with self.unit() as uow:
                portfolio = await self.portfolios.ensure_default(uow, user)
                await uow.pairs.ensure(market, portfolio.exchange)
                wallet = await uow.balances.lock_wallet(portfolio.id, [market.base, market.quote])
                for _ in range(count // USERS + (index < count % USERS)):
                    resting = Order(id=uuid.uuid4(), user_id=user, portfolio_id=portfolio.id, symbol=symbol,
                                    side=OrderSide.BUY, order_type=OrderType.LIMIT, quantity=market.min_amount * 10,
                                    client_order_id=f"bench-{uuid.uuid4().hex[:20]}", created_at=NOW,
                                    price=market.round_price(price))
                    await self.broker.place(uow, resting, market, wallet, price * 2)
                await uow.balances.save(portfolio.id, wallet)
                await uow.commit()

    async def tick(self, symbol: str, price: Decimal) -> int:
        async with self.unit() as uow:
            return len(await self.monitor.on_price(uow, symbol, price))

    async def preview(self) -> str:
        async with self.unit() as uow:
            return (await self.orders.preview(uow, self.users[0], OrderRequest("BTC/USDT", OrderSide.BUY, amount=Decimal("0.001")))).token

    async def confirm(self, token: str) -> None:
        async with self.unit() as uow:
            await self.orders.confirm(uow, token, self.users[0])

    async def bare_round_trip(self) -> None:
        async with self.unit() as uow:
            await uow.session.execute(text("select 1"))
            await uow.commit()
        await self.redis.get("bench:nothing")


async def bench_database(counts: list[int], fills: int, rounds: int) -> None:
    url = await scratch_database()
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url, pool_size=5)
    redis = aioredis.from_url(REDIS_URL)
    try:
        bench = Bench(create_session_factory(engine), redis)
        await bench.create_users()
        price = (await bench.feed.ticker("BTC/USDT")).last
        await bench.rest_orders("BTC/USDT", 0, price)  # the pair and portfolios exist, no orders
        print("database-backed tick (PaperOrderMonitor.on_price: query, lock, fill, audit, commit)")
        baseline = await timed(lambda: bench.tick("BTC/USDT", price), rounds)
        print(f"  {0:>6} resting: {baseline * 1e3:7.2f} ms/tick  {1 / baseline:7.0f} ticks/s  (baseline)")
        placed = 0
        for count in counts:
            await bench.rest_orders("BTC/USDT", count - placed, price * Decimal("0.5"))
            placed = count
            tick = await timed(lambda: bench.tick("BTC/USDT", price), rounds)
            print(f"  {count:>6} resting, none due: {tick * 1e3:7.2f} ms/tick  {1 / tick:7.0f} ticks/s  x{tick / baseline:5.2f} baseline")
        eth = (await bench.feed.ticker("ETH/USDT")).last
        await bench.rest_orders("ETH/USDT", fills, eth * Decimal("0.99"))
        start = time.perf_counter()
        filled = await bench.tick("ETH/USDT", eth * Decimal("0.98"))
        elapsed = time.perf_counter() - start
        print(f"  {filled:>6} due and filled in one tick: {elapsed * 1e3:7.1f} ms  {elapsed / filled * 1e3:5.2f} ms/fill"
              f"  x{elapsed / filled / baseline:5.2f} baseline per fill")

        print("preview + confirm round trip (simulated market, Redis token, one market order)")
        bare = await timed(bench.bare_round_trip, rounds)
        preview = await timed(bench.preview, rounds)
        tokens = [await bench.preview() for _ in range(rounds)]
        confirms = []
        for token in tokens:
            start = time.perf_counter()
            await bench.confirm(token)
            confirms.append(time.perf_counter() - start)
        confirm = median_seconds(confirms)
        print(f"  bare unit of work + Redis GET: {bare * 1e3:6.2f} ms (baseline)")
        print(f"  preview: {preview * 1e3:6.2f} ms  x{preview / bare:5.1f}   confirm: {confirm * 1e3:6.2f} ms  x{confirm / bare:5.1f}"
              f"   round trip: {(preview + confirm) * 1e3:6.2f} ms  x{(preview + confirm) / bare:5.1f}")
    finally:
        async for key in redis.scan_iter(match="confirm:*"):
            await redis.delete(key)
        await redis.aclose()
        await engine.dispose()
        await drop_database(url)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--orders", type=int, default=1000, help="resting orders in the largest case")
    options.add_argument("--rounds", type=int, default=30, help="ticks / round trips timed per figure")
    args = options.parse_args()
    sizes = sorted({max(1, args.orders // 10), args.orders})
    bench_engine(sorted({*sizes, args.orders * 10}), args.rounds)
    asyncio.run(bench_database(sizes, fills=max(1, args.orders // 10), rounds=args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
