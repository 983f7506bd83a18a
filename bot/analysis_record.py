"""Scores the technical calls of record once their ``valid_until`` has passed (a scheduled job),
against the candles the market printed in the meantime, and records the model's accuracy in the
``ai_model_performance`` time series."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime

from db.repositories.analyses import AnalysisRecordRepository, DueCall
from db.repositories.trading_uow import TradingUnitOfWork
from db.timeseries import TimeSeries
from domain.errors import DomainError
from domain.models import Candle
from domain.ports import MarketDataPort
from domain.services.call_scoring import score_call
from domain.timeframes import TIMEFRAMES

log = logging.getLogger(__name__)

MODEL = "technical_analysis"  # the model tag of technical calls in the time series
MAX_CANDLES = 1000
BATCH = 50


class AnalysisScoringJob:
    def __init__(
        self, uow_factory: Callable[[], TradingUnitOfWork], market: MarketDataPort, time_series: TimeSeries,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow_factory = uow_factory
        self._market = market
        self._time_series = time_series
        self._clock = clock

    async def run(self) -> int:
        """Score the calls due now; returns how many were scored."""
        now = self._clock()
        async with self._uow_factory() as uow:
            due = await uow.repo(AnalysisRecordRepository).due(now, BATCH)
        scored = 0
        for call in due:
            try:
                candles = await self._candles(call, now)
            except DomainError as error:
                log.warning("analysis scoring: no candles for %s: %s", call.symbol, error.user_message)
                continue  # tried again on the next run
            score = score_call(call.call, candles)
            async with self._uow_factory() as uow:
                await uow.repo(AnalysisRecordRepository).score(call.id, score, now)
                await uow.commit()
            if score is not None:
                scored += 1
                self._time_series.ai_model_performance(
                    MODEL, call.symbol, confidence=float(call.confidence), accuracy=float(score.accuracy),
                    prediction_error=float(1 - score.accuracy))
        return scored

    async def _candles(self, call: DueCall, now: datetime) -> list[Candle]:
        width = TIMEFRAMES[call.timeframe]
        needed = math.ceil((now - call.call.as_of) / width) + 2
        return await self._market.ohlcv(call.symbol, call.timeframe, min(needed, MAX_CANDLES))
