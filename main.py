"""Composition root: ``python main.py [run|chat|migrate|parse]``.

Only this module sees every layer: it loads the settings, resolves the database and Redis
(starting embedded servers when no URL is configured), and hands the pieces to the layer that
runs them. Nothing else builds engines or clients.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.settings import Settings, load_settings
from db.local_servers import LocalServers

log = logging.getLogger("main")


def _local_servers(settings: Settings) -> LocalServers:
    database_url = settings.database.url.get_secret_value() if settings.database.url else None
    redis_url = settings.redis.url.get_secret_value() if settings.redis.url else None
    return LocalServers(settings.app.data_dir, database_url, redis_url)


def cmd_migrate(settings: Settings) -> int:
    from db.migrate import upgrade

    servers = _local_servers(settings)
    try:
        upgrade(servers.database_url())
        print("Database is at the latest schema.")
    finally:
        servers.stop()
    return 0


def cmd_parse(_settings: Settings) -> int:
    from nlp.cli import main as parse_main

    return parse_main([])


def cmd_run(settings: Settings, *, force_local_chat: bool = False) -> int:
    print("The bot itself is not wired yet: run 'python main.py migrate' to prepare the database.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="Trading Signals Reader bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "chat", "migrate", "parse"],
        help="run: start the bot (local chat when no Telegram token is set); chat: local chat; "
        "migrate: apply database migrations; parse: NLP parser, stdin lines -> JSON lines",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.app.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "migrate":
        return cmd_migrate(settings)
    if args.command == "parse":
        return cmd_parse(settings)
    return cmd_run(settings, force_local_chat=args.command == "chat")


if __name__ == "__main__":
    sys.exit(main())
