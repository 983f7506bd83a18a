"""The daily summary: each morning (at the user's summary hour, 08:00 unless set in /settings, in
the user's own timezone) a portfolio summary and the
user's active alerts and followed signals, queued in the notification outbox.

The job runs hourly; a dedup key per user and local date means a re-run, a restart or a second
worker never queues the same morning's summary twice. Users without a portfolio, who muted
notifications or switched the summary off in /settings, are skipped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from bot.i18n import Catalogs, speaking, t
from bot.render import portfolio as render_portfolio
from bot.render.numbers import long_date
from db.models import TelegramUser
from db.repositories.alerts import AlertOwner
from db.repositories.signals import SignalOwner
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import TradingServices
from domain.enums import TelegramUserStatus

log = logging.getLogger(__name__)

def local_now(timezone: str, now: datetime) -> datetime:
    try:
        return now.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(UTC)


class DailySummaryJob:
    def __init__(self, uow_factory: Callable[[], TradingUnitOfWork], trading: TradingServices,
                 catalogs: Catalogs | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._uow_factory = uow_factory
        self._trading = trading
        self._catalogs = catalogs or Catalogs()
        self._clock = clock

    async def run(self) -> int:
        """Queue the summaries due this hour; returns how many were queued."""
        now = self._clock()
        queued = 0
        for telegram_user_id, user_id, timezone, summary_hour, language in await self._recipients():
            local = local_now(timezone, now)
            if local.hour != summary_hour:
                continue
            try:
                with speaking(self._catalogs, language):  # composed now, in the user's language
                    queued += await self._queue_one(telegram_user_id, user_id, local)
            except Exception:  # noqa: BLE001 - one user's failure must not stop the others
                log.exception("daily summary for %s failed", telegram_user_id)
        return queued

    async def _recipients(self) -> list[tuple[uuid.UUID, uuid.UUID, str, int, str]]:
        async with self._uow_factory() as uow:
            rows = await uow.session.execute(
                select(TelegramUser.id, TelegramUser.user_id, TelegramUser.timezone, TelegramUser.summary_hour,
                       TelegramUser.notification_types, TelegramUser.language)
                .where(
                    TelegramUser.status == TelegramUserStatus.ACTIVE,
                    TelegramUser.user_id.is_not(None),
                    TelegramUser.notifications_enabled.is_(True),
                    TelegramUser.is_bot_blocked.is_(False),
                )
            )
            return [(tid, uid, tz, hour, lang) for tid, uid, tz, hour, prefs, lang in rows
                    if (prefs or {}).get("daily_summary", True)]

    async def _queue_one(self, telegram_user_id: uuid.UUID, user_id: uuid.UUID, local: datetime) -> int:
        async with self._uow_factory() as uow:
            if await uow.portfolios.default_for(user_id) is None:
                return 0  # never traded: nothing to summarise
            summary = await self._trading.portfolios.summary(uow, user_id)
            alerts = await uow.alerts.list_active(AlertOwner(telegram_user_id, user_id))
            signals = await uow.signals.list_active(SignalOwner(telegram_user_id, user_id))
            text = "\n\n".join([
                t("☀️ <b>Good morning</b> — your summary for {date}", date=long_date(local)),
                render_portfolio.portfolio_summary(summary),
                t("🔔 Active alerts: {alerts} · 👀 Followed signals: {signals}", alerts=len(alerts), signals=len(signals)),
            ])
            added = await uow.notifications.enqueue(
                telegram_user_id, "daily_summary", {"text": text}, user_id=user_id,
                dedup_key=f"daily:{telegram_user_id}:{local:%Y-%m-%d}",
            )
            await uow.commit()
            return int(added)
