from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiohttp import ClientConnectorError

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


def _server_error(method=None) -> TelegramServerError:
    return TelegramServerError(method or SendMessage(chat_id=1, text="x"), "Bad Gateway")


def _timeout(method, cause: Exception) -> TelegramNetworkError:
    error = TelegramNetworkError(method, "Request timeout error")
    error.__cause__ = cause
    return error


async def test_5xx_is_retried_after_a_growing_pause(bot, api_session, install, waits):
    install(attempts=3, backoff_seconds=0.5)
    api_session.fail_with.extend([_server_error(), _server_error()])
    assert (await bot.send_message(1, "hi")).text == "hi"
    assert waits == [0.5, 1.0] and len(api_session.requests) == 3


async def test_a_send_that_timed_out_is_not_repeated(bot, api_session, install, waits):
    """It may have been delivered: repeating it could show the user the same message twice."""
    install()
    api_session.fail_with.append(_timeout(SendMessage(chat_id=1, text="x"), TimeoutError()))
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "hi")
    assert waits == [] and len(api_session.requests) == 1


async def test_a_send_that_never_connected_is_repeated(bot, api_session, install, waits):
    install()
    refused = ClientConnectorError(None, OSError(111, "Connection refused"))  # type: ignore[arg-type]
    api_session.fail_with.append(_timeout(SendMessage(chat_id=1, text="x"), refused))
    assert (await bot.send_message(1, "hi")).text == "hi"
    assert len(waits) == 1


async def test_an_idempotent_call_that_timed_out_is_repeated(bot, api_session, install, waits):
    install()
    api_session.fail_with.append(_timeout(AnswerCallbackQuery(callback_query_id="q"), TimeoutError()))
    assert await bot.answer_callback_query("q") is True
    assert len(waits) == 1
