"""What /help promises works, in English and Russian; a Russian user reads Russian everywhere.

Each /help example is sent as typed, through the real dispatcher and parser; the reply must not
be "I did not get that" and the request must be read as the kind /help lists it under.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot import texts
from bot.i18n import Catalogs, speaking
from db.models import AICommand
from tests.e2e.conftest import accept_terms, switch_to_russian
from tests.e2e.english import english_sentences

# What each example asks for (by its English text), as the parser's intent; "signal" posts too.
EXPECTED_INTENT = {
    "buy 0.01 BTC at market": {"place_order"},
    "sell half of my ETH at 3500": {"place_order"},
    "set a stop loss on SOL at 120": {"modify_order"},
    "BTC/USDT LONG entry 60000-61000 TP 63000 SL 59000": {"signal"},
    "what signals are active?": {None, "list_alerts"},  # None: answered by the signal phrases, not the parser
    "how good is @channel?": {None},
    "alert me when BTC is above 70k": {"create_alert"},
    "tell me if ETH drops 5% in 1h": {"create_alert"},
    "show my alerts": {"list_alerts"},
    "analyze BTC 4h": {"indicators", "chart"},  # either way the technical call answers
    "what is the RSI of ETH?": {"indicators"},
    "market overview": {"market_overview"},
    "show my portfolio": {"portfolio"},
    "what is my PnL today?": {"pnl"},
    "open positions": {"positions"},
}
# A fragment of the right kind of answer, per example and language.
EXPECTED_ANSWER = {
    "en": {
        "buy 0.01 BTC at market": "Confirm this order", "sell half of my ETH at 3500": "You hold no ETH",
        "what signals are active?": "signals", "show my alerts": "alert", "what is my PnL today?": "last 24h",
        "show my portfolio": "Portfolio", "open positions": "Positions", "market overview": "Market summary",
        "analyze BTC 4h": "RSI", "how good is @channel?": "No forwarded signals from @channel",
    },
    "ru": {
        "buy 0.01 BTC at market": "Подтвердите ордер", "sell half of my ETH at 3500": "У вас нет ETH",
        "what signals are active?": "сигнал", "show my alerts": "оповещени", "what is my PnL today?": "24ч",
        "show my portfolio": "Портфель", "open positions": "Позиции", "market overview": "Сводка по рынку",
        "analyze BTC 4h": "RSI", "how good is @channel?": "пересланных сигналов пока нет",
    },
}
NOT_UNDERSTOOD = {"en": "I did not get that", "ru": "Я не понял"}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


def _examples(catalogs: Catalogs, language: str) -> list[tuple[str, str]]:
    with speaking(catalogs, "en"):
        english = texts.help_examples()
    with speaking(catalogs, language):
        typed = texts.help_examples()
    return list(zip(english, typed, strict=True))


def test_help_lists_every_example_in_both_languages(catalogs):
    assert set(EXPECTED_INTENT) == {english for english, _typed in _examples(catalogs, "en")}
    for english, typed in _examples(catalogs, "ru"):
        if re.search(r"[a-z]{3,} [a-z]{3,}", english):  # a phrase, not a pasted post
            assert re.search("[а-яё]", typed), f"{english!r} has no Russian example"


def _replies(bot_api, user: int) -> list[str]:
    return [call.params.get("text") or call.params.get("caption") or ""
            for call in bot_api.calls if call.method in ("sendMessage", "sendPhoto")
            and call.params.get("chat_id") == user and call.status == 200]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_help_example_is_understood_and_answered_in_kind(app, bot_api, session_factory, catalogs,
                                                                     language):
    user = 5100 if language == "en" else 5101
    bot_api.languages[user] = language
    await accept_terms(bot_api, user) if language == "en" else await _accept_in_russian(bot_api, user)
    failures = []
    for english, typed in _examples(catalogs, language):
        reply, intent = await _exchange(bot_api, session_factory, user, typed)
        wanted = EXPECTED_ANSWER[language].get(english)
        if NOT_UNDERSTOOD[language] in reply or intent not in EXPECTED_INTENT[english] or (
            wanted and wanted not in reply
        ):
            failures.append(f"{typed!r}: read as {intent}, answered {reply[:120]!r}")
    assert not failures, "\n".join(failures)


async def _exchange(bot_api, session_factory, user: int, typed: str) -> tuple[str, str | None]:
    """Send ``typed``; once its command is recorded and answered, the answer's text and the intent read."""
    before = len(_replies(bot_api, user))
    update_id = bot_api.send_text(user, typed)
    await bot_api.wait_until_acknowledged(update_id, timeout=20)  # handled completely, replies sent
    async with session_factory() as session:
        command = await session.scalar(
            select(AICommand).where(AICommand.input_text == typed).order_by(AICommand.created_at.desc())
        )
    return "\n".join(_replies(bot_api, user)[before:]), (command.detected_intent if command else None)


async def _accept_in_russian(bot_api, user: int) -> None:
    bot_api.send_text(user, "/start")
    await bot_api.wait_for_text(user, "Прежде чем начать")
    bot_api.tap(user, "Принимаю")
    await bot_api.wait_for_edit(user, "всё готово")


# Words that would betray an untranslated English sentence in a Russian reply.
_ENGLISH_SENTENCE = re.compile(r"\b(?:the|you|your|is|are|and|not|with|of|to)\b [a-z]{3,}", re.IGNORECASE)


async def test_a_russian_user_reads_russian_everywhere(app, bot_api):
    user = 5102
    bot_api.languages[user] = "ru-RU"
    await _accept_in_russian(bot_api, user)
    for typed in ("/help", "/menu", "/settings", "купи 0.01 btc по рынку", "/portfolio", "/orders",
                  "покажи мои алерты", "цена BTC", "какой RSI у ETH?", "обзор рынка", "абракадабра",
                  "/signals", "/channels", "/accuracy", "/signalsettings", "анализ BTC 4h", "прибыль за неделю",
                  "продай 1 SOL", "история сделок"):
        await bot_api.wait_until_acknowledged(bot_api.send_text(user, typed), timeout=20)
    leaks = [text for text in _replies(bot_api, user) if _ENGLISH_SENTENCE.search(re.sub(r"<[^>]+>", " ", text))]
    assert not leaks, "English in Russian replies:\n" + "\n---\n".join(leaks)
    buttons = [button["text"] for message in bot_api.messages.values() if message["chat"]["id"] == user
               for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row]
    assert buttons and not any(re.fullmatch(r"[\W\d]*[A-Za-z ]{4,}[\W\d]*", b) for b in buttons), buttons


async def test_switching_language_in_settings_changes_the_replies(app, bot_api):
    user = 5103
    await accept_terms(bot_api, user)  # no language_code: English
    await switch_to_russian(bot_api, user)
    bot_api.send_text(user, "/help")
    await bot_api.wait_for_text(user, "Пишите мне обычными словами")


# What the README says one can write (its "What you can say" table), as a Russian user types it
# where the parser reads Russian and in English elsewhere: every reply must be Russian all the same.
README_REQUESTS = (  # one user each: the rate limiter allows 20 messages a minute
    ("купи 0.01 btc по рынку", "✅", "✅ again", "forged tap", "buy 0.05 btc at 61k", "sell 1.5k ADA at market", "long sol with $200",
     "buy btc", "/cancel", "cancel my btc order", "close half my btc", "move my btc stop to 61,500",
     "BTC/USDT LONG Entry 61000-61500 TP1 62500 SL 60200 10x", "#ETH Target 2 reached ✅", "/portfolio",
     "buy 1 eth", "✅", "/orders", "/history", "how risky is my portfolio"),  # too much in one coin, no stop
    ("price of btc", "top gainers today", "compare sol vs avax", "rsi eth 4h", "analyze btc 4h",
     "eth chart 1h with stochastic light", "support and resistance for eth", "/accuracy",
     "alert me when SOL drops below 120", "alert me when eth rsi 1h drops below 30",
     "alert me when btc crosses the 50 ema on 4h", "/alerts", "delete alert 2", "/connect", "/accounts", "/limits",
     "/panic", "/balance", "/positions"),
    ("should i accumulate eth", "should i switch from eth to sol", "screen the majors", "strategy ideas for btc with $1000",
     "build me a dca plan for sol, $100 a week", "sentiment on btc", "market sentiment", "news on solana",
     "what is a funding rate", "что такое ставка финансирования", "explain isolated margin", "what is a liquidaton price",
     "what is a frobnicator",
     "review my trade: long btc at 90000 stop 89900 target 90050 20x", "position size for btc risk 1% stop 85000"),
)


@pytest.mark.parametrize("requests", README_REQUESTS, ids=("trading", "market", "advice"))
async def test_every_readme_feature_answers_a_russian_user_in_russian(app, bot_api, requests):
    user = 5104
    bot_api.languages[user] = "ru"
    await _accept_in_russian(bot_api, user)
    leaks = []
    for typed in requests:
        before = len(_replies(bot_api, user))
        if typed == "✅":  # confirm the order card just shown
            await bot_api.wait_until_acknowledged(bot_api.tap(user, "Подтвердить"))
            continue
        if typed in ("✅ again", "forged tap"):  # a repeated tap and a forged one: each gets a pop-up
            data = bot_api.last_tap_data if typed == "✅ again" else "order:forged:0"
            await bot_api.wait_until_acknowledged(bot_api.tap_data(user, data))
            continue
        await bot_api.wait_until_acknowledged(bot_api.send_text(user, typed), timeout=30)
        for reply in _replies(bot_api, user)[before:]:
            if found := english_sentences(reply):
                leaks.append(f"{typed!r} → {found}\n{reply}")
    edits = [c.params.get("text", "") for c in bot_api.calls_of("editMessageText", user)]
    leaks += [f"(edited) {found}\n{text}" for text in edits if (found := english_sentences(text))]
    if "✅ again" in requests:
        assert len(bot_api.popups_to(user)) >= 3, bot_api.popups_to(user)
    leaks += [f"(pop-up) {found}\n{text}" for text in bot_api.popups_to(user) if (found := english_sentences(text))]
    assert not leaks, "English in Russian replies:\n" + "\n---\n".join(leaks)
