"""/settings: quiet hours, which kinds are urgent, and the daily summary hour, through Telegram."""

from __future__ import annotations

from sqlalchemy import select

from db.models import TelegramUser
from tests.e2e.conftest import accept_terms

USER = 140


async def _account(session_factory) -> TelegramUser:
    async with session_factory() as session:
        return await session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == USER))


async def _settings_shown(bot_api, times: int) -> None:
    await bot_api.wait_for(lambda: len([t for t in bot_api.texts_to(USER) if "<b>Settings</b>" in t]) >= times)


def _edited_to(bot_api, fragment: str) -> bool:
    return any(fragment in c.params.get("text", "") and c.status == 200  # answered: the edit is applied
               for c in bot_api.calls_of("editMessageText", USER))


async def test_quiet_hours_urgent_kinds_and_summary_hour_are_set_in_settings(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "/settings")
    await bot_api.wait_for_text(USER, "Quiet hours: <b>off</b>")

    bot_api.tap(USER, "Quiet hours")
    await bot_api.wait_for_text(USER, "Send your quiet hours")
    bot_api.send_text(USER, "late")
    await bot_api.wait_for_text(USER, "is not a pair of hours")
    bot_api.send_text(USER, "23-7")
    await bot_api.wait_for_text(USER, "Quiet hours: <b>23:00–07:00 (still sent: Stop-loss hit)</b>.")
    await _settings_shown(bot_api, 2)  # the settings again, below the confirmation
    account = await _account(session_factory)
    assert (account.quiet_hours_start, account.quiet_hours_end) == (23, 7)

    bot_api.tap(USER, "Urgent")
    await bot_api.wait_for(lambda: _edited_to(bot_api, "still reach you during quiet hours"))
    bot_api.tap(USER, "Price alerts")
    await bot_api.wait_for(lambda: any(c.params.get("text") == "Price alerts: on"
                                       for c in bot_api.calls_of("answerCallbackQuery")))
    assert (await _account(session_factory)).urgent_notification_types == ["stop_loss", "price_alerts"]

    bot_api.send_text(USER, "/settings")
    await _settings_shown(bot_api, 3)
    assert "Daily summary at <b>08:00</b>" in bot_api.texts_to(USER)[-1]
    bot_api.tap(USER, "Summary time")
    await bot_api.wait_for_text(USER, "daily summary arrive")
    bot_api.send_text(USER, "25")
    await bot_api.wait_for_text(USER, "is not an hour")
    bot_api.send_text(USER, "9")
    await bot_api.wait_for_text(USER, "will arrive at <b>09:00</b>")
    await _settings_shown(bot_api, 4)
    assert (await _account(session_factory)).summary_hour == 9

    bot_api.tap(USER, "Quiet hours")
    await bot_api.wait_for(lambda: len([t for t in bot_api.texts_to(USER) if "Send your quiet hours" in t]) == 2)
    bot_api.send_text(USER, "off")
    await bot_api.wait_for_text(USER, "Quiet hours: <b>off</b>.")
    assert (await _account(session_factory)).quiet_hours_start is None
