"""News filtering by coin, period and topic, and the honest states when no feed can answer."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from db.news_feed import RssNewsFeed, parse_feed
from domain.services.news import FeedSnapshot, NewsService, NewsStatus, topics_in
from tests.analysis.feeds import ATOM, NOW, RSS


class StaticSource:
    def __init__(self, snapshot: FeedSnapshot) -> None:
        self._snapshot = snapshot

    async def snapshot(self) -> FeedSnapshot:
        return self._snapshot


def _both_feeds() -> FeedSnapshot:
    _, rss_items = parse_feed(RSS, "https://chaindaily.example/rss")
    _, atom_items = parse_feed(ATOM, "https://ledgerwire.example/atom")
    return FeedSnapshot(rss_items + atom_items, source_count=2)


@pytest.fixture
def service() -> NewsService:
    return NewsService(StaticSource(_both_feeds()), clock=lambda: NOW)


def _titles(result) -> list[str]:
    return [item.title for item in result.items]


async def test_without_a_configured_feed_the_result_says_there_is_no_source():
    for service in (NewsService(None), NewsService(StaticSource(FeedSnapshot((), source_count=0)))):
        result = await service.latest(["BTC/USDT"], period="24h")
        assert result.status is NewsStatus.NO_SOURCE
        assert result.items == () and result.symbols == ("BTC/USDT",) and result.period == "24h"


async def test_when_every_feed_fails_the_result_says_so():
    source = StaticSource(FeedSnapshot((), source_count=2, failed_sources=("a.example", "b.example")))
    result = await NewsService(source).latest()
    assert result.status is NewsStatus.SOURCES_FAILED
    assert result.failed_sources == ("a.example", "b.example")


async def test_all_news_comes_newest_first_with_undated_items_last(service):
    result = await service.latest(limit=10)
    assert result.status is NewsStatus.OK
    assert _titles(result) == [
        "Bitcoin tops $90k as ETF inflows return",
        "Solana validators ship the v2 client",
        "SEC delays decision on spot ETH ETF",
        "Binance lists two new pairs",
        "Exchange hacked, $40M drained from hot wallet",
        "Chainlink expands to a new network",
        "How to link your wallet",
    ]


async def test_the_limit_keeps_the_newest_and_reports_how_many_matched(service):
    result = await service.latest(limit=2)
    assert _titles(result) == ["Bitcoin tops $90k as ETF inflows return", "Solana validators ship the v2 client"]
    assert result.matched_before_limit == 7


async def test_a_coin_matches_by_name_in_any_case_or_by_its_capital_ticker(service):
    assert _titles(await service.latest(["SOL/USDT"])) == ["Solana validators ship the v2 client"]
    assert _titles(await service.latest(["ETH/USDT"])) == ["SEC delays decision on spot ETH ETF"]
    # "BTC" appears only in the Atom summary; "Bitcoin" in its title.
    assert _titles(await service.latest(["BTC"])) == ["Bitcoin tops $90k as ETF inflows return"]


async def test_a_lower_case_ticker_that_is_an_ordinary_word_does_not_match(service):
    # "How to link your wallet" mentions "link", not Chainlink.
    assert _titles(await service.latest(["LINK/USDT"])) == ["Chainlink expands to a new network"]


async def test_several_coins_match_any_of_them(service):
    result = await service.latest(["SOL/USDT", "ETH/USDT"])
    assert _titles(result) == ["Solana validators ship the v2 client", "SEC delays decision on spot ETH ETF"]


async def test_the_period_keeps_recent_dated_items_only(service):
    day = await service.latest(period="24h", limit=10)
    assert _titles(day) == [
        "Bitcoin tops $90k as ETF inflows return",
        "Solana validators ship the v2 client",
        "SEC delays decision on spot ETH ETF",
    ]
    week = await service.latest(period="7d", limit=10)
    assert len(week.items) == 4 and "Binance lists two new pairs" in _titles(week)


async def test_topics_expand_to_their_words_and_plain_keywords_match_as_words(service):
    assert _titles(await service.latest(keywords=["regulation"])) == ["SEC delays decision on spot ETH ETF"]
    assert _titles(await service.latest(keywords=["hack"])) == ["Exchange hacked, $40M drained from hot wallet"]
    assert _titles(await service.latest(keywords=["listing", "binance"])) == ["Binance lists two new pairs"]
    assert _titles(await service.latest(["BTC/USDT"], keywords=["etf"])) == ["Bitcoin tops $90k as ETF inflows return"]
    assert (await service.latest(keywords=["etf"], period="24h")).matched_before_limit == 2


async def test_an_operator_name_map_replaces_the_built_in_one():
    service = NewsService(StaticSource(_both_feeds()), coin_names={"SOL": ("validators",)}, clock=lambda: NOW)
    assert _titles(await service.latest(["SOL"])) == ["Solana validators ship the v2 client"]
    assert _titles(await service.latest(["LINK"])) == []


def test_topics_are_read_from_the_question():
    assert topics_in("any regulatory news this week?") == ("regulation",)
    assert topics_in("news on binance listings") == ("listing",)
    assert topics_in("any news about the bitcoin halving") == ("halving",)
    assert topics_in("latest news on solana") == ()


async def test_an_unknown_period_is_a_programming_error(service):
    with pytest.raises(ValueError):
        await service.latest(period="1y")


async def test_end_to_end_over_http_with_one_feed_down():
    async def rss(request: web.Request) -> web.Response:
        return web.Response(body=RSS, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/rss", rss)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            feed = RssNewsFeed(http, [str(server.make_url("/rss")), str(server.make_url("/missing"))])
            result = await NewsService(feed, clock=lambda: NOW).latest(["ETH/USDT"], period="24h")
    finally:
        await server.close()
    assert result.status is NewsStatus.OK
    assert _titles(result) == ["SEC delays decision on spot ETH ETF"]
    assert result.failed_sources == ("127.0.0.1",)
