"""Alert evaluation: the sorted index against a naive scan, measured in the same run.

100,000 active price alerts over 200 symbols (levels spread around each price), then one tick
per symbol. Indexed: the index finds the alerts each tick reached. Naive: every alert is checked
against its symbol's tick, as the evaluation did before the index. Both must find the same set.

    .venv/bin/python benchmarks/alerts_bench.py [--alerts 100000] [--symbols 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.alert_index import AlertIndex  # noqa: E402
from domain.alerts import Alert, level_reached  # noqa: E402
from domain.enums import AlertCondition  # noqa: E402


def build(alerts: int, symbols: int, rng: random.Random) -> tuple[list[Alert], dict[str, Decimal], dict[str, Decimal]]:
    names = [f"C{i:03d}/USDT" for i in range(symbols)]
    base = {s: Decimal(rng.randint(100, 100000)) for s in names}
    population = []
    for _ in range(alerts):
        symbol = rng.choice(names)
        condition = rng.choice((AlertCondition.ABOVE, AlertCondition.BELOW))
        # Levels 1-20 % away, on the side that has not fired yet.
        distance = Decimal(rng.randint(100, 2000)) / Decimal(10000)
        sign = 1 if condition is AlertCondition.ABOVE else -1
        target = (base[symbol] * (1 + sign * distance)).quantize(Decimal("0.01"))
        population.append(Alert(uuid.uuid4(), symbol, condition, target))
    # One tick per symbol: a move of up to +-1.5 % (a large tick), which fires a few hundred alerts.
    ticks = {s: (p * (1 + Decimal(rng.randint(-150, 150)) / Decimal(10000))).quantize(Decimal("0.01"))
             for s, p in base.items()}
    return population, base, ticks


def naive(population: list[Alert], ticks: dict[str, Decimal]) -> list[uuid.UUID]:
    return [a.id for a in population if level_reached(a, ticks[a.symbol])]


def indexed(index: AlertIndex, ticks: dict[str, Decimal]) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for symbol, price in ticks.items():
        found += index.price_reached(symbol, price)
    return found


def timed(fn, rounds: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--symbols", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    rng = random.Random(12)
    population, _, ticks = build(args.alerts, args.symbols, rng)
    started = time.perf_counter()
    index = AlertIndex()
    index.put_all(population)
    build_seconds = time.perf_counter() - started
    naive_seconds, naive_found = timed(lambda: naive(population, ticks), args.rounds)
    indexed_seconds, indexed_found = timed(lambda: indexed(index, ticks), args.rounds)
    if set(naive_found) != set(indexed_found) or len(indexed_found) != len(set(indexed_found)):
        print("the index and the scan disagree", file=sys.stderr)
        return 1
    ratio = naive_seconds / indexed_seconds
    print(f"alerts: {args.alerts} over {args.symbols} symbols, one tick per symbol, {len(naive_found)} fire")
    print(f"index build: {build_seconds * 1000:.0f} ms (once, at start)")
    print(f"naive scan: {naive_seconds * 1000:.2f} ms per round of ticks (median of {args.rounds})")
    print(f"indexed:    {indexed_seconds * 1000:.3f} ms per round of ticks (median of {args.rounds})")
    print(f"alerts: ratio={ratio:.0f} (naive/indexed) naive_ms={naive_seconds * 1000:.2f} "
          f"indexed_ms={indexed_seconds * 1000:.3f} fired={len(naive_found)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
