#!/usr/bin/env bash
# Starts the machine's PostgreSQL and Redis when they are installed but not answering.
# Where neither is installed the tests fall back to the embedded servers (see tests/conftest.py).
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_up; then
  echo "Starting PostgreSQL ..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi

if command -v redis-server >/dev/null 2>&1 && ! redis_up; then
  echo "Starting Redis ..."
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 30); do redis_up && break; sleep 1; done
fi
# The time-series tests write to VictoriaMetrics (it speaks the InfluxDB v2 write API); the
# tests start their own instance, this only installs it where Debian's packages are at hand.
if ! command -v victoria-metrics >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing victoria-metrics ..."
  (apt-get install -y -qq victoria-metrics >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq victoria-metrics >/dev/null 2>&1; }) \
    || echo "victoria-metrics could not be installed: the time-series tests will be skipped (fail in CI)."
fi
command -v victoria-metrics >/dev/null 2>&1 || echo "victoria-metrics is not installed: time-series tests cannot run." >&2
exit 0
