"""Decimal helpers. Money and quantities are stored as NUMERIC(20,8), so every figure the domain
produces is quantized to 8 places before it is compared with or written to a stored value."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal

STORED_PLACES = 8
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def money(value: Decimal) -> Decimal:
    """Round to the stored precision, so the value in memory is exactly the value stored."""
    return value.quantize(step(STORED_PLACES), rounding=ROUND_HALF_EVEN)


def round_down(value: Decimal, places: int) -> Decimal:
    return value.quantize(step(places), rounding=ROUND_DOWN)


def round_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(step(places), rounding=ROUND_UP)


def round_to(value: Decimal, places: int) -> Decimal:
    return value.quantize(step(places), rounding=ROUND_HALF_EVEN)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole * HUNDRED if whole else ZERO


def apply_percent(value: Decimal, pct: Decimal) -> Decimal:
    """``value`` moved by ``pct`` percent (negative to go down)."""
    return value * (1 + pct / HUNDRED)


def normalized(value: Decimal) -> Decimal:
    """Drop trailing zeros for display and JSON without switching to exponent notation."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
