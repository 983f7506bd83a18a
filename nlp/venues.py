"""Exchange names in posts, recognised from ccxt's exchange ids (shipped as nlp/data/exchanges.json,
written by scripts/gen_exchange_ids.py because nlp may not import ccxt)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

EXCHANGES_PATH = Path(__file__).resolve().parent / "data" / "exchanges.json"
# Ids that are also everyday words or tickers ("delta", "woo", "apex") or shorter than this are named
# only where the text says it is naming a venue (an "Exchange:" label, a hashtag, "on X", "X futures").
_MIN_FREE_LENGTH = 3
_CONTEXT_RE = re.compile(r"\b(?:exchanges?|platforms?|venues?|borsa|exchange\s+name)\b\s*[:\-]?\s*(?P<list>[^\n]*)",
                         re.IGNORECASE)
_MARKET_TYPE_RE = re.compile(r"(?<![#\w])(futures?|perpetuals?|perps?|spot)\b", re.IGNORECASE)
# A capitalised word right after the name makes it a brand ("Binance Killers", a channel), not a venue.
_BRAND_RE = re.compile(r"[ \t]+(?!(?:USDT?|USDC|Futures?|Spot|Perps?|Exchange|Margin|Cross|Isolated)\b)[A-Z][a-z]+")


@lru_cache(maxsize=1)
def exchange_aliases() -> dict[str, str]:
    """Every recognised name (lower case) -> its base ccxt id."""
    return json.loads(EXCHANGES_PATH.read_text(encoding="utf-8"))["ids"]


@lru_cache(maxsize=1)
def _name_re() -> re.Pattern[str]:
    # One alternation of every known name, so that prose costs a single scan.
    names = sorted(exchange_aliases(), key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    # Searched in the lower-cased text: a case-insensitive alternation of a hundred names is slow.
    return re.compile(rf"(?<![\w.])#?(?P<name>(?:{alternation})(?:\.(?:io|com))?)(?![\w])(?P<after>\s+(?:futures?|spot|perps?)\b)?")


@lru_cache(maxsize=1)
def _context_only() -> frozenset[str]:
    return frozenset(json.loads(EXCHANGES_PATH.read_text(encoding="utf-8"))["context_only"])


@lru_cache(maxsize=4096)
def exchange_id(word: str) -> str | None:
    """The base ccxt id a word names ("BINANCE", "#bybit", "Gate.io", "binanceusdm"), if any."""
    name = word.lstrip("#").lower()
    return exchange_aliases().get(name) or exchange_aliases().get(re.sub(r"\.(?:com|io)$", "", name))


def read_venues(text: str, *, is_ticker: Any = lambda word: False, coin: str | None = None) -> dict[str, Any]:
    """``exchange`` (one venue) or ``exchanges`` (several) and ``market_type`` named in a post.

    ``is_ticker`` tells which words are also coins: such an id ("WOO") counts only in a venue
    context, as do ids too short or common to be read from prose. ``coin`` is the post's traded
    coin: "#DYDX" in a DYDX signal names the coin, not the dYdX exchange.
    """
    names: list[str] = []
    context_spans = [(m.start("list"), m.end("list")) for m in _CONTEXT_RE.finditer(text)]
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters change length in lower case; keep positions aligned
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    for match in _name_re().finditer(lowered):
        name = exchange_id(match.group("name"))
        if name is None or name in names:
            continue
        if text.startswith("/", match.end()) and is_ticker(text[match.start("name"):match.end("name")]):
            continue  # "DYDX/USDT" is a coin's pair; "BYBIT/USDT" names the venue
        word = text[match.start("name"):match.end("name")]
        if coin is not None and word.upper() == coin.upper() and not _in_list(context_spans, match.start()):
            continue
        in_context = lowered.startswith("#", match.start()) or match.group("after") is not None or \
            _in_list(context_spans, match.start()) or _after_on(text, match.start())
        free = len(word) >= _MIN_FREE_LENGTH and name not in _context_only() and not is_ticker(word)
        if in_context or (free and not _BRAND_RE.match(text, match.end())):
            names.append(name)
    result: dict[str, Any] = {}
    if len(names) == 1:
        result["exchange"] = names[0]
    elif names:
        result["exchanges"] = names
    market_type = _MARKET_TYPE_RE.search(text)
    if market_type:
        result["market_type"] = "spot" if market_type.group(1).lower() == "spot" else "futures"
    return result


def _in_list(spans: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def _after_on(text: str, start: int) -> bool:
    return re.search(r"\b(?:on|at|via|in)\s+$", text[max(0, start - 6):start], re.IGNORECASE) is not None
