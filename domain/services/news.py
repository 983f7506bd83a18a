"""News behind the ``news`` intent: headlines from the operator's RSS/Atom feeds, filtered by coin,
period and topic, newest first.

The feeds are whatever the operator configured; with none configured the result says so
(``NewsStatus.NO_SOURCE``) so the bot can tell the user plainly instead of inventing headlines.
A coin matches by its ticker written in capitals as a word ("ETH", "$ETH") or by one of its names in
any case ("ethereum", "Ether"): lower-case tickers are too often ordinary words ("link", "sol").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

DEFAULT_LIMIT = 5
PERIODS: Mapping[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}

# Names that headlines use for a coin besides its ticker; the operator may pass a fuller map.
COIN_NAMES: Mapping[str, tuple[str, ...]] = {
    "BTC": ("bitcoin",),
    "ETH": ("ethereum", "ether"),
    "SOL": ("solana",),
    "XRP": ("ripple", "xrp"),
    "BNB": ("bnb", "bnb chain"),
    "DOGE": ("dogecoin", "doge"),
    "ADA": ("cardano",),
    "DOT": ("polkadot",),
    "AVAX": ("avalanche",),
    "LINK": ("chainlink",),
    "LTC": ("litecoin",),
    "TRX": ("tron",),
    "TON": ("toncoin",),
    "SHIB": ("shiba inu",),
    "PEPE": ("pepe",),
    "SUI": ("sui network",),
    "ARB": ("arbitrum",),
    "OP": ("optimism",),
    "MATIC": ("polygon",),
    "POL": ("polygon",),
    "NEAR": ("near protocol",),
    "ATOM": ("cosmos",),
    "APT": ("aptos",),
    "UNI": ("uniswap",),
    "USDT": ("tether",),
    "USDC": ("usd coin", "circle"),
}

# Topics a question can ask about, each with the words that mark a headline as on-topic.
TOPICS: Mapping[str, tuple[str, ...]] = {
    "regulation": ("regulation", "regulatory", "regulator", "regulators", "sec", "cftc", "lawsuit", "court",
                   "ban", "bans", "banned", "law", "bill", "mica", "compliance", "sanction", "sanctions"),
    "listing": ("listing", "listings", "lists", "listed", "delist", "delists", "delisting"),
    "hack": ("hack", "hacked", "hacker", "hackers", "exploit", "exploited", "breach", "stolen", "drained",
             "attack"),
    "etf": ("etf", "etfs", "spot etf"),
    "halving": ("halving", "halvening"),
    "upgrade": ("upgrade", "hard fork", "fork", "mainnet", "testnet"),
    "macro": ("fed", "fomc", "inflation", "cpi", "interest rate", "interest rates", "rate cut", "rate hike"),
}

# How a question names each topic ("regulatory news" -> regulation, "listings" -> listing).
_TOPIC_TRIGGERS: Mapping[str, re.Pattern[str]] = {
    "regulation": re.compile(r"\b(regulat\w*|sec|legal|laws?|lawsuits?|ban)\b", re.I),
    "listing": re.compile(r"\b(listings?|listed|delist\w*)\b", re.I),
    "hack": re.compile(r"\b(hack\w*|exploit\w*|breach\w*|stolen)\b", re.I),
    "etf": re.compile(r"\betfs?\b", re.I),
    "halving": re.compile(r"\bhalving\b", re.I),
    "upgrade": re.compile(r"\b(upgrades?|hard ?forks?|mainnet)\b", re.I),
    "macro": re.compile(r"\b(fed|fomc|inflation|cpi|interest rates?|macro)\b", re.I),
}


@dataclass(frozen=True, slots=True)
class NewsItem:
    title: str
    link: str
    source: str  # the feed's title, or its host when the feed has none
    published_at: datetime | None  # tz-aware UTC; None when the feed gave no usable date
    summary: str = ""  # plain text, no markup


@dataclass(frozen=True, slots=True)
class FeedSnapshot:
    """What the feeds returned at one moment; ``failed_sources`` could not be read this time."""

    items: tuple[NewsItem, ...]
    source_count: int
    failed_sources: tuple[str, ...] = ()


class NewsSource(Protocol):
    async def snapshot(self) -> FeedSnapshot: ...


class NewsStatus(StrEnum):
    OK = "ok"  # feeds were read; ``items`` may still be empty when nothing matched
    NO_SOURCE = "no_source"  # the operator has not configured any news feed
    SOURCES_FAILED = "sources_failed"  # feeds are configured but none could be read


@dataclass(frozen=True, slots=True)
class NewsResult:
    status: NewsStatus
    items: tuple[NewsItem, ...] = ()
    symbols: tuple[str, ...] = ()
    period: str | None = None
    keywords: tuple[str, ...] = ()
    matched_before_limit: int = 0  # how many items matched, of which ``items`` are the newest
    failed_sources: tuple[str, ...] = ()


def topics_in(question: str) -> tuple[str, ...]:
    """The known topics a user's question asks about: "any regulatory news?" -> ("regulation",)."""
    return tuple(topic for topic, trigger in _TOPIC_TRIGGERS.items() if trigger.search(question))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _any_word(words: Iterable[str]) -> str:
    """A case-insensitive alternation of whole words or phrases, longest first."""
    alternatives = sorted({re.escape(w) for w in words if w}, key=len, reverse=True)
    return rf"(?<!\w)(?i:{'|'.join(alternatives)})(?!\w)" if alternatives else ""


def _newest_first(item: NewsItem) -> datetime:
    return item.published_at or datetime.min.replace(tzinfo=UTC)


class NewsService:
    def __init__(
        self,
        source: NewsSource | None,
        *,
        coin_names: Mapping[str, Sequence[str]] = COIN_NAMES,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._source = source
        self._coin_names = coin_names
        self._clock = clock

    async def latest(
        self,
        symbols: Sequence[str] = (),
        *,
        period: str | None = None,
        keywords: Sequence[str] = (),
        limit: int = DEFAULT_LIMIT,
    ) -> NewsResult:
        """Newest items about any of ``symbols`` ("SOL/USDT" or "SOL") and any of ``keywords``.

        A keyword is a topic of :data:`TOPICS` (expanded to its words) or a word to look for as is,
        such as an exchange name. ``period`` is "24h", "7d" or "30d"; undated items are left out
        when a period is asked for, since they cannot be shown to be recent.
        """
        if period is not None and period not in PERIODS:
            raise ValueError(f"unknown period {period!r}")
        asked = NewsResult(NewsStatus.NO_SOURCE, symbols=tuple(symbols), period=period, keywords=tuple(keywords))
        if self._source is None:
            return asked
        snapshot = await self._source.snapshot()
        if snapshot.source_count == 0:
            return asked
        if len(snapshot.failed_sources) == snapshot.source_count:
            return replace(asked, status=NewsStatus.SOURCES_FAILED, failed_sources=snapshot.failed_sources)
        wanted = self._filter(symbols, period, keywords)
        matching = sorted(filter(wanted, snapshot.items), key=_newest_first, reverse=True)
        return replace(
            asked,
            status=NewsStatus.OK,
            items=tuple(matching[:limit]),
            matched_before_limit=len(matching),
            failed_sources=snapshot.failed_sources,
        )

    def _filter(
        self, symbols: Sequence[str], period: str | None, keywords: Sequence[str]
    ) -> Callable[[NewsItem], bool]:
        since = self._clock() - PERIODS[period] if period is not None else None
        coins = [self._coin_pattern(symbol) for symbol in symbols]
        topic_words = _any_word(word for keyword in keywords for word in TOPICS.get(keyword.lower(), (keyword,)))
        topics = re.compile(topic_words) if topic_words else None

        def wanted(item: NewsItem) -> bool:
            if since is not None and (item.published_at is None or item.published_at < since):
                return False
            text = f"{item.title}\n{item.summary}"
            if coins and not any(coin.search(text) for coin in coins):
                return False
            return topics is None or topics.search(text) is not None

        return wanted

    def _coin_pattern(self, symbol: str) -> re.Pattern[str]:
        base = symbol.split("/")[0].upper()
        ticker = rf"(?<![\w$])\$?{re.escape(base)}(?!\w)"  # case-sensitive: "ETH", "$ETH"
        names = _any_word(self._coin_names.get(base, ()))
        return re.compile(f"{ticker}|{names}" if names else ticker)
