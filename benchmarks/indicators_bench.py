"""Indicator speed next to TA-Lib (C), measured in the same run on the same candles.

    .venv/bin/python benchmarks/indicators_bench.py [--sizes 1000 100000] [--repeat 7]

For each indicator and size it prints the best-of-N time of ours and of TA-Lib's, and the
ratio ours / TA-Lib (below 1 is faster). VWAP is session-anchored and has no TA-Lib
counterpart; pivots take one session and are not timed. TA-Lib is a dev dependency.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import talib  # noqa: E402

from domain.services import indicators as ta  # noqa: E402
from tests.domain.candle_walk import random_walk  # noqa: E402

Case = tuple[str, Callable[[ta.Bars], object], Callable[[ta.Bars], object] | None]
CASES: list[Case] = [
    ("SMA 20", lambda b: ta.sma(b.close, 20), lambda b: talib.SMA(b.close, 20)),
    ("EMA 20", lambda b: ta.ema(b.close, 20), lambda b: talib.EMA(b.close, 20)),
    ("RSI 14", lambda b: ta.rsi(b.close, 14), lambda b: talib.RSI(b.close, 14)),
    ("MACD 12/26/9", lambda b: ta.macd(b.close), lambda b: talib.MACD(b.close, 12, 26, 9)),
    ("Bollinger 20/2", lambda b: ta.bollinger(b.close, 20, 2.0), lambda b: talib.BBANDS(b.close, 20, 2, 2, 0)),
    ("ATR 14", lambda b: ta.atr(b, 14), lambda b: talib.ATR(b.high, b.low, b.close, 14)),
    ("Stochastic 14/3/3", lambda b: ta.stochastic(b, 14, 3, 3),
     lambda b: talib.STOCH(b.high, b.low, b.close, 14, 3, 0, 3, 0)),
    ("StochRSI 14/14/3", lambda b: ta.stoch_rsi(b.close, 14, 14, 3), lambda b: talib.STOCHRSI(b.close, 14, 14, 3, 0)),
    ("OBV", ta.obv, lambda b: talib.OBV(b.close, b.volume)),
    ("ADX 14 (+DI, -DI)", lambda b: ta.adx(b, 14), lambda b: (talib.ADX(b.high, b.low, b.close, 14),
                                                             talib.PLUS_DI(b.high, b.low, b.close, 14),
                                                             talib.MINUS_DI(b.high, b.low, b.close, 14))),
    ("Ichimoku 9/26/52", ta.ichimoku, lambda b: [talib.MIDPRICE(b.high, b.low, n) for n in (9, 26, 52)]),
    ("Swing points (reach 3)", lambda b: ta.swing_points(b, 3), lambda b: (talib.MAX(b.high, 7), talib.MIN(b.low, 7))),
    ("VWAP (UTC sessions)", ta.vwap, None),
]


def best_of(function: Callable[[ta.Bars], object], bars: ta.Bars, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(bars)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"best of {args.repeat}; ratio = ours / TA-Lib {talib.__version__} (C)")
    for size in args.sizes:
        bars = random_walk(size, seed=3)
        print(f"\n{size:,} candles")
        print(f"{'indicator':<24}{'ours ms':>10}{'TA-Lib ms':>11}{'ratio':>8}")
        for name, ours, reference in CASES:
            mine = best_of(ours, bars, args.repeat) * 1000
            if reference is None:
                print(f"{name:<24}{mine:>10.3f}{'-':>11}{'-':>8}")
                continue
            theirs = best_of(reference, bars, args.repeat) * 1000
            print(f"{name:<24}{mine:>10.3f}{theirs:>11.3f}{mine / theirs:>8.1f}")


if __name__ == "__main__":
    main()
