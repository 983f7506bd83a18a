"""Channel follow-up posts (TP hit, stop hit, stop moved, closed, cancelled) and the markers
that tell such a post apart from the user typing the same words as their own command."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nlp.normalize import NUMBER_RE, normalize_text, number_from_match
from nlp.signals import find_post_symbol
from nlp.symbols import SymbolUniverse

_TARGET = r"(?:tp|take[\s-]?profit(?:\s+target)?|target|tgt)"
_STOP = r"(?:sl|stop[\s-]?loss|stoploss|stop)"
# Each update kind with the phrasings channels use; the earliest match names the main action.
_UPDATE_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "sl_hit": (
        re.compile(rf"\b(?:hit|hitting|reached|reaching|touched|triggered|got|taken\s+out\s+at)\s+(?:the\s+|our\s+|my\s+)?"
                   rf"{_STOP}\b", re.I),
        re.compile(rf"\b{_STOP}(?:\s+target)?\s*(?:was\s+|got\s+|has\s+been\s+|is\s+)?(?:hit|reached|triggered|taken|touched)",
                   re.I),
        re.compile(r"\bstopped\s+out\b|\bbroke\s+down\b|\bstop(?:ped)?\s+loss\s+activated", re.I),
        re.compile(rf"\b{_STOP}\s*[⛔❌🛑🚫]|\b{_STOP}\b[\s\S]{{0,80}}?(?:\d\s*%\s*loss|(?<!stop\s)(?<!stop-)\bloss\s*:\s*-?\d)",
                   re.I),
    ),
    "tp_hit": (
        re.compile(rf"\b(?:hit|reached|touched|achieved|smashed|done|printed|secured)\s+(?:the\s+|our\s+)?"
                   rf"(?:full\s+|all\s+|first\s+|second\s+|third\s+)?{_TARGET}s?\s*\d{{0,2}}\b", re.I),
        re.compile(rf"(?<!stop\s)\b{_TARGET}s?\s*#?\d{{0,2}}\s*(?:[:\-]\s*\$?[\d.,]+\s*)?(?:is\s+|was\s+|has\s+been\s+)?"
                   rf"(?:hit|reached|done|achieved|smashed|completed|✅|🎯|✔)", re.I),
        re.compile(r"\b(?:all|(?!entry)\w+)\s+targets?\s+(?:done|reached|hit|achieved|completed)|\ball\s+targets\b", re.I),
    ),
    "move_sl": (
        re.compile(rf"\b(?:move|moved|moving|edit|edited|set|shift|adjust|raise|raised|trail|change|update)\w*\s+"
                   rf"(?:the\s+|your\s+|our\s+)?{_STOP}\b", re.I),
        re.compile(rf"\b{_STOP}\s+(?:moved|now|updated|changed)\b|\b{_STOP}\s+to\s+(?:entry|breakeven|be\b|break[\s-]?even)",
                   re.I),
    ),
    "cancel": (re.compile(r"\bcancel(?:l?ed|ling)?\b|\binvalidated\b|\bnot\s+triggered\b", re.I),),
    "close": (re.compile(r"\bclos(?:e|ed|ing)\b|\bexit(?:ed)?\b|\btake\s+(?:the\s+)?profits?\s+now\b", re.I),),
    "entry_filled": (
        re.compile(r"\bentr(?:y|ies)\s*(?:targets?\s+|zone\s+|orders?\s+)?\d?\s*(?:filled|triggered|reached|hit|done|"
                   r"activated|achieved)|\b(?:filled|activated|entered)\b", re.I),
    ),
}
_TARGET_INDEX_RE = re.compile(rf"{_TARGET}\s*#?(\d{{1,2}})(?!\d|[.,]\d)", re.I)
# "4th target hit", "2nd TP done".
_NUMBERED_ORDINAL_TARGET_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)\s+{_TARGET}s?\b", re.I)
_ORDINALS = {"first": 1, "one": 1, "second": 2, "two": 2, "third": 3, "three": 3, "fourth": 4, "four": 4,
             "fifth": 5, "five": 5, "sixth": 6, "six": 6}
_ORDINAL_TARGET_RE = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+{_TARGET}s?\b", re.I)
_BREAKEVEN_RE = re.compile(r"\b(?:entry|entrance|breakeven|break[\s-]even|be|entry\s+price|open\s+price)\b", re.I)
_NEW_STOP_RE = re.compile(rf"{_STOP}\b[^\n\d]{{0,25}}?\bto\s+(?P<value>\$?\d[\d.,]*)", re.I)

# Signs that a message is a channel's report rather than the user's own instruction.
_MARKER_RES = (
    re.compile(r"#[A-Za-z]{2,}[A-Za-z0-9]*\b(?!-)"),  # a ticker hashtag, not an order id like #A77-19
    re.compile("[✅🎯❌⛔🚫📈📉🔥💰🚀💸🏆✔☑🟢🔴📬📩]"),
    re.compile(r"[+-]\s?\d+(?:[.,]\d+)?\s?(?:%|R\b)|\d+(?:[.,]\d+)?\s?%\s*(?:profit|loss|gain)|"
               r"\b(?:profit|loss|gain)\s*:?\s*[+-]?\d", re.I),
    re.compile(r"\b(?:signal|channel|vip|fwd|forwarded|everyone|guys|members|premium|wait\s+(?:to|for)|report|"
               r"update|from\s+the\s+group)\b", re.I),
    re.compile(rf"\bhit\s+{_TARGET}\s*\d|\b{_TARGET}\s*\d\s+(?:hit|reached|done|achieved)|\bclosed\s+at\s+the\s+entr", re.I),
)
# Hashtags, ticks, profit figures and channel jargon outweigh "my"/"i" in a pasted report.
_STRONG_MARKER_RES = _MARKER_RES[:4]
_ORDER_ID_RE = re.compile(r"\border\s*(?:id|no\.?|number)?\s*#?[A-Za-z0-9-]*\d", re.I)
_OWN_COMMAND_RE = re.compile(r"\b(?:my|me|i|i'm|please|pls|can\s+you)\b", re.I)
_REPORT_ORDER_RE = re.compile(r"^\W*[$#]?[A-Z][A-Z0-9]{1,11}(?:/[A-Z]{3,5})?\s*[:\-]?\s+(?:hit|close[sd]?|cancel\w*|"
                              r"running|tp\d|stopped|target|sl\b|reached|entry|mov(?:e|ed|ing)\s+(?:the\s+)?(?:sl|stop))",
                              re.I)


@dataclass(frozen=True)
class UpdateReading:
    entities: dict[str, Any]
    confidence: float


def update_kind(text: str) -> str | None:
    """The main follow-up action named in the text, if any (earliest mention wins)."""
    found: list[tuple[int, int, str]] = []
    for priority, (kind, patterns) in enumerate(_UPDATE_PATTERNS.items()):
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                found.append((match.start(), priority, kind))
    return min(found)[2] if found else None


def channel_marker_count(text: str) -> int:
    """How many kinds of channel markers the text carries (hashtags, ticks, profit %, jargon)."""
    count = sum(1 for pattern in _MARKER_RES if pattern.search(text))
    if _REPORT_ORDER_RE.match(text) and text.split()[0].isupper():
        count += 1  # "ZORA close …": ticker first, reported in the third person
    return count


def reads_as_followup(text: str) -> bool:
    """A typed message is a channel follow-up only when it carries channel markers."""
    normalized = normalize_text(text)
    if update_kind(normalized) is None:
        return False
    if _ORDER_ID_RE.search(normalized):
        return False  # "cancel order #A77-19" names the user's own order
    if _OWN_COMMAND_RE.search(normalized) and not _has_strong_marker(normalized):
        return False  # "close my sol short": the user's own instruction
    return channel_marker_count(normalized) >= 1


def _has_strong_marker(text: str) -> bool:
    return any(pattern.search(text) for pattern in _STRONG_MARKER_RES)


def read_update(text: str, universe: SymbolUniverse) -> UpdateReading:
    normalized = normalize_text(text)
    kind = update_kind(normalized) or "close"
    entities: dict[str, Any] = {}
    symbol = find_post_symbol(normalized, universe)
    if symbol:
        entities["symbol"] = symbol
    entities["update"] = kind
    if kind == "tp_hit":
        entities.update(_target_details(normalized))
    elif kind == "move_sl":
        new_stop = _new_stop(normalized)
        if new_stop is not None:
            entities["stop_loss"] = new_stop
        elif _BREAKEVEN_RE.search(normalized.split("sl", 1)[-1] if "sl" in normalized.lower() else normalized):
            entities["to_breakeven"] = True
    confidence = 0.6 + 0.1 * min(channel_marker_count(normalized), 2) + (0.1 if symbol else 0.0)
    return UpdateReading(entities, min(confidence, 0.95))


def _target_details(text: str) -> dict[str, Any]:
    if re.search(r"\ball\s+(?:the\s+|our\s+)?(?:take[\s-]?profit\s+|tp\s+)?(?:targets|tps)\b", text, re.I):
        return {"all_targets": True}
    indexes = [int(m.group(1)) for m in _TARGET_INDEX_RE.finditer(text)]
    indexes += [_ORDINALS[m.group(1).lower()] for m in _ORDINAL_TARGET_RE.finditer(text)]
    indexes += [int(m.group(1)) for m in _NUMBERED_ORDINAL_TARGET_RE.finditer(text)]
    return {"target_index": max(indexes)} if indexes else {}


def _new_stop(text: str) -> Decimal | None:
    match = _NEW_STOP_RE.search(text)
    if not match:
        return None
    number = NUMBER_RE.search(match.group("value"))
    return number_from_match(number) if number else None
