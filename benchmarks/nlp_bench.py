"""NLP parser benchmark: accuracy on any labelled file, and parse latency against a baseline.

    .venv/bin/python benchmarks/nlp_bench.py                                  # both shared dev files
    .venv/bin/python benchmarks/nlp_bench.py ../shared/nlp-dev-2.jsonl --half holdout
    .venv/bin/python benchmarks/nlp_bench.py FILE [FILE ...] [--repeat N] [--fields] [--failures]

For each file (and, for dev-2, its tune and holdout halves, see ``nlp.evaluation.split_half``)
it prints command_type and intent accuracy, entity F1 on typed messages and on channel posts,
the share of signal posts and follow-ups with every field right, type accuracy on the items
marked tricky, per-field F1 and the command-type confusion pairs.

Latency is reported next to a baseline measured in the same run on the same texts (bare
``spacy.blank("en")`` tokenisation), since absolute timings on a shared machine are noisy.
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

from nlp.calibration import Calibration, expected_calibration_error  # noqa: E402
from nlp.evaluation import Report, evaluate, load_items, split_half  # noqa: E402
from nlp.intent_model import MODEL_DIR  # noqa: E402
from nlp.parser import RuleParser  # noqa: E402

SHARED = ROOT / ".." / "shared"
DEFAULT_FILES = [SHARED / "nlp-dev.jsonl", SHARED / "nlp-dev-2.jsonl"]
TABLE = (
    ("command_type accuracy", "command_type_accuracy"),
    ("intent accuracy", "intent_accuracy"),
    ("entity F1, typed messages", "typed_entity_f1"),
    ("tricky messages, type accuracy", "tricky_type_accuracy"),
    ("signal posts, every field right", "signal_exact_share"),
    ("follow-ups, every field right", "followup_exact_share"),
    ("entity F1, channel posts", "post_entity_f1"),
    ("entity F1, all", "f1"),
)


def timings(function: Callable[[str], object], texts: list[str], repeat: int) -> list[float]:
    """Per text, the fastest of ``repeat`` runs: on a shared machine the minimum is the stable figure."""
    samples = []
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            function(text)
            best = min(best, time.perf_counter() - start)
        samples.append(best)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_report(title: str, report: Report, *, fields: bool, failures: bool,
                 hidden_ids: frozenset[str] = frozenset(), calibration: Calibration = Calibration()) -> None:
    counts = (f"{report.items} items: {report.items - report.signal_posts - report.followups} typed, "
              f"{report.signal_posts} signal posts, {report.followups} follow-ups, {report.tricky} tricky")
    print(f"\n== {title} ({counts})")
    for label, attribute in TABLE:
        print(f"  {label:<34} {getattr(report, attribute):.3f}")
    if report.typed_readings:
        misread, acted = report.misread_share_at_or_above()
        raw = expected_calibration_error([(calibration.invert(c), right) for c, right in report.typed_readings])
        print(f"  {'typed confidence ECE':<34} {report.typed_ece:.3f} (uncalibrated {raw:.3f})")
        print(f"  {'typed misread, confidence >= 0.6':<34} {misread:.3f} (of {acted})")
    if fields:
        print("  per-field F1: " + ", ".join(f"{k} {v:.2f}" for k, v in report.field_f1().items()))
    if report.confusions:
        pairs = ", ".join(f"{e}->{g} {n}" for (e, g), n in report.confusions.most_common(8))
        print(f"  confusions (expected->got): {pairs}")
    if failures:
        for failure in report.failures:
            if failure["id"] in hidden_ids:
                continue  # a holdout item inside a whole-file report: scored, never shown
            print("  FAIL", json.dumps(failure, ensure_ascii=False)[:400])


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("files", nargs="*", type=Path, help="labelled JSONL files (default: both dev files)")
    options.add_argument("--half", choices=("tune", "holdout"), help="score only this half of each file")
    options.add_argument("--repeat", type=int, default=5, help="runs per text in the latency measure (the fastest counts)")
    options.add_argument("--fields", action="store_true", help="print per-field F1")
    options.add_argument("--failures", action="store_true", help="print every item not fully right")
    args = options.parse_args()
    files = args.files or [path for path in DEFAULT_FILES if path.exists()]
    if not files:
        print(f"no labelled files found under {SHARED.resolve()}", file=sys.stderr)
        return 1

    parser = RuleParser()
    parse = lambda text: parser.parse(text).to_dict()  # noqa: E731
    all_texts: list[str] = []
    for path in files:
        items = load_items(path)
        all_texts += [item["text"] for item in items]
        halves = [args.half] if args.half else (["tune", "holdout"] if "dev-2" in path.name else [])
        parts = [("", items)] if not args.half else []
        parts += [(f" [{half} half]", [item for item in items if split_half(item) == half]) for half in halves]
        # The holdout half is never read item by item, not even inside a report on the whole file.
        hidden = frozenset(item["id"] for item in items if split_half(item) == "holdout") if "dev-2" in path.name \
            else frozenset()
        for suffix, chosen in parts:
            show_failures = args.failures and "holdout" not in suffix
            for kind, subset in (("typed", [i for i in chosen if not i.get("source")]),
                                 ("posts", [i for i in chosen if i.get("source")])):
                if subset:
                    print_report(f"{path.name}{suffix} {kind}", evaluate(subset, parse), fields=args.fields,
                                 failures=show_failures, hidden_ids=hidden, calibration=Calibration.load(MODEL_DIR))

    baseline = spacy.blank("en")
    for text in all_texts:  # warm caches and string stores
        parse(text)
        baseline(text)
    gc.collect()
    gc.disable()  # keep collector pauses out of the percentiles of both runs alike
    started = time.perf_counter()
    parse_samples = timings(parser.parse, all_texts, args.repeat)
    elapsed = time.perf_counter() - started
    base_samples = timings(baseline, all_texts, args.repeat)
    gc.enable()
    p50, p99 = percentile(parse_samples, 0.50), percentile(parse_samples, 0.99)
    b50, b99 = percentile(base_samples, 0.50), percentile(base_samples, 0.99)
    print(f"\nlatency over {len(all_texts)} texts, each the fastest of {args.repeat} runs")
    print(f"  parse     p50 {p50 * 1e3:.3f} ms   p99 {p99 * 1e3:.3f} ms   "
          f"mean {statistics.fmean(parse_samples) * 1e3:.3f} ms   max {max(parse_samples) * 1e3:.3f} ms")
    print(f"  baseline  p50 {b50 * 1e3:.3f} ms   p99 {b99 * 1e3:.3f} ms   (spacy.blank tokenise, same run)")
    print(f"  ratio     p50 {p50 / b50:.1f}x   p99 {p99 / b99:.1f}x")
    print(f"  throughput {len(all_texts) * args.repeat / elapsed:,.0f} messages/s (single thread)")
    print(f"nlp: p99_ms={p99 * 1e3:.2f} ratio_p99={p99 / b99:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
