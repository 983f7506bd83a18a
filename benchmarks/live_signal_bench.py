"""Live signal benchmark: what executing a signal on a connected account costs on top of the
exchange calls it makes.

    .venv/bin/python benchmarks/live_signal_bench.py [--rounds 10] [--market swap|spot|both]

The exchange is the tests' local Binance USDⓈ-M server (swap) or Binance spot server (spot), so
every figure includes ccxt's real HTTP path. Perpetuals: one live execution (limits and leverage
check, the signal stored, the entry's write-ahead commit, the market entry, then the stop and two
take-profits as the exchange's conditional orders, each booked and audited, balances copied)
against a baseline measured in the same run: the same four orders placed by bare adapter calls.
Spot: the entry, then one OCO list per target (two lists, four legs booked) against the entry and
the two lists placed by bare adapter calls (three requests). Needs the PostgreSQL
(BENCH_POSTGRES_URL) the tests use; works in a scratch database it drops afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from benchmarks.live_setup import LiveStack, live_stack  # noqa: E402
from benchmarks.paper_engine_bench import timed  # noqa: E402
from db.repositories.signals import SignalOwner  # noqa: E402
from db.repositories.trading_uow import TradingUnitOfWork  # noqa: E402
from domain.enums import OrderSide, OrderType  # noqa: E402
from domain.models import ApiCredentials, LiveLimits, Order, Ticker  # noqa: E402
from domain.services.exchange_accounts import ExchangeAccountService  # noqa: E402
from domain.services.portfolio import PortfolioService  # noqa: E402
from domain.services.signals import SignalService  # noqa: E402
from tests.trading.fake_binance_futures import FakeBinanceFutures  # noqa: E402
from tests.trading.fake_binance_spot import FakeBinanceSpot  # noqa: E402

KEY, SECRET = "bench-futures-key-00000000000000000001", "bench-futures-secret-000000000000000001"
PRICE = Decimal("86800")
SIGNAL = {"symbol": "BTC/USDT", "side": "buy", "entry_at_market": True, "take_profits": [88000, 90000],
          "stop_loss": 84000, "leverage": 5}


class FixedPrice:
    """The bot's own price feed, at one price (the exchange fills at its own)."""

    async def ticker(self, symbol: str) -> Ticker:
        now = datetime.now(UTC)
        return Ticker(symbol, PRICE, PRICE, PRICE, PRICE, Decimal(0), Decimal(0), PRICE, PRICE, now)


def bare_orders(user_id: uuid.UUID, portfolio_id: uuid.UUID) -> list[Order]:
    tag = secrets.token_hex(4)
    base = Order(id=uuid.uuid4(), user_id=user_id, portfolio_id=portfolio_id, symbol="BTC/USDT", side=OrderSide.BUY,
                 order_type=OrderType.MARKET, quantity=Decimal("0.005"), client_order_id=f"bare-{tag}-entry",
                 created_at=datetime.now(UTC))
    exits = [(OrderType.STOP, Decimal("84000"), "0.005", "stop"), (OrderType.TAKE_PROFIT, Decimal("88000"), "0.002", "tp1"),
             (OrderType.TAKE_PROFIT, Decimal("90000"), "0.003", "tp2")]
    return [base] + [replace(base, id=uuid.uuid4(), side=OrderSide.SELL, order_type=kind, stop_price=trigger,
                             quantity=Decimal(quantity), reduce_only=True, client_order_id=f"bare-{tag}-{name}")
                     for kind, trigger, quantity, name in exits]


def bare_spot_calls(bare, user_id: uuid.UUID, portfolio_id: uuid.UUID):
    """The spot execution's three requests as bare adapter calls: the entry, then two OCO lists."""

    async def place() -> None:
        entry, stop, tp1, tp2 = bare_orders(user_id, portfolio_id)  # new client ids each round
        await bare.create_order(replace(entry, quantity=Decimal("0.00115")))
        for number, (target, quantity) in enumerate(((tp1, "0.00057"), (tp2, "0.00058")), start=1):
            above = replace(target, order_type=OrderType.LIMIT, price=target.stop_price, stop_price=None,
                            quantity=Decimal(quantity))
            below = replace(stop, id=uuid.uuid4(), order_type=OrderType.STOP_LIMIT, price=Decimal("83580"),
                            quantity=Decimal(quantity), client_order_id=f"{stop.client_order_id}{number}")
            await bare.create_oco(above, below, f"{entry.client_order_id}-oco{number}")

    return place


async def bench(rounds: int, markets: list[str]) -> None:
    for market_type in markets:
        server = FakeBinanceSpot() if market_type == "spot" else FakeBinanceFutures()
        await server.start()
        try:
            async with live_stack(server.base_url) as live_setup:
                await _measure(live_setup, rounds, market_type)
        finally:
            await server.stop()


async def _measure(setup: LiveStack, rounds: int, market_type: str) -> None:
    session_factory, connect, user_id = setup.session_factory, setup.connect, setup.user_id
    market = FixedPrice()
    portfolios = PortfolioService(market, quote_asset="USDT", starting_balance=Decimal(10000))  # type: ignore[arg-type]
    signals = SignalService(market, portfolios, live=setup.venue.signals)  # type: ignore[arg-type]
    async with session_factory() as session:
        telegram_id = (await session.execute(text(
            "INSERT INTO telegram_users (telegram_id, chat_id, user_id, status) VALUES (7, 7, :u, 'active') "
            "RETURNING id"), {"u": user_id})).scalar()
        await session.commit()
    owner = SignalOwner(telegram_id, user_id)
    async with TradingUnitOfWork(session_factory) as uow:
        info = await ExchangeAccountService(setup.vault, connect).connect(uow, user_id, "binance", KEY, SECRET,
                                                                       market_type=market_type)
        await uow.live.set_limits(user_id, LiveLimits(max_order_value=Decimal(10**9),
                                                      confirm_above_value=Decimal(10**9),
                                                      daily_loss_limit=Decimal(10**9)))
        await uow.commit()
    bare = connect("binance", ApiCredentials(KEY, SECRET), False, market_type)
    await bare.market("BTC/USDT")

    async def bare_futures() -> None:
        for order in bare_orders(user_id, info.portfolio_id):
            await bare.create_order(order)

    async def live_execute() -> None:
        async with TradingUnitOfWork(session_factory) as uow:
            await signals.execute_live(uow, owner, SIGNAL, token=secrets.token_urlsafe(6), account=1,
                                       second_tap=True)

    if market_type == "spot":
        base = await timed(bare_spot_calls(bare, user_id, info.portfolio_id), rounds)
        live = await timed(live_execute, rounds)
        print(f"execute a signal live on spot (entry, 2 OCO lists): {live * 1e3:7.1f} ms   "
              f"3 bare exchange calls {base * 1e3:6.1f} ms   x{live / base:4.1f}")
    else:
        base, live = await timed(bare_futures, rounds), await timed(live_execute, rounds)
        print(f"execute a signal live (entry, stop, 2 targets): {live * 1e3:7.1f} ms   "
              f"4 bare exchange calls {base * 1e3:6.1f} ms   x{live / base:4.1f}")
    await bare.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--market", choices=("swap", "spot", "both"), default="both")
    args = parser.parse_args()
    asyncio.run(bench(args.rounds, ["swap", "spot"] if args.market == "both" else [args.market]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
