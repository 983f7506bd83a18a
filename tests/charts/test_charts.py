"""Chart images: what a technical call draws, both themes, the heat-map, the process pool."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from matplotlib.image import imread

from bot.charts import ChartRenderer, ChartWords, PriceChart, draw_allocation, draw_correlation, draw_price_chart
from domain.channel_stats import ChannelStats
from domain.market_data.simulated import SimulatedMarketData
from domain.services.technical_analysis import TechnicalAnalysisService

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def analysis():
    service = TechnicalAnalysisService(SimulatedMarketData(seed=5, clock=lambda: NOW))
    return asyncio.run(service.analyze("ETH/USDT", "4h"))


def pixels(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_MAGIC)
    return imread(io.BytesIO(png))


def test_a_call_draws_its_levels_and_setup_on_candles_with_indicator_panels(analysis):
    chart = PriceChart.of_analysis(analysis, indicators=("rsi", "macd", "bollinger"))
    assert chart.signal is not None and chart.signal.targets and chart.supports
    assert len(chart.close) == len(analysis.candles) and chart.visible == 120  # history warms the indicators
    image = pixels(draw_price_chart(chart))
    plain = pixels(draw_price_chart(PriceChart.of("ETH/USDT", "4h", analysis.candles, indicators=())))
    # two indicator panels make the image taller than candles and volume alone
    assert image.shape[0] > plain.shape[0] + 200 and image.shape[1] >= 900


def test_dark_and_light_themes_differ_in_background(analysis):
    dark = pixels(draw_price_chart(PriceChart.of_analysis(analysis, theme="dark")))
    light = pixels(draw_price_chart(PriceChart.of_analysis(analysis, theme="light")))
    assert dark[5, 5, :3].mean() < 0.2 and light[5, 5, :3].mean() > 0.9


def test_a_short_history_still_draws_and_nothing_is_refused():
    candles = SimulatedMarketData(seed=1, clock=lambda: NOW)
    few = asyncio.run(candles.ohlcv("BTC/USDT", "1d", 5))
    assert draw_price_chart(PriceChart.of("BTC/USDT", "1d", few, indicators=("rsi", "adx", "ichimoku"))).startswith(PNG_MAGIC)
    with pytest.raises(ValueError):
        PriceChart.of("BTC/USDT", "1h", [])


def test_allocation_skips_empty_assets_and_refuses_nothing_to_draw():
    assert draw_allocation([("USDT", 5000.0), ("BTC", 0.0), ("ETH", 2000.0)]).startswith(PNG_MAGIC)
    with pytest.raises(ValueError):
        draw_allocation([("BTC", 0.0)])


def test_correlation_heat_map_needs_a_square_matrix():
    assert draw_correlation(["BTC", "ETH"], [[1.0, 0.8], [0.8, 1.0]], "Correlation").startswith(PNG_MAGIC)
    with pytest.raises(ValueError):
        draw_correlation(["BTC"], [[1.0]], "Correlation")


async def test_the_renderer_draws_in_a_separate_process(analysis):
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        renderer = ChartRenderer(pool)
        png = await renderer.price(PriceChart.of_analysis(analysis))
        allocation = await renderer.allocation([("BTC", Decimal("2")), ("USDT", Decimal("1"))])
        heat_map = await renderer.correlation(["A", "B"], [[1.0, -0.3], [-0.3, 1.0]], "Correlation")
        stats = ChannelStats(source="Alpha Calls", signals=4, entered=3, tp1=2, all_targets=1, stopped=1, expired=1,
                             open=0, average_r=Decimal("0.8"), simulated_pnl=Decimal("12.50"),
                             simulated_percent=Decimal("4.2"))
        channels = await renderer.channels([stats], ChartWords())
    finally:
        pool.shutdown()
    assert all(image.startswith(PNG_MAGIC) for image in (png, allocation, heat_map, channels))


def test_a_russian_reader_gets_a_chart_labelled_in_russian(analysis):
    from matplotlib.text import Text

    from bot.charts import price_figure
    from bot.i18n import Catalogs, speaking
    from bot.render.market import chart_label, chart_words
    from tests.e2e.english import english_sentences

    with speaking(Catalogs(), "ru"):
        chart = PriceChart.of_analysis(analysis, indicators=("bollinger", "vwap", "rsi"), label=chart_label(analysis),
                                       words=chart_words())
    figure = price_figure(chart)
    drawn = [text.get_text() for text in figure.findobj(Text) if text.get_text().strip()]
    assert any("Объём" in text for text in drawn) and any("Боллинджер" in text for text in drawn)
    assert not [text for text in drawn if english_sentences(text) or "entry zone" in text or "last " in text], drawn


def test_numbers_on_a_chart_follow_the_readers_locale(analysis):
    """Axis ticks, the last price and level labels go through the one number formatter."""
    import re

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from bot.charts import price_figure
    from bot.i18n import Catalogs, speaking
    from bot.render.market import chart_words
    from bot.render.numbers import numbers_in

    def drawn_numbers(locale: str) -> list[str]:
        with speaking(Catalogs(), locale):
            chart = PriceChart.of_analysis(analysis, indicators=("macd",), words=chart_words())
        with numbers_in(chart.words.locale):
            figure = price_figure(chart)
            FigureCanvasAgg(figure).draw()  # tick labels are formatted when drawn
        return [text.get_text() for text in figure.findobj(Text) if re.search(r"\d", text.get_text())]

    english, russian = drawn_numbers("en"), drawn_numbers("ru")
    # ETH near 3,000: grouped thousands, and MACD's fractional ticks
    assert any(re.search(r"\d,\d{3}", text) for text in english) and any(re.search(r"\d\.\d", text) for text in english)
    assert any(re.search(r"\d\u00a0\d{3}", text) for text in russian), russian
    assert any(re.search(r"\d,\d", text) for text in russian)
    assert not [text for text in russian if re.search(r"\d\.\d", text) and not re.search(r"\d{2}-\d{2}", text)], russian
