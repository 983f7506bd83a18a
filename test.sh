#!/usr/bin/env bash
# One command: install everything, make sure PostgreSQL and Redis answer, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/services.sh
exec .venv/bin/python -m pytest "$@"
