"""Signal tracking benchmark: the in-memory cost of one price tick per executed signal.

    .venv/bin/python benchmarks/signal_tick_bench.py [--signals 1000] [--rounds 5]

Each signal is a 10x futures long with three targets and a stop; one round walks every signal
through entry, TP1, TP2 and the stop (advance() on its track plus on_price() on its trade book).
The baseline, measured in the same run, is the spot paper engine checking one resting limit order
per signal on the same ticks: the figure is how many times more a signal tick costs than that.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.enums import OrderSide, OrderStatus, OrderType  # noqa: E402
from domain.exchanges.paper import PaperEngine  # noqa: E402
from domain.models import Balance, Market, Order  # noqa: E402
from domain.signal_trade import ExecutionSettings, plan_trade  # noqa: E402
from domain.signals import Track, TrackingRules, TradeSignal, advance  # noqa: E402

AT = datetime(2026, 11, 30, tzinfo=UTC)
MARKET = Market("BTC/USDT", "BTC", "USDT", 2, 5, Decimal("0.00001"))
SIGNAL = TradeSignal.from_entities({"symbol": "BTC/USDT", "side": "buy", "entries": [61000, 61500],
                                    "take_profits": [62500, 63500, 65000], "stop_loss": 60200, "leverage": 10})
TICKS = [Decimal(p) for p in ("64000", "61450", "62500", "62500", "63600", "61500")]


def signals_round(count: int) -> float:
    books = [(Track(stop=SIGNAL.stop_loss), plan_trade(SIGNAL, ExecutionSettings(), MARKET, TICKS[0]),
              {"USDT": Balance("USDT", Decimal(100000)), "BTC": Balance("BTC")}) for _ in range(count)]
    rules = TrackingRules()
    started = time.perf_counter()
    for price in TICKS:
        for track, trade, wallet in books:
            advance(SIGNAL, track, price, AT, rules)
            if track.stop is not None:
                trade.move_stop(track.stop)
            trade.on_price(price, AT, wallet)
    return time.perf_counter() - started


def engine_round(count: int) -> float:
    engine = PaperEngine(slippage_percent=Decimal("0.05"))
    books = []
    for _ in range(count):
        order = Order(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "BTC/USDT", OrderSide.BUY, OrderType.LIMIT,
                      Decimal("0.01"), uuid.uuid4().hex, AT, OrderStatus.OPEN, price=Decimal(50000))
        books.append((order, {"USDT": Balance("USDT", Decimal(0), Decimal(100000)), "BTC": Balance("BTC")}))
    started = time.perf_counter()
    for price in TICKS:
        for order, wallet in books:
            engine.on_price(order, MARKET, wallet, price, AT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    signal_times = [signals_round(args.signals) for _ in range(args.rounds)]
    engine_times = [engine_round(args.signals) for _ in range(args.rounds)]
    signal_tick = statistics.median(signal_times) / (len(TICKS) * args.signals)
    engine_tick = statistics.median(engine_times) / (len(TICKS) * args.signals)
    print(f"signals: {args.signals}, ticks per round: {len(TICKS)}, rounds: {args.rounds}")
    print(f"signal tick (track + trade book): {signal_tick * 1e6:.1f} µs per signal "
          f"= {signal_tick / engine_tick:.1f}x the spot engine's resting-order check ({engine_tick * 1e6:.1f} µs)")
    print(f"ticks per second for {args.signals} signals: {1 / (signal_tick * args.signals):.0f}")


if __name__ == "__main__":
    main()
