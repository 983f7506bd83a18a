"""When a live signal's failed follow-up is tried again, and when the bot gives up on it.

Each follow-up still to carry out is listed under ``pending`` in the signal's execution record;
``retries`` holds, per listed order id, the failed attempts so far and the earliest time of the
next one. The first retry goes on the next sync pass (a position may be waiting for its stop);
after that the wait doubles (1, 2, 4... minutes, at most 30): a follow-up the exchange always
refuses (a revoked key) is not sent and logged on every sync pass. After
``GIVE_UP_AFTER`` failed attempts it is dropped and the user is told (``NOTIFICATION_TYPE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

GIVE_UP_AFTER = 5  # failed attempts in all, the first one included
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
NOTIFICATION_TYPE = "live_follow_up_failed"


def wait_after(attempts: int) -> timedelta:
    """The wait before the next attempt once ``attempts`` have failed: none after the first."""
    if attempts <= 1:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (attempts - 2), LONGEST_WAIT)


def is_due(execution: Mapping[str, Any], order_id: str, now: datetime) -> bool:
    retry = execution.get("retries", {}).get(order_id)
    return retry is None or datetime.fromisoformat(retry["next_at"]) <= now


def with_failure(execution: Mapping[str, Any], order_id: str, now: datetime) -> tuple[dict[str, Any], bool]:
    """The record with one more failed attempt of ``order_id``'s follow-up, and whether the bot
    gives up on it (it is then no longer pending)."""
    attempts = int(execution.get("retries", {}).get(order_id, {}).get("attempts", 0)) + 1
    if attempts >= GIVE_UP_AFTER:
        return without(execution, order_id), True
    retry = {"attempts": attempts, "next_at": (now + wait_after(attempts)).isoformat()}
    waiting = [o for o in execution.get("pending", []) if o != order_id] + [order_id]
    retries = dict(execution.get("retries", {})) | {order_id: retry}
    return dict(execution) | {"pending": waiting, "retries": retries}, False


def without(execution: Mapping[str, Any], order_id: str) -> dict[str, Any]:
    """The record with ``order_id``'s follow-up no longer pending (carried out or given up)."""
    record = {k: v for k, v in execution.items() if k not in ("pending", "retries")}
    waiting = [o for o in execution.get("pending", []) if o != order_id]
    retries = {o: r for o, r in execution.get("retries", {}).items() if o != order_id}
    # ``pending`` is dropped when empty: the sync finds signals to retry by that key alone.
    return record | ({"pending": waiting} if waiting else {}) | ({"retries": retries} if retries else {})
