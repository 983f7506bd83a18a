"""The advice intent handlers on real services (simulated market, PostgreSQL, Redis) and real parses."""

from __future__ import annotations

import re

import pytest

from bot.assistant.advice import INTENT_HANDLERS
from bot.render.advice import NO_NEWS_SOURCE, START_HINT
from domain.services.recommendations import NOT_FINANCIAL_ADVICE
from domain.services.sentiment import BASIS
from domain.enums import OrderSide
from domain.models import OrderRequest
from decimal import Decimal as D

DISCLAIMER = NOT_FINANCIAL_ADVICE[:40]


@pytest.fixture
def ask(ask_factory, user_id):
    return ask_factory(INTENT_HANDLERS, user_id)


async def test_sentiment_on_btc_shows_score_components_and_basis(ask):
    parsed, reply = await ask("sentiment on btc")
    assert parsed.intent == "sentiment"
    score = re.search(r"<b>(\d+)/100 · (Extreme fear|Fear|Neutral|Greed|Extreme greed)</b>", reply.text)
    assert score and 0 <= int(score.group(1)) <= 100
    assert "BTC/USDT" in reply.text and "momentum" in reply.text and "RSI" in reply.text
    assert BASIS.split(";")[0] in reply.text


async def test_market_sentiment_and_two_pairs(ask):
    _, market = await ask("market sentiment")
    assert "Sentiment: Market" in market.text and "breadth" in market.text
    _, pairs = await ask("sentiment sol vs eth")
    assert "SOL/USDT" in pairs.text and "ETH/USDT" in pairs.text and "Component scores" in pairs.text


async def test_should_i_accumulate_eth_is_a_view_with_reasons(ask):
    parsed, reply = await ask("should i accumulate eth")
    assert parsed.intent == "recommend"
    assert re.search(r"ETH/USDT: \S+ (Accumulate|Hold|Take partial profit|Wait)", reply.text)
    assert "<b>Why</b>" in reply.text and "Invalidation: a daily close" in reply.text
    assert DISCLAIMER in reply.text


async def test_what_should_i_buy_screens_the_majors(ask):
    _, reply = await ask("what coins should i buy")
    assert "Screen of the major pairs" in reply.text and "<pre>" in reply.text
    table = reply.text.split("<pre>")[1].split("</pre>")[0]
    assert len(re.findall(r"^\w+/USDT +(accumulate|hold|take profit|wait) ", table, re.M)) == 10
    assert DISCLAIMER in reply.text


async def test_dca_plan_for_sol_100_a_week(ask):
    parsed, reply = await ask("build me a dca plan for sol, $100 a week")
    assert parsed.entities["quote_amount"] == 100
    assert "DCA plan: SOL/USDT, 100.00 USDT weekly" in reply.text
    assert "12 buys" in reply.text and "1,200.00 USDT in total" in reply.text
    assert "Buy-the-dip variant" in reply.text and DISCLAIMER in reply.text


async def test_monthly_dca_and_switch_and_strategies(ask):
    _, monthly = await ask("dca $50 into btc monthly")
    assert "50.00 USDT monthly" in monthly.text
    _, switch = await ask("should i switch from eth to sol")
    assert "Switch ETH/USDT → SOL/USDT?" in switch.text and "Leaning:" in switch.text
    _, ideas = await ask("suggest a grid strategy for btc with 5000 usdt")
    assert "Strategy ideas on BTC/USDT with 5,000.00 USDT" in ideas.text
    assert "Grid trading" in ideas.text and "500.00 USDT per grid" in ideas.text and "Range trading" in ideas.text


async def test_what_is_a_funding_rate(ask):
    parsed, reply = await ask("what is a funding rate")
    assert parsed.intent == "explain"
    assert "<b>Funding rate</b>" in reply.text and "longs pay shorts" in reply.text


async def test_unknown_term_offers_suggestions(ask):
    _, reply = await ask("what is blorf")
    assert reply.text.startswith("I don't have that term")


async def test_news_on_solana_without_a_source_says_so(ask):
    parsed, reply = await ask("news on solana")
    assert parsed.intent == "news" and reply.text == NO_NEWS_SOURCE


async def test_longing_sui_with_a_stop_is_reviewed(ask):
    parsed, reply = await ask("is longing sui at 3.40 with stop 3.22 a decent idea?")
    assert parsed.intent == "evaluate_trade"
    assert re.search(r"Long SUI/USDT: \S+ (Reasonable|Risky|Poor)", reply.text)
    assert "Entry 3.4 USDT" in reply.text and "Stop 3.22: 5.29% away" in reply.text and "ATR" in reply.text


async def test_a_leveraged_short_shows_its_liquidation(ask):
    parsed, reply = await ask("risk of shorting btc at 60000 stop 61000 10x")
    assert parsed.intent == "trade_risk"
    assert "Short BTC/USDT" in reply.text and "Leverage 10x" in reply.text
    assert "Liquidation ≈ 65,671.64" in reply.text


async def test_position_size_for_one_percent_risk(ask):
    parsed, reply = await ask("position size btc risk 1% stop 58000")
    assert parsed.intent == "position_size"
    assert "Position size: BTC/USDT (long)" in reply.text
    quantity = re.search(r"Buy <b>(\d+(?:\.\d+)?) BTC</b>", reply.text)
    assert quantity and float(quantity.group(1)) > 0
    # 1% of the 10,000 USDT paper portfolio, fees included, never more.
    loss = re.search(r"Loss if the stop is hit: ([\d,.]+) USDT", reply.text)
    assert loss and 90 < float(loss.group(1).replace(",", "")) <= 100


async def test_how_much_should_i_buy_if_i_risk_one_percent(ask):
    _, reply = await ask("how much should i buy if i risk 1% with stop 58000 on btc")
    assert "Position size: BTC/USDT (long)" in reply.text and "Loss if the stop is hit" in reply.text


async def test_sizing_and_portfolio_risk_need_start(ask_factory):
    ask = ask_factory(INTENT_HANDLERS, None)
    _, sizing = await ask("position size btc risk 1% stop 58000")
    _, risk = await ask("how risky is my portfolio")
    assert sizing.text == START_HINT and risk.text == START_HINT


async def test_portfolio_risk_of_a_fresh_paper_portfolio(ask):
    parsed, reply = await ask("how risky is my portfolio")
    assert parsed.intent == "portfolio_risk"
    assert "Portfolio risk: 🟢 Low" in reply.text and "Value 10,000.00 USDT" in reply.text
    assert "All in cash" in reply.text


async def test_missing_risk_or_stop_is_asked_for(ask):
    _, no_risk = await ask("position size for eth with stop 2900", intent="position_size")
    assert "How much do you want to risk?" in no_risk.text or "Position size" in no_risk.text
    _, no_symbol = await ask("position size risk 1% stop 100", intent="position_size")
    assert no_symbol.text.startswith("Which coin?") or "Position size" in no_symbol.text


async def test_portfolio_risk_with_holdings_shows_var_cvar_and_a_correlation_heat_map(ask, services, user_id):
    for symbol, amount in (("BTC/USDT", "0.02"), ("ETH/USDT", "0.4"), ("SOL/USDT", "5")):
        async with services.trading.uow_factory() as uow:
            preview = await services.trading.orders.preview(uow, user_id, OrderRequest(symbol, OrderSide.BUY, amount=D(amount)))
        async with services.trading.uow_factory() as uow:
            await services.trading.orders.confirm(uow, preview.token, user_id)
    _, reply = await ask("how risky is my portfolio")
    text = reply.text
    assert "1-day Value at Risk" in text and "95%" in text and "99%" in text and "CVaR" in text
    assert "Day vol" in text and "ATR stop" in text and "On 1 day in 20 the portfolio lost more than" in text
    var_95, var_99 = (float(m) for m in re.findall(r"\n *(?:95|99)% +([\d.]+)%", text))
    assert 0 < var_95 <= var_99  # the rarer the day, the larger the loss
    assert reply.photo is not None and reply.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.photo_caption and "Correlation of daily returns" in reply.photo_caption


async def test_position_size_is_capped_at_the_allowed_leverage(ask, services):
    price = (await services.trading.market_data.ticker("BTC/USDT")).last
    stop = int(price * D("0.995"))  # 0.5 % away: risking 5 % would take about 10x the portfolio
    _, reply = await ask(f"position size btc risk 5% stop {stop}")
    assert "Position size: BTC/USDT (long)" in reply.text
    assert "Capped at 1x the portfolio" in reply.text and "= 100% of the portfolio" in reply.text
