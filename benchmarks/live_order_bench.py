"""Live trading benchmark: what the safety of a live order costs on top of the exchange call.

    .venv/bin/python benchmarks/live_order_bench.py [--rounds 20] [--orders 20]

The exchange is a local server answering with Binance's recorded responses (the tests' one), so
every figure includes ccxt's real HTTP path. Each figure comes with a ratio to a baseline
measured in the same run:
- placing a live order (write-ahead commit, the exchange call, booking the fills as trades and a
  position, copying the balances, commit) against the bare adapter call placing the same order;
- one sync pass over N open live orders against N bare order lookups.
Needs the PostgreSQL (BENCH_POSTGRES_URL) and Redis the tests use; works in a scratch database it
drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.live_setup import LiveStack, live_stack  # noqa: E402
from benchmarks.paper_engine_bench import timed  # noqa: E402
from db.repositories.trading_uow import TradingUnitOfWork  # noqa: E402
from domain.enums import OrderSide, OrderType  # noqa: E402
from domain.models import ApiCredentials, Order  # noqa: E402
from domain.services.exchange_accounts import ExchangeAccountService  # noqa: E402
from tests.trading.fake_binance import FakeBinance, Reply, recorded  # noqa: E402

KEY, SECRET = "bench-key-000000000000000000000001", "bench-secret-0000000000000000000001"


def order(user_id: uuid.UUID, portfolio_id: uuid.UUID, order_type: OrderType = OrderType.MARKET) -> Order:
    return Order(
        id=uuid.uuid4(), user_id=user_id, portfolio_id=portfolio_id, symbol="BTC/USDT", side=OrderSide.BUY,
        order_type=order_type, quantity=Decimal("0.0015"), client_order_id=f"tsr-b{uuid.uuid4().hex[:20]}",
        created_at=datetime.now(UTC), price=Decimal("86000.46") if order_type is OrderType.LIMIT else None,
    )


async def bench(rounds: int, orders: int) -> None:
    server = FakeBinance()
    await server.start()
    try:
        async with live_stack(server.base_url) as live_setup:
            await _measure(live_setup, server, rounds, orders)
    finally:
        await server.stop()


async def _measure(setup: LiveStack, server: FakeBinance, rounds: int, orders: int) -> None:
    session_factory, connect, venue, user_id = setup.session_factory, setup.connect, setup.venue, setup.user_id
    async with TradingUnitOfWork(session_factory) as uow:
        info = await ExchangeAccountService(setup.vault, connect).connect(uow, user_id, "binance", KEY, SECRET)
    async with TradingUnitOfWork(session_factory) as uow:
        portfolio = await uow.portfolios.get(info.portfolio_id)
        market = await uow.pairs.get("BTC/USDT", "binance") or await _market(connect)
    assert portfolio is not None
    bare = connect("binance", ApiCredentials(KEY, SECRET), False, "spot")
    await bare.market("BTC/USDT")

    server.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))

    async def bare_place() -> None:
        await bare.create_order(order(user_id, portfolio.id))

    async def live_place() -> None:
        async with TradingUnitOfWork(session_factory) as uow:
            await venue.place(uow, portfolio, order(user_id, portfolio.id), market)

    base, live = await timed(bare_place, rounds), await timed(live_place, rounds)
    print(f"place one live order: {live * 1e3:7.1f} ms   bare exchange call {base * 1e3:6.1f} ms   "
          f"x{live / base:4.1f}")

    server.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    open_orders = []
    for _ in range(orders):
        async with TradingUnitOfWork(session_factory) as uow:
            placed = await venue.place(uow, portfolio, order(user_id, portfolio.id, OrderType.LIMIT), market)
            open_orders.append(placed.order)
    server.script("GET", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))  # still open

    async def bare_lookups() -> None:
        for resting in open_orders:
            await bare.fetch_order(resting)

    async def sync_pass() -> None:
        async with TradingUnitOfWork(session_factory) as uow:
            await venue.sync(uow)

    base, live = await timed(bare_lookups, max(3, rounds // 4)), await timed(sync_pass, max(3, rounds // 4))
    print(f"sync {orders} open orders:  {live * 1e3:7.1f} ms   {orders} bare lookups {base * 1e3:6.1f} ms   "
          f"x{live / base:4.1f}")
    await bare.close()


async def _market(connect):  # the pair is stored once an order was placed; before that, ask the exchange
    account = connect("binance", ApiCredentials(KEY, SECRET), False, "spot")
    try:
        return await account.market("BTC/USDT")
    finally:
        await account.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--orders", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(bench(args.rounds, args.orders))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
