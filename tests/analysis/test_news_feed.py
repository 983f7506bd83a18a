"""The RSS/Atom adapter against a local HTTP server: parsing both formats, surviving broken
feeds, refusing entity bombs, and caching per feed."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from db.news_feed import FeedError, RssNewsFeed, parse_feed
from tests.analysis.feeds import ATOM, BILLION_LAUGHS, RSS


DOCUMENTS = {
    "rss": RSS,
    "atom": ATOM,
    "bomb": BILLION_LAUGHS,
    "slow": RSS,
    "html": b"<html><body>hi</body></html>",
    "huge": b"<rss>" + b" " * 300_000 + b"</rss>",
}


class FeedServer:
    """Serves the test documents and counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.broken: set[str] = set()
        app = web.Application()
        app.router.add_get("/{name}", self._serve)
        self.server = TestServer(app, host="127.0.0.1")

    async def _serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.hits[name] += 1
        if name in self.broken or name == "error":
            return web.Response(status=503)
        if name == "slow":
            await asyncio.sleep(10)
        return web.Response(body=DOCUMENTS[name], content_type="application/xml")

    def url(self, name: str) -> str:
        return str(self.server.make_url(f"/{name}"))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.server.start_server()
    yield server
    await server.server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def test_rss_items_carry_plain_text_utc_dates_and_web_links_only():
    source, items = parse_feed(RSS, "https://chaindaily.example/feed")
    assert source == "Chain Daily"
    by_title = {item.title: item for item in items}
    assert "Click here" not in by_title, "a javascript: link is not a link"
    solana = by_title["Solana validators ship the v2 client"]
    assert solana.link == "https://chaindaily.example/solana-v2"
    assert solana.summary == "The Solana upgrade went live & fees fell."
    assert solana.published_at == datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
    assert by_title["SEC delays decision on spot ETH ETF"].published_at == datetime(2025, 3, 9, 18, 0, tzinfo=UTC)
    hack = by_title["Exchange hacked, $40M drained from hot wallet"]
    assert hack.published_at == datetime(2025, 3, 1, 8, 0, tzinfo=UTC), "dc:date when there is no pubDate"
    assert by_title["How to link your wallet"].published_at is None
    assert len(items) == 4


def test_atom_entries_use_the_alternate_link_and_convert_offsets_to_utc():
    source, items = parse_feed(ATOM, "https://ledgerwire.example/atom.xml")
    assert source == "Ledger Wire"
    first, second, third = items
    assert first.link == "https://ledgerwire.example/btc-90k"
    assert first.published_at == datetime(2025, 3, 10, 11, 0, tzinfo=UTC), "published wins over updated"
    assert first.summary == "Spot BTC funds saw inflows."
    assert second.published_at == datetime(2025, 3, 8, 6, 15, tzinfo=UTC)
    assert second.summary == "New listings go live on Tuesday."
    assert third.summary == "" and third.source == "Ledger Wire"


def test_a_doctype_is_refused_before_any_entity_expands():
    with pytest.raises(FeedError, match="DOCTYPE"):
        parse_feed(BILLION_LAUGHS, "https://evil.example/feed")


def test_documents_that_are_not_feeds_are_refused():
    with pytest.raises(FeedError, match="unknown feed format"):
        parse_feed(b"<html><body>hi</body></html>", "https://x.example")
    with pytest.raises(FeedError, match="well-formed"):
        parse_feed(b"<rss><channel>", "https://x.example")


async def test_both_feeds_are_read_over_http(feeds, http):
    snapshot = await RssNewsFeed(http, [feeds.url("rss"), feeds.url("atom")]).snapshot()
    assert snapshot.source_count == 2 and snapshot.failed_sources == ()
    assert {item.source for item in snapshot.items} == {"Chain Daily", "Ledger Wire"}
    assert len(snapshot.items) == 4 + 3


async def test_failing_feeds_are_reported_without_hiding_the_good_one(feeds, http):
    urls = [feeds.url(name) for name in ("rss", "error", "bomb", "slow", "html", "huge")]
    # The good feeds answer in milliseconds; 1.5 s leaves room for a loaded machine, and the slow
    # feed (10 s) is still cut off well before it would answer.
    feed = RssNewsFeed(http, urls, timeout_seconds=1.5, max_bytes=100_000)
    started = asyncio.get_running_loop().time()
    snapshot = await feed.snapshot()
    assert asyncio.get_running_loop().time() - started < 5, "the slow feed is cut off by the timeout"
    assert snapshot.source_count == 6
    assert snapshot.failed_sources == ("127.0.0.1",) * 5
    assert {item.source for item in snapshot.items} == {"Chain Daily"}


async def test_feeds_are_cached_until_the_ttl_and_a_later_failure_keeps_the_last_copy(feeds, http):
    clock = Clock()
    feed = RssNewsFeed(http, [feeds.url("rss")], cache_seconds=300, clock=clock)
    first = await feed.snapshot()
    clock.now += 299
    await feed.snapshot()
    assert feeds.hits["rss"] == 1

    clock.now += 1
    feeds.broken.add("rss")
    after_failure = await feed.snapshot()
    assert feeds.hits["rss"] == 2
    assert after_failure.items == first.items and after_failure.failed_sources == ()


async def test_no_urls_is_a_valid_configuration_with_no_sources(http):
    snapshot = await RssNewsFeed(http, [" ", ""]).snapshot()
    assert snapshot.source_count == 0 and snapshot.items == ()
