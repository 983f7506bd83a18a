"""Number formatting shared by the renderers: Decimals as people write them."""

from __future__ import annotations

from decimal import Decimal


def num(value: Decimal | int | float | None, places: int | None = None) -> str:
    """1234.5 -> '1,234.5'; no scientific notation; no trailing zeros; small prices keep digits."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if places is not None:
        value = round(value, places)
    elif abs(value) >= 1000:
        value = round(value, 2)
    elif abs(value) >= 1:
        value = round(value, 4)
    text = f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,f}".rstrip("0").rstrip(".")
    return text


def pct(value: Decimal | float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    value = round(Decimal(str(value)), 2)
    return f"{value:+.2f}%" if signed else f"{value:.2f}%"
