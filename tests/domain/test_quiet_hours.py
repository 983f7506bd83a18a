"""Quiet hours in the user's timezone, across midnight and a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.quiet_hours import held_until, notification_kind, quiet_until


def test_quiet_hours_wrap_midnight_and_end_in_the_users_morning():
    at_night = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 00:30 in Berlin (UTC+2)
    assert quiet_until(at_night, "Europe/Berlin", 23, 7) == datetime(2026, 6, 2, 5, tzinfo=UTC)
    assert quiet_until(datetime(2026, 6, 1, 12, tzinfo=UTC), "Europe/Berlin", 23, 7) is None
    assert quiet_until(at_night, "Europe/Berlin", None, None) is None
    assert quiet_until(at_night, "Europe/Berlin", 7, 7) is None


def test_the_morning_after_a_clock_change_is_the_local_hour():
    # Berlin leaves summer time on 25 Oct 2026 at 03:00 local: 07:00 that morning is 06:00 UTC.
    night = datetime(2026, 10, 24, 23, tzinfo=UTC)  # 01:00 local, still summer time
    assert quiet_until(night, "Europe/Berlin", 23, 7) == datetime(2026, 10, 25, 6, tzinfo=UTC)


def test_urgent_kinds_are_not_held_and_a_stop_loss_fill_is_its_own_kind():
    night = datetime(2026, 6, 1, 1, tzinfo=UTC)
    stop = notification_kind("order_fill", {"source": "stop_loss"})
    assert stop == "stop_loss" and notification_kind("order_fill", {"source": "manual"}) == "order_fills"
    assert held_until(night, stop, ["stop_loss"], "UTC", 23, 7) is None
    assert held_until(night, "price_alerts", ["stop_loss"], "UTC", 23, 7) == datetime(2026, 6, 1, 7, tzinfo=UTC)
    assert held_until(night, "price_alerts", [], "Mars/Olympus", 23, 7) is not None  # unknown zone: UTC
