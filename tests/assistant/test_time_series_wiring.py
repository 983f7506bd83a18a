"""Every time-series writer is wired as main.py composes the bot: updates give system_metrics,
the parser and the technical analysis give ai_model_performance, the price watch gives
market_data and the performance job gives trading_performance."""

from __future__ import annotations

from tests.e2e.conftest import accept_terms

USER = 5151


async def test_an_analysis_request_records_the_update_the_parse_and_the_analysis(app, bot_api):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "analyze eth 4h")
    await bot_api.wait_for(lambda: bot_api.calls_of("sendPhoto", USER))
    await bot_api.wait_for_text(USER, "technical analysis")
    await bot_api.wait_for(lambda: len(app.time_series.of("system_metrics")) >= 2)  # /start, then the request
    update = app.time_series.of("system_metrics")[-1]
    assert update["service"] == "telegram_bot" and update["response_time_ms"] > 0
    assert update["error_rate"] == 0 and update["memory_usage_mb"] > 10
    models = {point["model"]: point for point in app.time_series.of("ai_model_performance")}
    assert models["technical_analysis"]["symbol"] == "ETH/USDT" and 0 <= models["technical_analysis"]["confidence"] <= 1
    parse = next(point for name, point in models.items() if name != "technical_analysis")
    assert parse["symbol"] == "ETH/USDT" and parse["processing_time_ms"] >= 0 and parse["confidence"] > 0.5


async def test_the_price_watch_and_the_performance_job_record_market_data_and_performance(app, bot_api):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "alert me when btc goes above 1000000")
    await bot_api.wait_for_text(USER, "1,000,000")
    await app.jobs.watch_prices()
    [tick] = app.time_series.of("market_data")
    assert tick["symbol"] == "BTC/USDT" and tick["exchange"] == "simulated" and tick["price"] > 0

    bot_api.send_text(USER, "buy 0.01 btc")
    await bot_api.wait_for_text(USER, "Confirm")
    bot_api.tap(USER, "Confirm")
    await bot_api.wait_for_edit(USER, "Bought 0.01 BTC")
    assert await app.jobs.job("record_performance").run() == 1
    [performance] = app.time_series.of("trading_performance")
    assert performance["symbol"] == "BTC/USDT" and performance["trade_count"] == 1
    assert performance["win_rate"] is None  # nothing closed yet
