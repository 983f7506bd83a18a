"""/config through the dispatcher: admins list and change runtime settings, each change stored in
system_config, audited, and in force at once (and after a restart)."""

from __future__ import annotations

from sqlalchemy import select

from bot import runtime_config
from bot.settings import Settings
from db.models import AuditLog, SystemConfig
from tests.e2e.conftest import ADMIN_ID, accept_terms


async def test_an_admin_lists_and_changes_a_setting_which_is_audited_and_applies_at_once(
    bot_api, start_bot, settings, session_factory, uow_factory
):
    await start_bot()
    await accept_terms(bot_api, ADMIN_ID)
    bot_api.send_text(ADMIN_ID, "/config")
    listing = await bot_api.wait_for_text(ADMIN_ID, "<b>Runtime settings</b>")
    assert "<code>rate_limit_messages</code> = <b>20</b>" in listing

    bot_api.send_text(ADMIN_ID, "/config rate_limit_messages 3")
    await bot_api.wait_for_text(ADMIN_ID, "<code>rate_limit_messages</code> is now <b>3</b> (was 20).")
    async with session_factory() as session:
        stored = await session.scalar(select(SystemConfig))
        [audit] = (await session.scalars(select(AuditLog).where(AuditLog.action == "config.changed"))).all()
    assert (stored.key, stored.value, stored.updated_by) == ("rate_limit_messages", 3, audit.user_id)
    assert (audit.actor, audit.entity_id, audit.old_values, audit.new_values) == (
        "admin", stored.id, {"rate_limit_messages": 20}, {"rate_limit_messages": 3})
    assert audit.user_id is not None and audit.details == {"telegram_id": ADMIN_ID}

    # In force for everyone at once: /start, then two more messages, then the fourth is refused.
    await accept_terms(bot_api, 120)
    for _ in range(3):
        bot_api.send_text(120, "/help")
    await bot_api.wait_for_text(120, "faster than I can take them")

    restarted = Settings(env_file=None)  # a restart reads the stored value back
    async with uow_factory() as uow:
        await runtime_config.load(uow, restarted)
    assert restarted.telegram.rate_limit_messages == 3


async def test_bad_values_unknown_keys_and_non_admins_change_nothing(bot_api, start_bot, settings, session_factory):
    await start_bot()
    await accept_terms(bot_api, ADMIN_ID)
    bot_api.send_text(ADMIN_ID, "/config rate_limit_messages lots")
    await bot_api.wait_for_text(ADMIN_ID, "rate_limit_messages must be a whole number from 1 to 1000.")
    bot_api.send_text(ADMIN_ID, "/config rate_limit_messages 0")
    await bot_api.wait_for_text(ADMIN_ID, "must be a whole number from 1 to 1000")
    bot_api.send_text(ADMIN_ID, "/config bot_token abc")
    await bot_api.wait_for_text(ADMIN_ID, "There is no runtime setting <code>bot_token</code>")
    bot_api.send_text(ADMIN_ID, "/config rate_limit_messages")
    await bot_api.wait_for_text(ADMIN_ID, "/config &lt;key&gt; &lt;value&gt; to change one")

    await accept_terms(bot_api, 121)
    bot_api.send_text(121, "/config rate_limit_messages 1")
    await bot_api.wait_for_text(121, "plain-language requests")  # not a command for them: free text
    assert settings.telegram.rate_limit_messages == 20
    async with session_factory() as session:
        assert (await session.scalars(select(SystemConfig))).all() == []
        assert (await session.scalars(select(AuditLog).where(AuditLog.action == "config.changed"))).all() == []
