#!/usr/bin/env bash
# One command: install everything and run the bot. Without TELEGRAM_BOT_TOKEN it opens the
# local chat in this terminal, on an embedded PostgreSQL and Redis under .data/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/python main.py "${@:-run}"
