"""Technical calls of record: each "analyze X" answer as a ``trading_signals`` row (source
technical_analysis) with its ``market_analysis`` row, scored once its ``valid_until`` passed,
and the track record per timeframe.

The rows are stored inactive: they are a record of what the bot said, not signals a user follows
(the signal watcher tracks active rows only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MarketAnalysis, TradingSignal
from db.repositories.signals import OUTCOME_LIMIT, pair_id_for_signal
from domain.enums import SignalSource, SignalType
from domain.services.call_scoring import CallScore, RecordedCall, TimeframeRecord
from domain.services.market_overview import Trend
from domain.services.technical_analysis import TechnicalAnalysis
from domain.timeframes import TIMEFRAMES

TIMEFRAME = TradingSignal.market_conditions["timeframe"].astext


@dataclass(frozen=True, slots=True)
class DueCall:
    id: uuid.UUID
    symbol: str
    timeframe: str
    confidence: Decimal
    call: RecordedCall


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _trend(analysis: TechnicalAnalysis) -> Trend:
    side = next((v.weight for v in analysis.votes if v.indicator == "trend"), 0.0)
    return Trend.UP if side > 0 else Trend.DOWN if side < 0 else Trend.SIDEWAYS


class AnalysisRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, analysis: TechnicalAnalysis, *, user_id: uuid.UUID | None, ai_command_id: uuid.UUID | None,
    ) -> uuid.UUID:
        pair_id = await pair_id_for_signal(self._session, analysis.symbol, None)
        setup = analysis.setup
        indicators = {r.name: {k: str(v) for k, v in r.values.items()} | {"signal": r.signal} for r in analysis.readings}
        votes = {v.indicator: round(v.weight, 4) for v in analysis.votes}
        row = TradingSignal(
            user_id=user_id,
            ai_command_id=ai_command_id,
            trading_pair_id=pair_id,
            symbol=analysis.symbol,
            signal_type=analysis.signal,
            source=SignalSource.TECHNICAL_ANALYSIS,
            strength=analysis.strength,
            confidence=analysis.confidence,
            entry_low=setup.entry_low if setup else None,
            entry_high=setup.entry_high if setup else None,
            entry_prices=[str(setup.entry_low), str(setup.entry_high)] if setup else [],
            take_profit_levels=[str(t) for t in setup.targets] if setup else [],
            take_profit_price=setup.targets[0] if setup and setup.targets else None,
            target_price=setup.targets[-1] if setup and setup.targets else None,
            stop_loss_price=setup.stop_loss if setup else None,
            reasoning="\n".join(v.reason for v in analysis.votes),
            technical_indicators={"votes": votes, "score": round(analysis.score, 4), "readings": indicators},
            market_conditions={"timeframe": analysis.timeframe, "price": str(analysis.price), "atr": _text(analysis.atr),
                               "as_of": analysis.as_of.isoformat(), "candles": len(analysis.candles)},
            valid_until=analysis.valid_until,
            is_active=False,
        )
        self._session.add(row)
        self._session.add(MarketAnalysis(
            trading_pair_id=pair_id,
            ai_command_id=ai_command_id,
            symbol=analysis.symbol,
            timeframe=analysis.timeframe,
            analysis_type="technical",
            price_at_analysis=analysis.price,
            trend=_trend(analysis).value,
            indicators=indicators,
            support_levels=[str(lv.price) for lv in analysis.supports],
            resistance_levels=[str(lv.price) for lv in analysis.resistances],
            summary=f"{analysis.signal.value}: " + "; ".join(v.reason for v in analysis.votes if v.weight),
            expires_at=analysis.valid_until,
        ))
        await self._session.flush()
        return row.id

    async def due(self, now: datetime, limit: int = 50) -> list[DueCall]:
        """Technical calls whose window has passed and that have no score yet, oldest first."""
        rows = await self._session.scalars(
            select(TradingSignal)
            .where(TradingSignal.source == SignalSource.TECHNICAL_ANALYSIS, TradingSignal.accuracy_score.is_(None),
                   TradingSignal.expired_at.is_(None), TradingSignal.valid_until <= now)
            .order_by(TradingSignal.valid_until)
            .limit(limit)
        )
        return [self.due_call(row) for row in rows]

    @staticmethod
    def due_call(row: TradingSignal) -> DueCall:
        conditions = row.market_conditions
        atr = conditions.get("atr")
        assert row.valid_until is not None
        call = RecordedCall(
            signal=row.signal_type,
            price=Decimal(conditions["price"]),
            stop=row.stop_loss_price,
            targets=tuple(Decimal(t) for t in row.take_profit_levels),
            atr=Decimal(atr) if atr is not None else None,
            as_of=datetime.fromisoformat(conditions["as_of"]),
            valid_until=row.valid_until,
        )
        return DueCall(row.id, row.symbol, conditions["timeframe"], row.confidence, call)

    async def score(self, call_id: uuid.UUID, score: CallScore | None, now: datetime) -> None:
        """Record how the call turned out; ``None``: no candle to judge it by, closed unscored."""
        values: dict[str, object] = {"expired_at": now, "updated_at": now}
        if score is not None:
            move = max(-OUTCOME_LIMIT, min(OUTCOME_LIMIT, score.move_percent)).quantize(Decimal("0.0001"))
            values |= {"accuracy_score": score.accuracy, "actual_outcome": move, "outcome": score.outcome}
        else:
            values |= {"outcome": "expired"}
        await self._session.execute(update(TradingSignal).where(TradingSignal.id == call_id).values(**values))

    async def track_record(self) -> list[TimeframeRecord]:
        directional = TradingSignal.signal_type.in_(
            (SignalType.BUY, SignalType.STRONG_BUY, SignalType.SELL, SignalType.STRONG_SELL))
        rows = await self._session.execute(
            select(
                TIMEFRAME,
                func.count(),
                func.count(TradingSignal.accuracy_score),
                func.count().filter(TradingSignal.accuracy_score >= Decimal("0.5")),
                func.avg(TradingSignal.accuracy_score),
                func.avg(case((directional, TradingSignal.actual_outcome))),
            )
            .where(TradingSignal.source == SignalSource.TECHNICAL_ANALYSIS)
            .group_by(TIMEFRAME)
        )
        records = [
            TimeframeRecord(timeframe or "?", calls, scored, hits,
                            None if accuracy is None else Decimal(accuracy).quantize(Decimal("0.01")),
                            None if move is None else Decimal(move).quantize(Decimal("0.01")))
            for timeframe, calls, scored, hits, accuracy, move in rows
        ]
        order = list(TIMEFRAMES)
        return sorted(records, key=lambda r: order.index(r.timeframe) if r.timeframe in order else len(order))
