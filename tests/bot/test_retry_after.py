from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.middlewares.retry_after import RetryAfterMiddleware


def _too_many(retry_after: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(SendMessage(chat_id=1, text="x"), "Too Many Requests", retry_after)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def install(api_session, waits):
    def install(**options) -> None:
        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        api_session.middleware(RetryAfterMiddleware(sleep=sleep, **options))

    return install


async def test_waits_as_told_and_tries_again(bot, api_session, install, waits):
    install()
    api_session.fail_with.extend([_too_many(3), _too_many(1)])
    assert (await bot.send_message(1, "hi")).text == "hi"
    assert waits == [3, 1] and len(api_session.requests) == 3


async def test_gives_up_after_the_last_attempt(bot, api_session, install, waits):
    install(attempts=2)
    api_session.fail_with.extend([_too_many(1), _too_many(1)])
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "hi")
    assert waits == [1]


async def test_does_not_hold_an_update_for_a_long_wait(bot, api_session, install, waits):
    install(max_wait_seconds=30)
    api_session.fail_with.append(_too_many(600))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1, "hi")
    assert waits == []
