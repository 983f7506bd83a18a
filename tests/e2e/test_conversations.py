"""Conversations through the real dispatcher, aiogram HTTP session and a local Bot API server."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.html import MESSAGE_LIMIT
from bot.text_handler import IncomingText, TextReply
from db.models import TelegramMessage, TelegramUser, User
from db.uow import UnitOfWork
from domain.enums import TelegramUserStatus
from tests.e2e.conftest import ADMIN_ID, accept_terms


async def _account(session_factory, telegram_id: int) -> TelegramUser | None:
    async with session_factory() as session:
        return await session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == telegram_id))


async def test_start_registers_pending_then_active_after_accepting_the_terms(bot_api, start_bot, session_factory):
    await start_bot()
    bot_api.send_text(101, "/start")
    await bot_api.wait_for_text(101, "Before we start")
    pending = await _account(session_factory, 101)
    assert pending.status is TelegramUserStatus.PENDING and pending.user_id is None

    bot_api.tap(101, "I accept")
    await bot_api.wait_for(lambda: bot_api.calls_of("answerCallbackQuery"))
    await bot_api.wait_for(lambda: bot_api.calls_of("editMessageText", 101))

    active = await _account(session_factory, 101)
    assert active.status is TelegramUserStatus.ACTIVE and active.terms_accepted_at is not None
    async with session_factory() as session:
        user = await session.get(User, active.user_id)
    assert user.username == "tg_101"


async def test_pending_users_are_asked_to_accept_the_terms_before_anything_else(bot_api, start_bot):
    await start_bot()
    bot_api.send_text(102, "/settings")
    text = await bot_api.wait_for_text(102, "accept the terms first")
    assert "I accept" in str(bot_api.calls_of("sendMessage", 102)[-1].params["reply_markup"])
    assert "Notifications" not in text


async def test_help_lists_what_the_bot_understands(bot_api, start_bot):
    await start_bot()
    bot_api.send_text(103, "/help")
    text = await bot_api.wait_for_text(103, "I understand")
    for topic in ("Orders", "Signals", "Alerts", "Analysis", "Portfolio"):
        assert topic in text
    assert "buy 0.01 BTC" in text


async def test_commands_are_registered_with_telegram_at_start_up(bot_api, start_bot):
    await start_bot()
    commands = bot_api.calls_of("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {"start", "help", "settings", "cancel", "menu"}


async def test_settings_toggles_persist(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, 104)
    bot_api.send_text(104, "/settings")
    await bot_api.wait_for_text(104, "<b>Settings</b>")

    bot_api.tap(104, "Price alerts")
    await bot_api.wait_for_edit(104, "Price alerts: off")
    bot_api.tap(104, "Currency")
    await bot_api.wait_for_edit(104, "Choose the currency")
    bot_api.tap(104, "EUR")
    await bot_api.wait_for_edit(104, "Currency: <b>EUR")

    account = await _account(session_factory, 104)
    assert account.notification_types["price_alerts"] is False
    assert account.notification_types["order_fills"] is True
    assert account.preferred_currency == "EUR"
    async with session_factory() as session:
        assert (await session.get(User, account.user_id)).preferred_currency == "EUR"


async def test_timezone_dialog_saves_and_cancel_leaves_it(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, 105)
    bot_api.send_text(105, "/settings")
    await bot_api.wait_for_text(105, "<b>Settings</b>")
    bot_api.tap(105, "Timezone")
    await bot_api.wait_for_text(105, "Send your timezone")
    bot_api.send_text(105, "Mars/Olympus")
    await bot_api.wait_for_text(105, "I don't know the timezone")
    bot_api.send_text(105, "europe/berlin")
    await bot_api.wait_for_text(105, "Timezone set to <b>Europe/Berlin</b>")
    assert (await _account(session_factory, 105)).timezone == "Europe/Berlin"

    bot_api.tap(105, "Timezone")
    await bot_api.wait_for(lambda: len([t for t in bot_api.texts_to(105) if "Send your timezone" in t]) == 2)
    bot_api.send_text(105, "/cancel")
    await bot_api.wait_for_text(105, "Cancelled.")
    bot_api.send_text(105, "Asia/Tokyo")  # no dialog any more: this is free text now
    await bot_api.wait_for_text(105, "plain-language requests")
    assert (await _account(session_factory, 105)).timezone == "Europe/Berlin"


async def test_a_button_tap_is_answered(bot_api, start_bot):
    await start_bot()
    await accept_terms(bot_api, 106)
    bot_api.send_text(106, "/menu")
    await bot_api.wait_for_text(106, "What would you like to do?")
    update_id = bot_api.tap(106, "Analysis")
    await bot_api.wait_until_acknowledged(update_id)
    await bot_api.wait_for_edit(106, "analyze BTC 4h")
    assert len(bot_api.calls_of("answerCallbackQuery")) == 2  # the accept tap and this one


async def test_forged_callback_data_gets_a_clear_answer(bot_api, start_bot):
    await start_bot()
    await accept_terms(bot_api, 107)
    for data in ("garbage", "set:toggle:not_a_type", "menu:launch_missiles", "set:cur:DOGE"):
        bot_api.tap_data(107, data)
    await bot_api.wait_for(lambda: len(bot_api.calls_of("answerCallbackQuery")) == 5)
    answers = [c.params.get("text") for c in bot_api.calls_of("answerCallbackQuery")[1:]]
    assert answers == [
        "This button is no longer valid. Send /menu to start again.",
        "That option is not available. /settings shows the choices.",
        "This button is no longer valid. Send /menu to start again.",
        "That option is not available. /settings shows the choices.",
    ]


async def test_banned_users_are_ignored(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, ADMIN_ID)
    await accept_terms(bot_api, 108)
    bot_api.send_text(ADMIN_ID, "/admin ban 108")
    await bot_api.wait_for_text(ADMIN_ID, "User 108 is now <b>banned</b>")
    sent_before = len(bot_api.texts_to(108))

    update_id = bot_api.send_text(108, "/help")
    await bot_api.wait_until_acknowledged(update_id)
    assert len(bot_api.texts_to(108)) == sent_before

    bot_api.send_text(ADMIN_ID, "/admin unban 108")
    await bot_api.wait_for_text(ADMIN_ID, "User 108 is now <b>active</b>")
    bot_api.send_text(108, "/help")
    await bot_api.wait_for_text(108, "I understand")


async def test_admin_commands_are_for_admins_only(bot_api, start_bot):
    await start_bot()
    await accept_terms(bot_api, ADMIN_ID)
    await accept_terms(bot_api, 109)
    bot_api.send_text(ADMIN_ID, "/admin")
    stats = await bot_api.wait_for_text(ADMIN_ID, "<b>Users</b>")
    assert "active: 2" in stats
    bot_api.send_text(109, "/admin ban 900")
    await bot_api.wait_for_text(109, "plain-language requests")  # not a command for them: free text
    bot_api.send_text(ADMIN_ID, "/admin ban 900")
    await bot_api.wait_for_text(ADMIN_ID, "Admins cannot be banned")


async def test_start_with_a_code_links_to_an_existing_account(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, 110)
    bot_api.send_text(110, "/link")
    link = await bot_api.wait_for_text(110, "t.me/")
    code = re.search(r"start=([\w-]+)", link).group(1)

    bot_api.send_text(111, f"/start {code}")
    await bot_api.wait_for_text(111, "linked to <b>tg_110</b>")
    await bot_api.wait_for_text(111, "Before we start")
    bot_api.tap(111, "I accept")
    await bot_api.wait_for(lambda: bot_api.calls_of("editMessageText", 111))

    first, second = await _account(session_factory, 110), await _account(session_factory, 111)
    assert second.user_id == first.user_id and second.status is TelegramUserStatus.ACTIVE
    bot_api.send_text(112, f"/start {code}")  # codes work once
    await bot_api.wait_for_text(112, "not valid any more")


class _EchoHandler:
    """Stands in for the NLP integration: answers with what it was given."""

    def __init__(self, reply: str | None = None) -> None:
        self.received: list[IncomingText] = []
        self._reply = reply

    async def handle_text(self, message: IncomingText, uow: UnitOfWork) -> TextReply:
        self.received.append(message)
        return TextReply(self._reply or f"echo: {message.text}")


async def test_free_text_without_a_text_handler_gets_a_clear_placeholder(bot_api, start_bot):
    await start_bot()
    await accept_terms(bot_api, 113)
    bot_api.send_text(113, "buy 0.1 BTC")
    await bot_api.wait_for_text(113, "language module is not enabled")


async def test_free_text_goes_to_the_injected_text_handler(bot_api, start_bot):
    handler = _EchoHandler()
    await start_bot(text_handler=handler)
    await accept_terms(bot_api, 114)
    bot_api.send_text(114, "BTC LONG entry 60000", forward_from_channel="bestsignals")
    await bot_api.wait_for_text(114, "echo: BTC LONG entry 60000")
    (received,) = handler.received
    assert received.forwarded_from == "@bestsignals" and received.may_trade and received.user_id is not None


async def test_an_over_long_reply_arrives_split_with_balanced_tags(bot_api, start_bot):
    body = "\n".join(f"<b>line {n}</b> <i>{'x' * 60}</i>" for n in range(200))
    await start_bot(text_handler=_EchoHandler(reply=f"<pre>{body}</pre>"))
    await accept_terms(bot_api, 115)
    bot_api.send_text(115, "long please")
    await bot_api.wait_for(lambda: any("line 199" in t for t in bot_api.texts_to(115)))
    parts = [t for t in bot_api.texts_to(115) if "line " in t]
    assert len(parts) >= 4
    for part in parts:
        assert len(part) <= MESSAGE_LIMIT
        assert part.startswith("<pre>") and part.endswith("</pre>")
        assert part.count("<b>") == part.count("</b>") and part.count("<i>") == part.count("</i>")


async def test_429_is_retried_after_retry_after(bot_api, start_bot):
    await start_bot()
    bot_api.answer_429("sendMessage", retry_after=1)
    bot_api.send_text(116, "/help")
    await bot_api.wait_for_text(116, "I understand", timeout=5)
    refused, delivered = bot_api.calls_of("sendMessage", 116)
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 1


async def test_403_marks_the_user_blocked_until_they_write_again(bot_api, start_bot, session_factory):
    running = await start_bot()
    await accept_terms(bot_api, 117)
    bot_api.blocked_chats.add(117)
    assert await running.services.sender.send_to_user(117, "BTC reached 70 000") is False
    assert (await _account(session_factory, 117)).is_bot_blocked

    calls_before = len(bot_api.calls_of("sendMessage", 117))
    assert await running.services.sender.send_to_user(117, "ETH reached 4 000") is False
    assert len(bot_api.calls_of("sendMessage", 117)) == calls_before  # not even tried

    bot_api.blocked_chats.discard(117)
    bot_api.send_text(117, "/help")
    await bot_api.wait_for_text(117, "I understand")
    assert not (await _account(session_factory, 117)).is_bot_blocked
    assert await running.services.sender.send_to_user(117, "SOL reached 200") is True


async def test_every_message_in_and_out_is_stored(bot_api, start_bot, session_factory):
    await start_bot()
    await accept_terms(bot_api, 118)
    update_id = bot_api.send_text(118, "/help")
    await bot_api.wait_for_text(118, "I understand")
    await bot_api.wait_until_acknowledged(update_id)

    async with session_factory() as session:
        rows = (await session.scalars(select(TelegramMessage).order_by(TelegramMessage.created_at))).all()
    account = await _account(session_factory, 118)
    assert [(r.direction, r.message_type) for r in rows] == [
        ("in", "command"),  # /start
        ("out", "text"),  # terms (edited in place after the tap)
        ("in", "callback"),  # I accept
        ("in", "command"),  # /help
        ("out", "text"),  # help
    ]
    assert rows[1].edited_at is not None and "you are all set" in rows[1].text
    assert rows[2].callback_data == "terms:accept"
    assert all(r.telegram_user_id == account.id for r in rows)
    assert account.total_messages == 3 and account.last_activity_at is not None


async def test_rate_limit_sends_one_notice(bot_api, start_bot, settings):
    settings.telegram = settings.telegram.model_copy(update={"rate_limit_messages": 3})
    await start_bot()
    for n in range(6):
        last = bot_api.send_text(119, f"/help {n}")
    await bot_api.wait_until_acknowledged(last)
    texts = bot_api.texts_to(119)
    assert len([t for t in texts if "I understand" in t]) == 3
    notices = [t for t in texts if "try again in" in t]
    assert len(notices) == 1 and "seconds" in notices[0]
