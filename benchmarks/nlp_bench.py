"""NLP parser benchmark: latency p50/p99 and throughput, plus accuracy on the shared dev set.

    .venv/bin/python benchmarks/nlp_bench.py [--repeat N]

Latency is also reported as a ratio to a baseline measured in the same run on the same texts
(bare ``spacy.blank("en")`` tokenisation), since absolute timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from nlp.evaluation import evaluate, load_items  # noqa: E402
from nlp.parser import RuleParser  # noqa: E402

DEV_SET = ROOT / ".." / "shared" / "nlp-dev.jsonl"


def timings(function: Callable[[str], object], texts: list[str]) -> list[float]:
    samples = []
    for text in texts:
        start = time.perf_counter()
        function(text)
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=20, help="times the dev texts are repeated in the batch")
    args = options.parse_args()
    if not DEV_SET.exists():
        print(f"dev set not found at {DEV_SET.resolve()}", file=sys.stderr)
        return 1
    items = load_items(DEV_SET)
    texts = [item["text"] for item in items]
    parser = RuleParser()
    baseline = spacy.blank("en")
    for text in texts:  # warm caches and string stores
        parser.parse(text)
        baseline(text)

    batch = texts * args.repeat
    gc.collect()
    gc.disable()  # keep collector pauses out of the percentiles of both runs alike
    started = time.perf_counter()
    parse_samples = timings(parser.parse, batch)
    elapsed = time.perf_counter() - started
    base_samples = timings(baseline, batch)
    gc.enable()

    p50, p99 = percentile(parse_samples, 0.50), percentile(parse_samples, 0.99)
    b50, b99 = percentile(base_samples, 0.50), percentile(base_samples, 0.99)
    report = evaluate(items, lambda text: parser.parse(text).to_dict())
    print(f"batch: {len(batch)} messages ({len(texts)} dev texts x {args.repeat})")
    print(f"rule parse latency  p50 {p50 * 1e3:.3f} ms   p99 {p99 * 1e3:.3f} ms   "
          f"mean {statistics.fmean(parse_samples) * 1e3:.3f} ms   max {max(parse_samples) * 1e3:.3f} ms")
    print(f"baseline (spacy.blank tokenise) p50 {b50 * 1e3:.3f} ms   p99 {b99 * 1e3:.3f} ms")
    print(f"ratio to baseline   p50 {p50 / b50:.1f}x   p99 {p99 / b99:.1f}x")
    print(f"throughput          {len(batch) / elapsed:,.0f} messages/s (single thread)")
    print("dev-set accuracy    " + json.dumps(report.summary()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
