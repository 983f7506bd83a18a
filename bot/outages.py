"""Telling "a backing service is down" apart from bugs, so users get "try again" instead of "oops"."""

from __future__ import annotations

import asyncio

from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # connection refused / reset while reaching PostgreSQL or Redis
    asyncio.TimeoutError,
    OperationalError,  # SQLAlchemy's wrapper for "the database could not do it", e.g. disconnects
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
    # Telegram unreachable or failing after the session's retries: the reply may not have arrived.
    TelegramNetworkError,
    TelegramServerError,
)


def is_outage(error: BaseException) -> bool:
    if isinstance(error, OUTAGE_ERRORS):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated
