#!/usr/bin/env bash
# One command: install everything, make sure PostgreSQL and Redis answer, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/services.sh
.venv/bin/python -m pytest "$@"
# The whole suite ran (no test paths or selections given): run the bot core once more on the
# embedded PostgreSQL and Redis that ./run.sh starts with no configuration, the path a newcomer
# takes (its Redis is 6.2, older than the machine's).
for arg in "$@"; do
    [[ $arg == -* ]] || exit 0
done
echo "Again on the embedded servers of the default path (tests marked embedded):"
TEST_EMBEDDED_SERVERS=1 exec .venv/bin/python -m pytest "$@" -m embedded
