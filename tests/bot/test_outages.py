from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from bot.outages import is_outage
from domain.errors import InsufficientFunds


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (ConnectionRefusedError(), True),
        (RedisConnectionError("down"), True),
        (OperationalError("select 1", {}, Exception("server closed the connection")), True),
        (TimeoutError(), True),
        (InsufficientFunds(), False),
        (KeyError("bug"), False),
    ],
)
def test_outages_are_told_apart_from_bugs(error, outage):
    assert is_outage(error) is outage
