"""The embedded PostgreSQL starts whatever LANG the user runs the chat under (the README suggests
``LANG=ru_RU.UTF-8 ./run.sh``), including a locale the machine does not have."""

from __future__ import annotations

import os

from db.local_servers import LocalServers


def test_embedded_postgres_starts_under_a_locale_the_machine_lacks(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    servers = LocalServers(tmp_path, None, "redis://unused")
    try:
        assert servers.database_url().startswith("postgresql+asyncpg://")
    finally:
        servers.stop()
    assert "LC_ALL" not in os.environ and os.environ["LANG"] == "ru_RU.UTF-8"  # the chat still reads Russian
