"""Two users. Bob tries to read, change, cancel or delete everything Alice owns: by her ids typed
in text, by her copied buttons, and by guessing. Each attempt is refused exactly as an attempt on
an id that does not exist would be, so nothing tells him whether hers exist; her data is unchanged."""

from __future__ import annotations

import random
import re
import string

from sqlalchemy import func, select, text

from bot import texts
from db.models import SystemConfig, TelegramUser
from db.repositories.trading_uow import TradingUnitOfWork
from tests.e2e.conftest import ADMIN_ID, accept_terms
from tests.faults.ledger import alerts, answers_to
from tests.isolation.resources import buttons_of, fingerprint, give_something_of_everything

ALICE, BOB = 8101, 8102
_rng = random.Random(14)


async def _reply(bot_api, user: int, act) -> list[str]:
    """Everything ``user`` is shown in answer to one update: messages, edits, alerts."""
    before_messages, before_alerts = len(answers_to(bot_api, user)), len(alerts(bot_api))
    await bot_api.wait_until_acknowledged(act(), timeout=15)
    return answers_to(bot_api, user)[before_messages:] + alerts(bot_api)[before_alerts:]


def _guess_like(data: str) -> str:
    """The same button with another id of the same shape: what someone guessing would send."""
    prefix, _, value = data.rpartition(":")
    alphabet = "0123456789abcdef" if re.fullmatch(r"[0-9a-f]+", value) else string.ascii_letters + string.digits
    return f"{prefix}:{''.join(_rng.choice(alphabet) for _ in value)}"


async def _alice_with_everything(bot_api) -> list[str]:
    await accept_terms(bot_api, ALICE)
    await accept_terms(bot_api, BOB)
    await give_something_of_everything(bot_api, ALICE)
    return [data for data in buttons_of(bot_api, ALICE) if data.split(":")[0] in ("ord", "oo", "adel", "sig")]


async def test_copied_buttons_are_refused_as_if_the_ids_did_not_exist(app, bot_api, session_factory):
    buttons = await _alice_with_everything(bot_api)
    assert {b.split(":")[0] for b in buttons} == {"ord", "oo", "adel", "sig"}, buttons
    before = await fingerprint(session_factory, ALICE)
    bob_message = next(m for m in bot_api.messages.values() if m["chat"]["id"] == BOB)
    for data in buttons:
        copied = await _reply(bot_api, BOB, lambda d=data: bot_api.tap_data(BOB, d, bob_message))
        guessed = await _reply(bot_api, BOB, lambda d=data: bot_api.tap_data(BOB, _guess_like(d), bob_message))
        assert copied and copied == guessed, (data, copied, guessed)
    assert await fingerprint(session_factory, ALICE) == before
    # Alice's own buttons still work: the live card places her order.
    assert any("Bought 0.02 BTC" in r for r in await _reply(bot_api, ALICE, lambda: bot_api.tap(ALICE, "Confirm")))


async def test_typed_ids_are_refused_as_if_they_did_not_exist(app, bot_api, session_factory):
    await _alice_with_everything(bot_api)
    order_ref = re.search(r"Cancel 1\. ([0-9a-f]{8})", str(buttons_text := [
        b["text"] for m in bot_api.messages.values() if m["chat"]["id"] == ALICE
        for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row])).group(1)
    alert_ref = next(d.split(":")[1] for d in buttons_of(bot_api, ALICE) if d.startswith("adel:"))
    before = await fingerprint(session_factory, ALICE)
    fake_order, fake_alert = _guess_like(f"x:{order_ref}")[2:], _guess_like(f"x:{alert_ref}")[2:]
    for template, real, fake in (
        ("/cancel_order {}", order_ref, fake_order),
        ("cancel order {}", order_ref, fake_order),
        ("cancel order #{}", order_ref, fake_order),
        ("delete alert {}", alert_ref, fake_alert),
        ("move my stop on order {} to 100", order_ref, fake_order),
    ):
        real_reply = await _reply(bot_api, BOB, lambda t=template, r=real: bot_api.send_text(BOB, t.format(r)))
        fake_reply = await _reply(bot_api, BOB, lambda t=template, f=fake: bot_api.send_text(BOB, t.format(f)))
        assert real_reply and [r.replace(real, "ID") for r in real_reply] == [r.replace(fake, "ID") for r in fake_reply], (
            template, real_reply, fake_reply, buttons_text)
    assert await fingerprint(session_factory, ALICE) == before


async def test_reading_shows_nothing_of_the_other_user(app, bot_api, session_factory):
    await _alice_with_everything(bot_api)
    secrets_of_alice = [d.split(":")[-1] for d in buttons_of(bot_api, ALICE) if d.split(":")[0] in ("oo", "adel")]
    seen = []
    for ask in ("/orders", "/positions", "/history", "/portfolio", "/balance", "my alerts", "my open orders",
                "how risky is my portfolio", "show my trades"):
        seen += await _reply(bot_api, BOB, lambda a=ask: bot_api.send_text(BOB, a))
    shown = "\n".join(seen)
    assert seen and not any(secret in shown for secret in secrets_of_alice)
    assert "0.001" not in shown and "30,000" not in shown and "150,000" not in shown, shown


async def test_a_pending_question_is_answered_only_by_the_asker(app, bot_api, session_factory):
    await accept_terms(bot_api, ALICE)
    await accept_terms(bot_api, BOB)
    bot_api.send_text(ALICE, "buy eth")
    await bot_api.wait_for_text(ALICE, "How much ETH?")
    bob_sees = await _reply(bot_api, BOB, lambda: bot_api.send_text(BOB, "0.5"))
    assert not any("ETH" in r for r in bob_sees), bob_sees
    alice_sees = await _reply(bot_api, ALICE, lambda: bot_api.send_text(ALICE, "0.5"))
    assert any("BUY 0.5 ETH" in r for r in alice_sees), alice_sees


async def test_notifications_reach_only_their_owner(app, bot_api, session_factory):
    await accept_terms(bot_api, ALICE)
    await accept_terms(bot_api, BOB)
    async with session_factory() as session:
        alice = await session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == ALICE))
    async with TradingUnitOfWork(session_factory) as uow:
        await uow.notifications.enqueue(alice.id, "daily_summary", {"text": "Alice's summary"}, user_id=alice.user_id)
        await uow.commit()
    bob_before = len(answers_to(bot_api, BOB))
    await app.jobs.deliver_notifications()
    assert "Alice's summary" in bot_api.texts_to(ALICE)
    assert len(answers_to(bot_api, BOB)) == bob_before


async def test_admin_commands_refuse_non_admins_and_change_nothing(app, bot_api, session_factory):
    await accept_terms(bot_api, BOB)
    for command in ("/config", "/config rate_limit_messages 1", "/config set rate_limit_messages 1", "/admin",
                    f"/admin ban {ADMIN_ID}", "/admin stats"):
        reply = await _reply(bot_api, BOB, lambda c=command: bot_api.send_text(BOB, c))
        shown = "\n".join(reply)
        assert reply and "rate_limit" not in shown and "<b>Users</b>" not in shown and "banned" not in shown, shown
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(SystemConfig)) == 0
        assert await session.scalar(text("SELECT count(*) FROM audit_logs WHERE action LIKE 'config%'")) == 0


async def test_banned_users_get_nothing_at_all(app, bot_api, session_factory):
    await accept_terms(bot_api, ADMIN_ID)
    buttons = await _alice_with_everything(bot_api)
    bot_api.send_text(ADMIN_ID, f"/admin ban {BOB}")
    await bot_api.wait_for_text(ADMIN_ID, "banned")
    before = await fingerprint(session_factory, ALICE)
    calls_before = len([c for c in bot_api.calls if c.params.get("chat_id") == BOB])
    alerts_before = len(alerts(bot_api))
    for message in ("/help", "/start", "buy 0.01 btc", "/portfolio", texts.SOMETHING_WENT_WRONG):
        await bot_api.wait_until_acknowledged(bot_api.send_text(BOB, message))
    for data in buttons[:3]:
        await bot_api.wait_until_acknowledged(bot_api.tap_data(BOB, data))
    assert len([c for c in bot_api.calls if c.params.get("chat_id") == BOB]) == calls_before
    assert len(alerts(bot_api)) == alerts_before
    assert await fingerprint(session_factory, ALICE) == before
