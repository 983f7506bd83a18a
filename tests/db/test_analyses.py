"""Technical calls of record: stored as trading_signals + market_analysis rows, scored by the job
once valid_until has passed, summed up per timeframe for /accuracy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.analysis_record import AnalysisScoringJob
from bot.render.market import render_track_record
from db.models import MarketAnalysis, TradingSignal
from db.repositories.analyses import AnalysisRecordRepository
from db.repositories.trading_uow import TradingUnitOfWork
from domain.enums import SignalSource
from domain.market_data.simulated import SimulatedMarketData
from domain.services.call_scoring import score_call
from domain.services.technical_analysis import TechnicalAnalysisService
from tests.assistant.conftest import RecordingTimeSeries

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


async def _store(session_factory, symbol: str, timeframe: str) -> tuple[object, object]:
    analysis = await TechnicalAnalysisService(SimulatedMarketData(seed=3, clock=lambda: T0)).analyze(symbol, timeframe)
    async with TradingUnitOfWork(session_factory) as uow:
        call_id = await uow.repo(AnalysisRecordRepository).add(analysis, user_id=None, ai_command_id=None)
        await uow.commit()
    return analysis, call_id


async def test_a_call_is_stored_with_its_analysis_then_scored_after_it_expires(session_factory):
    analysis, call_id = await _store(session_factory, "ETH/USDT", "1h")
    async with session_factory() as session:
        row = await session.get(TradingSignal, call_id)
        [market] = (await session.scalars(select(MarketAnalysis))).all()
    assert row.source is SignalSource.TECHNICAL_ANALYSIS and row.signal_type is analysis.signal
    assert (row.strength, row.confidence, row.valid_until) == (analysis.strength, analysis.confidence, analysis.valid_until)
    assert row.is_active is False and row.accuracy_score is None  # a record, not a followed signal
    assert row.reasoning and "rsi" in row.technical_indicators["readings"]
    assert row.market_conditions["timeframe"] == "1h" and Decimal(row.market_conditions["price"]) == analysis.price
    if analysis.setup is not None:
        assert row.stop_loss_price == analysis.setup.stop_loss
        assert [Decimal(t) for t in row.take_profit_levels] == list(analysis.setup.targets)
    assert (market.symbol, market.timeframe, market.analysis_type) == ("ETH/USDT", "1h", "technical")
    assert market.price_at_analysis == analysis.price and market.expires_at == analysis.valid_until
    assert [Decimal(s) for s in market.support_levels] == [lv.price for lv in analysis.supports]

    later = analysis.valid_until + timedelta(minutes=5)
    market_later = SimulatedMarketData(seed=3, clock=lambda: later)
    series = RecordingTimeSeries()
    job = AnalysisScoringJob(lambda: TradingUnitOfWork(session_factory), market_later, series, clock=lambda: T0)
    assert await job.run() == 0  # not due yet
    job = AnalysisScoringJob(lambda: TradingUnitOfWork(session_factory), market_later, series, clock=lambda: later)
    assert await job.run() == 1
    assert await job.run() == 0  # scored once

    async with session_factory() as session:
        stored = AnalysisRecordRepository.due_call(await session.get(TradingSignal, call_id)).call
    expected = score_call(stored, await market_later.ohlcv("ETH/USDT", "1h", 20))
    async with session_factory() as session:
        row = await session.get(TradingSignal, call_id)
    assert expected is not None and row.accuracy_score == expected.accuracy and row.outcome == expected.outcome
    assert row.actual_outcome == expected.move_percent.quantize(Decimal("0.0001")) and row.expired_at == later
    [point] = series.of("ai_model_performance")
    assert point["model"] == "technical_analysis" and point["accuracy"] == float(expected.accuracy)


async def test_the_track_record_counts_calls_per_timeframe(session_factory):
    for symbol, timeframe in (("BTC/USDT", "1h"), ("ETH/USDT", "1h"), ("SOL/USDT", "4h")):
        await _store(session_factory, symbol, timeframe)
    later = T0 + timedelta(hours=14)
    job = AnalysisScoringJob(lambda: TradingUnitOfWork(session_factory), SimulatedMarketData(seed=3, clock=lambda: later),
                             RecordingTimeSeries(), clock=lambda: later)
    assert await job.run() == 2  # the 1h calls have expired, the 4h one runs for two more days
    async with TradingUnitOfWork(session_factory) as uow:
        records = await uow.repo(AnalysisRecordRepository).track_record()
    assert [(r.timeframe, r.calls, r.scored) for r in records] == [("1h", 2, 2), ("4h", 1, 0)]
    hourly = records[0]
    assert hourly.average_accuracy is not None and 0 <= hourly.average_accuracy <= 1 and 0 <= hourly.hits <= 2
    text = render_track_record(records)
    assert "Track record" in text and "<pre>" in text and "Not financial advice" in text
    assert "No technical calls yet" in render_track_record([])
