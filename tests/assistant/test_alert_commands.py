"""/alerts and the option buttons of a new alert (once/repeat, cooldown, re-arm margin, expiry)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from db.models import PriceAlert
from tests.e2e.conftest import accept_terms

USER = 4243


async def _alerts(session_factory) -> list[PriceAlert]:
    async with session_factory() as session:
        return list(await session.scalars(select(PriceAlert).where(PriceAlert.is_active.is_(True))))


def _edited(bot_api, fragment: str) -> bool:
    return any(fragment in c.params.get("text", "") and c.status == 200  # answered: the edit is applied
               for c in bot_api.calls_of("editMessageText", USER))


async def test_alerts_command_sets_configures_lists_and_deletes(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "/alerts")
    await bot_api.wait_for_text(USER, "You have no active alerts")

    bot_api.send_text(USER, "/alerts btc goes above 1m")
    await bot_api.wait_for_text(USER, "Alert set: <b>BTC/USDT above 1,000,000")
    bot_api.tap(USER, "Repeat")
    await bot_api.wait_for(lambda: _edited(bot_api, "(repeats)"))
    bot_api.tap(USER, "1 h")
    await bot_api.wait_for(lambda: _edited(bot_api, "every 1 h at most"))
    bot_api.tap(USER, "2%")
    bot_api.tap(USER, "1 week")
    await bot_api.wait_for(lambda: _edited(bot_api, "until"))
    [alert] = await _alerts(session_factory)
    assert (alert.repeat, alert.cooldown_seconds, alert.hysteresis_percent) == (True, 3600, Decimal("2"))
    assert timedelta(days=6) < alert.expires_at - datetime.now(UTC) <= timedelta(days=7)

    bot_api.send_text(USER, "/alerts")
    listing = await bot_api.wait_for_text(USER, "Your alerts</b> (1)")
    assert "repeats, every 1 h at most" in listing
    bot_api.send_text(USER, "/alerts delete 1")
    await bot_api.wait_for_text(USER, "Deleted the alert")
    assert await _alerts(session_factory) == []


async def test_someone_elses_alert_option_changes_nothing(app, bot_api, session_factory):
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "/alerts btc goes above 1m")
    await bot_api.wait_for_text(USER, "Alert set")
    [alert] = await _alerts(session_factory)
    await accept_terms(bot_api, USER + 1)
    bot_api.tap_data(USER + 1, f"aopt:{alert.id.hex[:6]}:r:1")
    await bot_api.wait_for(lambda: bot_api.calls_of("answerCallbackQuery"))
    await bot_api.wait_for(lambda: any("could not find that alert" in (c.params.get("text") or "")
                                       for c in bot_api.calls_of("answerCallbackQuery")))
    [unchanged] = await _alerts(session_factory)
    assert unchanged.repeat is False
