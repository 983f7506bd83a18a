"""The side-aware consistency step of the post reader: a long has stop < entries < targets, a
short the reverse. It rejects readings that cannot be right (a leverage or list number read as a
price, a target on the losing side) and finds a stop stated as a candle-close condition."""

from __future__ import annotations

import re
from decimal import Decimal
from statistics import median
from typing import Any

from nlp.normalize import parse_digits

# A level ten times away from the entries is another kind of number (a leverage, an index, a date).
_FAR = Decimal(10)
# "1H candle close under 300", "invalid on a daily close below 0.95": the level is the stop.
CANDLE_CLOSE_RE = re.compile(
    r"\b(?:candle\s+)?clos(?:e|es|ing)\s+(?:\w+\s+){0,2}?(?P<direction>below|under|beneath|above|over)\s+\$?(?P<value>\d[\d.,]*)",
    re.IGNORECASE)


def reconcile(entries: list[Decimal], targets: list[Decimal], stop: Decimal | None,
              side: str | None) -> tuple[list[Decimal], list[Decimal], Decimal | None]:
    """Drop the levels that contradict the others: far from the entries, or targets on the losing
    side when other targets are on the winning one."""
    levels = [*entries, *targets, *([stop] if stop is not None else [])]
    reference = median(levels) if len(levels) > 2 else None
    if reference:
        def near(value: Decimal) -> bool:
            return reference / _FAR < value < reference * _FAR
        # A whole group far from the rest goes too, when the rest (two levels or more) agree.
        near_entries = [value for value in entries if near(value)]
        near_targets = [value for value in targets if near(value)]
        entries = near_entries if near_entries or len(levels) - len(entries) >= 2 else entries
        targets = near_targets if near_targets or len(levels) - len(targets) >= 2 else targets
        stop = stop if stop is None or near(stop) else None
    if side and entries and targets:
        buying = side == "buy"
        winning = [t for t in targets if (t > min(entries) if buying else t < max(entries))]
        if winning and len(winning) < len(targets):
            targets = winning
    return entries, targets, stop


def leftover_entries(leftovers: list[Decimal], side: str | None, targets: list[Decimal],
                     stop: Decimal | None) -> list[Decimal]:
    """The entry of a post that labels only its exits: the figures no label claimed that sit where an
    entry must, between the stop and the nearest target (at most two, the ends of a zone)."""
    if side is None or not targets:
        return []
    buying = side == "buy"
    nearest = min(targets) if buying else max(targets)
    fits = sorted({value for value in leftovers
                   if nearest / _FAR < value < nearest * _FAR
                   and (value < nearest if buying else value > nearest)
                   and (stop is None or (value > stop if buying else value < stop))})
    return fits if len(fits) <= 2 else []


def leftover_targets(leftovers: list[Decimal], side: str | None, entries: list[Decimal],
                     stop: Decimal | None) -> list[Decimal]:
    """The targets of a post that labels its entry and stop but not its exits ("SHORT #X 84.5" over a
    bare "82.9 / 81.7 / 80.2" line): every unclaimed figure, in the order written, when all of them sit
    beyond the entries on the profit side, away from the stop."""
    if side is None or not entries or stop is None:
        return []
    buying = side == "buy"
    if (stop >= min(entries)) if buying else (stop <= max(entries)):
        return []  # a stop on the wrong side: the post is read some other way
    edge = max(entries) if buying else min(entries)
    fits = [value for value in leftovers if edge < value < edge * _FAR] if buying else \
        [value for value in leftovers if edge / _FAR < value < edge]
    return fits if fits and len(fits) == len(leftovers) else []


def candle_close_stop(text: str, side: str | None) -> Decimal | None:
    """A stop given as a close beyond a level: below it for a long, above it for a short."""
    for match in CANDLE_CLOSE_RE.finditer(text):
        below = match.group("direction").lower() in ("below", "under", "beneath")
        if side is None or below == (side == "buy"):
            return parse_digits(match.group("value").rstrip(".,"))
    return None


def consistency_problems(entities: dict[str, Any]) -> list[str]:
    """What does not add up in a signal: stop on the wrong side, targets out of order or on the
    wrong side of the entries, a side that contradicts the prices."""
    problems = []
    side, entries = entities.get("side"), entities.get("entries") or []
    targets, stop = entities.get("take_profits") or [], entities.get("stop_loss")
    if side is None:
        problems.append("no side")
        return problems
    buying = side == "buy"
    if entries and stop is not None and (stop >= min(entries) if buying else stop <= max(entries)):
        problems.append("stop on the wrong side of the entries")
    if entries and targets and any((t <= min(entries)) if buying else (t >= max(entries)) for t in targets):
        problems.append("targets on the wrong side of the entries")
    if len(targets) > 1 and targets != sorted(targets, reverse=not buying):
        problems.append("targets not ordered for the side")
    prices = [*entries, *targets] + ([stop] if stop is not None else [])
    if len(prices) > 2 and max(prices) > 10 * median(prices):
        problems.append("a level far from the others")
    return problems
