"""The market intent handlers on real services (simulated market, PostgreSQL, Redis) and real parses."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.assistant.market import INTENT_HANDLERS


@pytest.fixture
def ask(ask_factory):
    return ask_factory(INTENT_HANDLERS)


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


async def test_price_of_btc(ask):
    parsed, reply = await ask("price of btc")
    assert parsed.intent == "price"
    assert "<b>BTC/USDT</b>" in reply.text and "24h:" in reply.text and "High / low:" in reply.text
    assert "Volume:" in reply.text and re.search(r"\d{2},\d{3}", reply.text)  # a grouped BTC price
    assert "E+" not in reply.text and "e-" not in reply.text and reply.photo is None


async def test_price_of_two_coins_is_a_table(ask):
    _, reply = await ask("price of btc and eth")
    assert "<pre>" in reply.text and "BTC/USDT" in reply.text and "ETH/USDT" in reply.text


async def test_price_without_a_coin_asks_which(ask):
    _, reply = await ask("price", intent="price")
    assert reply.text.startswith("Which coin?")


async def test_top_gainers_today(ask):
    parsed, reply = await ask("top gainers today")
    assert parsed.intent == "market_overview" and parsed.entities.get("period") == "24h"
    assert "Top gainers (24h)" in reply.text and "Top losers" not in reply.text
    assert re.search(r"\+\d+(\.\d+)?%", reply.text)


async def test_top_losers_this_week(ask):
    _, reply = await ask("top losers this week")
    assert "Top losers (7 days)" in reply.text and "Top gainers" not in reply.text


async def test_market_summary_and_comparison(ask):
    _, summary = await ask("how is the market")
    assert "Market summary (24h)" in summary.text and "major pairs" in summary.text
    _, comparison = await ask("compare btc and eth")
    assert "Comparison" in comparison.text and "Strongest" in comparison.text
    assert "BTC" in comparison.text and "ETH" in comparison.text and "RSI" in comparison.text


async def test_rsi_eth_4h(ask):
    parsed, reply = await ask("rsi eth 4h")
    assert parsed.entities["timeframe"] == "4h"
    assert "ETH/USDT · 4h" in reply.text
    match = re.search(r"RSI 14</b>: (\d+(?:\.\d)?) — (overbought|oversold|neutral)", reply.text)
    assert match and 0 <= float(match.group(1)) <= 100


async def test_a_chart_request_answers_with_the_call_too(ask):
    parsed, reply = await ask("eth chart 1h with stochastic")
    assert parsed.intent == "chart" and reply.photo is not None
    assert "ETH/USDT · 1h technical analysis" in reply.text and reply.photo_caption.startswith("<b>ETH/USDT · 1h</b>")


async def test_default_indicators_and_period(ask):
    _, reply = await ask("ema 200 btc daily")
    assert "BTC/USDT · 1d" in reply.text and "EMA 200</b>" in reply.text
    assert "price above it" in reply.text or "price below it" in reply.text
    _, default = await ask("indicators for sol", intent="indicators")
    assert "RSI 14" in default.text and "MACD" in default.text and "· 1h" in default.text


async def test_sol_chart_is_a_png_with_a_caption(ask):
    parsed, reply = await ask("show me a sol chart")
    assert parsed.intent == "chart"
    assert reply.photo is not None and reply.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert "SOL/USDT · 4h technical analysis" in reply.text and "Signal:" in reply.text
    assert reply.photo_caption and "SOL/USDT · 4h" in reply.photo_caption and "Not financial advice" in reply.text


async def test_support_and_resistance_for_eth(ask):
    parsed, reply = await ask("support and resistance for eth")
    assert parsed.intent == "levels"
    assert "ETH/USDT · 4h levels" in reply.text and "Resistance" in reply.text and "Support" in reply.text
    assert reply.text.count("<pre>") >= 1 and numbers_in(reply.text)


async def test_analyze_eth_4h_answers_with_the_call_and_its_chart(ask):
    parsed, reply = await ask("analyze eth 4h light")
    # the parser reads "analyze" as indicators (none named) or chart: both answer with the call
    assert parsed.intent in ("indicators", "chart") and parsed.entities["timeframe"] == "4h"
    assert reply.photo is not None and reply.photo.startswith(b"\x89PNG\r\n\x1a\n")
    text = reply.text
    assert "ETH/USDT · 4h technical analysis" in text and re.search(r"Signal: <b>(STRONG BUY|BUY|SELL|STRONG SELL|NEUTRAL \(hold\))</b>", text)
    assert "<b>Why</b>" in text and "RSI 14</b>" in text and "MACD" in text and "ADX" in text and "Ichimoku" in text
    assert ("Setup (long)" in text or "Setup (short)" in text or "No trade setup" in text)
    assert "Based on the last 200 4h candles" in text and "Not financial advice" in text
    assert reply.photo_caption is not None and len(reply.photo_caption) <= 1024


async def test_a_failing_chart_still_answers_with_the_call(ask, services):
    class BrokenCharts:
        async def price(self, chart):
            raise RuntimeError("the rendering process died")

    ask.services = replace(services, charts=BrokenCharts())
    _, reply = await ask("analyze btc 1h")
    assert reply.photo is None and "BTC/USDT · 1h technical analysis" in reply.text
