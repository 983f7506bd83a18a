"""The HTML builders on hand-built results: numbers, interpretation, escaping, length."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D

from bot.render import numbers
from bot.render import advice, market
from domain.enums import OrderSide
from domain.models import Ticker
from domain.services.glossary import GlossaryAnswer, GlossaryEntry
from domain.services.market_analysis import IndicatorReading, IndicatorReport, Level, LevelsReport
from domain.services.market_overview import Mover, Movers, SymbolSnapshot, Trend
from domain.services.news import NewsItem, NewsResult, NewsStatus
from domain.services.recommendations import DcaPeriod, build_dca_plan, recommend
from domain.services.risk import Exposure, HoldingRisk, MarketRisk, PortfolioRisk, PortfolioTailRisk, PositionSizing
from domain.services.sentiment import Mood, MoodComponent, SentimentReading
from domain.services.trade_review import TradePlan, review_trade

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def snapshot(**changes) -> SymbolSnapshot:
    values = dict(symbol="ETH/USDT", last_price=D("3000"), period="30d", change_percent=D("12.5"),
                  volatility_percent=D("3.1"), rsi=D("55"), trend=Trend.UP, ema_periods=(50, 200),
                  ema_fast=D("2800"), ema_slow=D("2500"), atr=D("90"), support=D("2950"), resistance=D("3400"),
                  range_low=D("2700"), range_high=D("3450"))
    return SymbolSnapshot(**(values | changes))


def test_numbers_have_no_exponent_or_noise():
    assert numbers.price(D("62345.1234")) == "62,345.12"
    assert numbers.price(D("3.40120000")) == "3.4012"
    assert numbers.price(D("0.0000095000")) == "0.0000095"
    assert numbers.price(D("1E+5")) == "100,000"
    assert numbers.percent(D("2.5"), signed=True) == "+2.5%" and numbers.percent(D("-0.104")) == "-0.1%"
    assert numbers.compact(D("2220000000")) == "2.22B" and numbers.number(D("1E-8"), 8) == "0.00000001"


def test_price_card():
    ticker = Ticker("BTC/USDT", D("62000.5"), D("60000"), D("62500"), D("59800"), D("1234.5"), D("76543210"),
                    None, None, NOW)
    text = market.render_prices([ticker])
    assert "<b>BTC/USDT</b>  62,000.5 USDT" in text and "+3.33%" in text
    assert "High / low: 62,500 / 59,800" in text and "76.54M USDT" in text


def test_gainers_only():
    movers = Movers("7d", (Mover("PEPE/USDT", D("0.00000812"), D("12.5"), D("1000")),), (), ())
    text = market.render_movers(movers, losers=False)
    assert "Top gainers (7 days)" in text and "PEPE/USDT  0.00000812  +12.5%" in text and "losers" not in text


def test_rsi_72_reads_overbought_and_macd_direction():
    report = IndicatorReport("ETH/USDT", "4h", D("3000"), NOW, (
        IndicatorReading("rsi", {"rsi": D("72.04"), "period": D(14)}, "overbought"),
        IndicatorReading("macd", {"macd": D("12.5"), "signal": D("10"), "histogram": D("2.5")}, "bullish"),
    ), ("ichimoku",))
    text = market.render_indicators(report)
    assert "<b>RSI 14</b>: 72 — overbought" in text
    assert "MACD</b>: 12.5, signal 10, histogram 2.5 — bullish" in text
    assert "Not available: ichimoku" in text and "ETH/USDT · 4h" in text


def test_levels_show_distance_and_touches():
    report = LevelsReport("SOL/USDT", "4h", D("100"), (Level(D("95"), 3),), (Level(D("110"), 2),))
    text = market.render_levels(report)
    resistance, support = text.split("<b>Support</b>")
    assert "110   10%       2x" in resistance and "95    5%       3x" in support


def test_recommendation_carries_reasons_and_disclaimer():
    rec = recommend(snapshot(last_price=D("2960"), rsi=D("44")))
    text = advice.render_recommendation(rec)
    assert "ETH/USDT: 🟢 Accumulate" in text and "<b>Why</b>" in text and "not financial advice" in text
    assert "Invalidation: a daily close below <b>2,860</b>" in text


def test_dca_plan_table():
    plan = build_dca_plan("SOL/USDT", D("100"), DcaPeriod.WEEKLY, 4, date(2025, 3, 10), D("150"))
    text = advice.render_dca_plan(plan)
    assert "DCA plan: SOL/USDT, 100.00 USDT weekly" in text and "2025-03-31" in text
    assert "400.00 USDT in total" in text and "≈ 2.666667 SOL" in text


def test_sentiment_reading():
    reading = SentimentReading("BTC/USDT", 62, Mood.GREED, (MoodComponent("rsi", D("61.5"), "", 62, "…"),),
                               ("BTC/USDT",))
    text = advice.render_sentiment(reading)
    assert "<b>62/100 · Greed</b>" in text and "RSI         61.5     62" in text and "no social media" in text


def test_news_escapes_titles_and_links():
    item = NewsItem("<script>ETH</script> & co", "https://x.example/?a=1&b=\"2\"", "Feed <1>", NOW)
    text = advice.render_news(NewsResult(NewsStatus.OK, (item,), ("ETH/USDT",), "24h", (), 1))
    assert "&lt;script&gt;ETH&lt;/script&gt; &amp; co" in text and "<script>" not in text
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;"' in text and "Feed &lt;1&gt;" in text
    assert advice.render_news(NewsResult(NewsStatus.NO_SOURCE)) == advice.NO_NEWS_SOURCE


def test_glossary_answer_and_suggestions():
    entry = GlossaryEntry("funding rate", "Longs pay shorts <sometimes>.", related=("perpetual",))
    assert "<b>Funding rate</b>\nLongs pay shorts &lt;sometimes&gt;." in advice.render_glossary(
        GlossaryAnswer("q", entry))
    assert "<b>long</b>" in advice.render_glossary(GlossaryAnswer("q", None, ("long",)))


def test_trade_review_targets_and_warnings():
    plan = TradePlan("BTC/USDT", OrderSide.BUY, D("60000"), D("59000"), (D("60500"), D("63000")), D("25"), D("0.1"))
    review = review_trade(plan, D("60000"), current_price=D("60100"), atr_value=D("2500"), atr_timeframe="1d")
    text = advice.render_trade_review(review)
    assert "Long BTC/USDT: ⚠️ Risky" in text and "Leverage 25x" in text and "Liquidation ≈ 57,889.45" in text
    assert "60,500  +0.83%  0.5   50.00" in text and "63,000     +5%    3  300.00" in text
    assert "Position 6,000.00 USDT, margin 240.00, loss at stop 100.00 USDT" in text
    assert "reward:risk below 1" in text and "above 20x" in text and "0.4x the 1d ATR" in text
    past_liquidation = TradePlan("BTC/USDT", OrderSide.BUY, D("60000"), D("57000"), (D("63000"),), D("50"))
    text = advice.render_trade_review(review_trade(past_liquidation, D("60000")))
    assert "Long BTC/USDT: ⛔ Poor" in text and "liquidated before the stop triggers" in text


def test_position_size_and_portfolio_risk():
    sizing = PositionSizing("BTC/USDT", OrderSide.BUY, D("60000"), D("58000"), D("99.8"), D("0.998"),
                            D("0.04959"), D("2975.4"), D("29.754"), D("3.33333"), D("0.3"))
    text = advice.render_position_size(sizing)
    assert "Buy <b>0.04959 BTC</b>" in text and "2,975.40 USDT = 29.8% of the portfolio" in text
    assert "Capped" not in text and "leverage" not in text
    capped = advice.render_position_size(replace(sizing, leverage=D(1), capped_at_leverage=D(1)))
    assert "⚠️ Capped at 1x the portfolio" in capped
    market_risk = MarketRisk(
        holdings=(HoldingRisk("BTC", "BTC/USDT", D("3000"), D("60000"), D("2.31"), D("44.1"), D("3.05"), D("56340"), 366),),
        tails=(PortfolioTailRisk(D(95), D("1.2"), D("120"), D("1.6"), D("160")),
               PortfolioTailRisk(D(99), D("2.1"), D("210"), D("2.5"), D("250"))),
        days=365, assets=(), correlation=())
    risk = PortfolioRisk(D("10000"), D("70"), D("30"), (Exposure("BTC", D("3000"), D("30"), None, None),),
                         D("30"), D("1"), ("BTC",), D("0"), "moderate", ("One holding is 30.0% of the portfolio.",),
                         market_risk)
    text = advice.render_portfolio_risk(risk)
    assert "Portfolio risk: 🟡 Moderate" in text and "Without a stop-loss: BTC" in text and "<pre>" in text
    assert "1-day Value at Risk</b> (historical, 365 days)" in text and "56,340" in text
    assert "On 1 day in 20 the portfolio lost more than 1.2% (120.00 USDT); on those days 1.6% on average." in text


def test_long_replies_are_clipped_with_closed_tags():
    movers = Movers("24h", tuple(Mover(f"C{i}/USDT", D(i + 1), D("1"), D("5")) for i in range(400)), (), ())
    text = market.render_movers(movers)
    assert len(text) <= market.MAX_REPLY and text.count("<pre>") == text.count("</pre>")


def test_adx_ichimoku_and_pivot_readings_read_plainly():
    adx = IndicatorReading("adx", {"adx": D("31.2"), "plus_di": D("28"), "minus_di": D("14")}, "bullish")
    assert "ADX</b>: 31.2 (+DI 28, -DI 14) — a trend, buyers leading" in market.describe_reading(adx, D(100))
    cloud = IndicatorReading("ichimoku", {"conversion": D("101"), "base": D("99"), "span_a": D("97"), "span_b": D("95")},
                             "above")
    assert "cloud 95 – 97 — price above the cloud (bullish)" in market.describe_reading(cloud, D(100))
    levels = {"s3": D(90), "s2": D(93), "s1": D(96), "pivot": D(99), "r1": D(102), "r2": D(105), "r3": D(108)}
    text = market.describe_reading(IndicatorReading("pivots", levels, "above"), D(100))
    assert "Pivots</b> (previous UTC day) — price above the pivot" in text and "R3" in text and "<pre>" in text
