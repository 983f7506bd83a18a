"""RSS and Atom news feeds over HTTP: the adapter behind ``domain.services.news.NewsSource``.

The operator lists the feed URLs (``NEWS_FEEDS``, comma-separated). Each feed is fetched with a
timeout and a size cap, parsed with the standard library, and kept in memory for a few minutes.
A feed that fails keeps serving its last good copy; only a feed never read successfully is
reported as failed, so one broken source never empties the news.

Feeds are untrusted input: a DOCTYPE is rejected before any entity can be declared (the standard
library parser would otherwise expand "billion laughs" entities), and only http(s) links are kept.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp

from domain.services.news import FeedSnapshot, NewsItem

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 8.0
DEFAULT_CACHE_SECONDS = 300.0
MAX_FEED_BYTES = 2_000_000
SUMMARY_CHARS = 280
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_TAG = re.compile(r"<[^>]+>")


class FeedError(ValueError):
    """The document is not a feed we can read safely."""


class _NoDoctype(ET.TreeBuilder):
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise FeedError("feed declares a DOCTYPE; refused to guard against entity expansion")


def _local(tag: str) -> str:
    """``{http://www.w3.org/2005/Atom}entry`` -> ``entry``: feeds mix namespaces freely."""
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, *names: str) -> ET.Element | None:
    for name in names:
        for child in element:
            if _local(child.tag) == name:
                return child
    return None


def _text(element: ET.Element, *names: str) -> str:
    child = _child(element, *names)
    return "".join(child.itertext()).strip() if child is not None else ""


def plain_text(markup: str, limit: int | None = None) -> str:
    """Feed titles and descriptions often carry HTML; the domain gets plain text."""
    text = " ".join(html.unescape(_TAG.sub(" ", markup)).split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)  # RSS: RFC 822
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(value)  # Atom and dc:date: RFC 3339
        except ValueError:
            return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _web_link(value: str) -> str:
    return value if urlsplit(value).scheme in {"http", "https"} else ""


def _rss_item(item: ET.Element, source: str) -> NewsItem | None:
    link = _web_link(_text(item, "link")) or _web_link(_text(item, "guid"))
    title = plain_text(_text(item, "title"))
    if not title or not link:
        return None
    return NewsItem(
        title=title,
        link=link,
        source=source,
        published_at=_parse_date(_text(item, "pubDate", "date")),
        summary=plain_text(_text(item, "description", "encoded"), SUMMARY_CHARS),
    )


def _atom_link(entry: ET.Element) -> str:
    links = [child for child in entry if _local(child.tag) == "link"]
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return _web_link(link.get("href", ""))
    return _web_link(links[0].get("href", "")) if links else ""


def _atom_entry(entry: ET.Element, source: str) -> NewsItem | None:
    link = _atom_link(entry)
    title = plain_text(_text(entry, "title"))
    if not title or not link:
        return None
    return NewsItem(
        title=title,
        link=link,
        source=source,
        published_at=_parse_date(_text(entry, "published", "updated")),
        summary=plain_text(_text(entry, "summary", "content"), SUMMARY_CHARS),
    )


def parse_feed(document: bytes, feed_url: str) -> tuple[str, tuple[NewsItem, ...]]:
    """The feed's title (its host when it has none) and its items, from RSS 2.0, RSS 1.0 or Atom."""
    parser = ET.XMLParser(target=_NoDoctype())
    try:
        parser.feed(document)
        root = parser.close()
    except ET.ParseError as error:
        raise FeedError(f"not well-formed XML: {error}") from error
    kind = _local(root.tag)
    if kind == "feed":
        source = plain_text(_text(root, "title")) or _host(feed_url)
        entries = [e for e in root if _local(e.tag) == "entry"]
        items = (_atom_entry(entry, source) for entry in entries)
    elif kind in {"rss", "RDF"}:
        channel = _child(root, "channel")
        source = (plain_text(_text(channel, "title")) if channel is not None else "") or _host(feed_url)
        # RSS 2.0 nests items in <channel>; RSS 1.0 puts them beside it.
        entries = [e for e in root.iter() if _local(e.tag) == "item"]
        items = (_rss_item(entry, source) for entry in entries)
    else:
        raise FeedError(f"unknown feed format <{kind}>")
    return source, tuple(item for item in items if item is not None)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


@dataclass(slots=True)
class _CachedFeed:
    checked_at: float
    items: tuple[NewsItem, ...] | None  # None until the feed has been read once


class RssNewsFeed:
    """Reads the configured feeds; an empty ``urls`` list is a valid "no news source" setup."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        urls: Sequence[str],
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        cache_seconds: float = DEFAULT_CACHE_SECONDS,
        max_bytes: int = MAX_FEED_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._urls = tuple(dict.fromkeys(url.strip() for url in urls if url.strip()))
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._cache_seconds = cache_seconds
        self._max_bytes = max_bytes
        self._clock = clock
        self._cache: dict[str, _CachedFeed] = {}
        # One refresh at a time, so a burst of questions fetches each feed once.
        self._refreshing = asyncio.Lock()

    async def snapshot(self) -> FeedSnapshot:
        async with self._refreshing:
            stale = [url for url in self._urls if self._is_stale(url)]
            await asyncio.gather(*(self._refresh(url) for url in stale))
        items: list[NewsItem] = []
        failed: list[str] = []
        for url in self._urls:
            cached = self._cache[url].items
            if cached is None:
                failed.append(_host(url))
            else:
                items.extend(cached)
        return FeedSnapshot(tuple(items), source_count=len(self._urls), failed_sources=tuple(failed))

    def _is_stale(self, url: str) -> bool:
        cached = self._cache.get(url)
        return cached is None or self._clock() - cached.checked_at >= self._cache_seconds

    async def _refresh(self, url: str) -> None:
        previous = self._cache.get(url)
        try:
            document = await self._download(url)
            _, items = await asyncio.to_thread(parse_feed, document, url)
        except (aiohttp.ClientError, TimeoutError, FeedError) as error:
            # Logged by host only: feed URLs may carry private access keys in their query.
            log.warning("news feed %s failed: %s", _host(url), error)
            items = previous.items if previous is not None else None
        self._cache[url] = _CachedFeed(self._clock(), items)

    async def _download(self, url: str) -> bytes:
        async with self._session.get(url, timeout=self._timeout, headers={"Accept": _ACCEPT}) as response:
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                body += chunk
                if len(body) > self._max_bytes:
                    raise FeedError(f"feed larger than {self._max_bytes} bytes")
            return bytes(body)
