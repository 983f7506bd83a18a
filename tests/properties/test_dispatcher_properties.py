"""Arbitrary text and callback data through the real dispatcher, aiogram session and local Bot API.

Every text handler (commands with arguments, dialogs, free text) answers or ignores anything;
nothing raises (no "something went wrong", no error logged); every reply is HTML Telegram
accepts (the local Bot API refuses it otherwise), so user text is never echoed unescaped.
Callback data of any shape, truncated, mutated, replayed or another user's, changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram.fsm.storage.base import StorageKey
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bot import texts
from handlers.settings import SettingsDialog
from tests.assistant.conftest import App, running_app
from tests.e2e.conftest import accept_terms
from tests.e2e.conftest import bot_api, settings as bot_settings  # noqa: F401  (fixtures reused)
from tests.isolation.resources import buttons_of, fingerprint, give_something_of_everything
from tests.properties.strategies import hostile_text

OWNER, OTHER = 7101, 7102
COMMANDS = ["", "", "", "/buy ", "/sell ", "/cancel_order ", "/start ", "/help ", "/orders ", "/history ",
            "/admin ", "/config ", "/link ", "/settings ", "/portfolio ", "/positions ", "/balance ", "/menu "]
CONTEXTS = ["none", "question", "timezone"]
@pytest.fixture
async def hostile_app(bot_api, bot_settings, session_factory, redis_client) -> AsyncIterator[App]:  # noqa: F811
    # Hundreds of messages in a minute: the rate limit is not what these tests are about.
    bot_settings.telegram = bot_settings.telegram.model_copy(update={"rate_limit_messages": 100_000})
    async with running_app(bot_api, bot_settings, session_factory, redis_client) as app:
        await accept_terms(bot_api, OWNER)
        await accept_terms(bot_api, OTHER)
        yield app


def _problems(bot_api, caplog) -> list[str]:
    refused = [f"{c.method} {c.status}: {c.params.get('text', '')[:200]!r}" for c in bot_api.calls
               if c.method != "getUpdates" and c.status is not None and c.status >= 400 and c.status != 499]
    apologies = [t for t in bot_api.texts_to(OWNER) + bot_api.texts_to(OTHER) if t == texts.SOMETHING_WENT_WRONG]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    return refused + apologies + errors


@settings(max_examples=35)
@given(command=st.sampled_from(COMMANDS), body=hostile_text, context=st.sampled_from(CONTEXTS))
@example(command="", body="<b>buy</b> 0.01 <script>btc</script> & co", context="none")
@example(command="/buy ", body="<i>1</i> btc at <u>5", context="none")
@example(command="", body="Europe/<Berlin>&", context="timezone")
@example(command="", body="0.5 <b>", context="question")
async def test_any_text_is_answered_or_ignored_never_raises_never_echoes_raw_html(
    hostile_app, bot_api, caplog, command: str, body: str, context: str
):
    message = (command + body)[:4096]
    assume(message.strip())  # Telegram delivers no empty messages
    caplog.set_level(logging.WARNING)
    if context == "question":
        await bot_api.wait_until_acknowledged(bot_api.send_text(OWNER, "buy btc"), timeout=20)
    elif context == "timezone":
        dispatcher, bot = hostile_app.running.dispatcher, hostile_app.running.bot
        await dispatcher.fsm.storage.set_state(StorageKey(bot.id, OWNER, OWNER), SettingsDialog.timezone)
    await bot_api.wait_until_acknowledged(bot_api.send_text(OWNER, message), timeout=20)
    assert _problems(bot_api, caplog) == []
    await bot_api.wait_until_acknowledged(bot_api.send_text(OWNER, "/cancel"), timeout=20)  # leave any dialog


@st.composite
def forged_taps(draw, real: list[str]):
    """(tapper, data): anything up to 64 bytes, or a real button's data mangled or replayed."""
    kind = draw(st.sampled_from(["any", "truncated", "mutated", "replayed"]))
    if kind == "any":
        data = draw(st.text(min_size=1, max_size=64).filter(lambda d: len(d.encode()) <= 64))
        return draw(st.sampled_from([OWNER, OTHER])), data
    original = draw(st.sampled_from(real))
    if kind == "replayed":
        return OTHER, original  # another user's button, exactly
    if kind == "truncated":
        cut = draw(st.integers(min_value=1, max_value=max(1, len(original) - 1)))
        return draw(st.sampled_from([OWNER, OTHER])), original[:cut]
    at = draw(st.integers(min_value=0, max_value=len(original) - 1))
    char = draw(st.characters(codec="ascii").filter(lambda c: c != original[at]))
    return draw(st.sampled_from([OWNER, OTHER])), original[:at] + char + original[at + 1:]


@dataclass
class Prepared:
    buttons: list[str]  # the owner's real callback data
    fingerprint: dict[str, str]
    answered: int


_prepared: dict[int, Prepared] = {}  # by id(app): one preparation per test run, shared by its examples


async def _prepare(app: App, bot_api, session_factory) -> Prepared:
    if id(app) not in _prepared:
        await give_something_of_everything(bot_api, OWNER)
        buttons = buttons_of(bot_api, OWNER)
        assert {data.split(":")[0] for data in buttons} >= {"ord", "adel", "sig", "oo"}, buttons
        _prepared[id(app)] = Prepared(buttons, await fingerprint(session_factory, OWNER),
                                      len(bot_api.calls_of("answerCallbackQuery")))
    return _prepared[id(app)]


@settings(max_examples=35)
@given(data=st.data())
async def test_forged_replayed_and_foreign_callback_data_never_acts(hostile_app, bot_api, session_factory, caplog,
                                                                    data):
    caplog.set_level(logging.WARNING)
    prepared = await _prepare(hostile_app, bot_api, session_factory)
    user, callback_data = data.draw(forged_taps(prepared.buttons), label="tap")
    assume(user == OTHER or callback_data not in prepared.buttons)  # the owner's own real taps act
    tapped_on = max((m for m in bot_api.messages.values() if m["chat"]["id"] == user), key=lambda m: m["message_id"])
    await bot_api.wait_until_acknowledged(bot_api.tap_data(user, callback_data, tapped_on), timeout=20)
    # Never a spinner left turning: every tap is answered.
    await bot_api.wait_for(lambda: len(bot_api.calls_of("answerCallbackQuery")) > prepared.answered)
    prepared.answered = len(bot_api.calls_of("answerCallbackQuery"))
    assert await fingerprint(session_factory, OWNER) == prepared.fingerprint, (user, callback_data)
    assert _problems(bot_api, caplog) == []
